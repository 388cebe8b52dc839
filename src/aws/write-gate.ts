/**
 * The last check before a write leaves the process: an SDK middleware that refuses every mutating
 * AWS call while this process does not hold the lease. It runs once per attempt (inside the SDK's
 * retry loop), so a retry of a write that started before the holder's deadline is refused too.
 */
import type { AbsoluteLocation, FinalizeRequestHandlerOptions, FinalizeRequestMiddleware, HandlerExecutionContext, Pluggable } from '@smithy/types';

/** Whether writes may start now, and why not. */
export interface WriteGate {
  writesAllowed(): boolean;
  /** Why writes are refused, for the error (e.g. who holds the lease). */
  refusal(): string;
}

/** A write refused because this process does not hold the lease. */
export class NotLeaderError extends Error {
  constructor(operation: string, reason: string) {
    super(`${operation} not sent: ${reason}`);
    this.name = 'NotLeaderError';
  }
}

// Reads by their name: every other operation of ECS, Cloud Map and CloudWatch Logs changes something.
const READ = /^(Describe|List|Get|Filter|BatchGet)/;

/** Whether a command (`UpdateServiceCommand`) is a write. */
export function isWriteCommand(commandName: string): boolean {
  return !READ.test(commandName);
}

const STEP: FinalizeRequestHandlerOptions & AbsoluteLocation = { step: 'finalizeRequest', priority: 'low', name: 'switchboardWriteGate', tags: ['SWITCHBOARD'] };

/** The plugin to add to a client with `client.middlewareStack.use(...)`: writes pass only while `gate` allows them. */
export function writeGatePlugin<I extends object, O extends object>(gate: WriteGate): Pluggable<I, O> {
  const middleware: FinalizeRequestMiddleware<I, O> = (next, context: HandlerExecutionContext) => async (args) => {
    const command = context.commandName ?? '';
    if (isWriteCommand(command) && !gate.writesAllowed()) throw new NotLeaderError(command.replace(/Command$/, ''), gate.refusal());
    return next(args);
  };
  return { applyToStack: (stack) => stack.add(middleware, STEP) };
}
