import type { SimClock } from './clock.js';
import type { ServiceKey } from './errors.js';
import type { FaultEffect } from './faults.js';
import type { Input } from './input.js';
import type { JsonObject } from './json.js';
import type { RegionState, SimState } from './state.js';

/** Everything an operation handler may use: the Region's state, the clock and injected effects. */
export interface RequestContext {
  region: string;
  accountId: string;
  /** Wall-clock time of this request, epoch ms. */
  now: number;
  clock: SimClock;
  state: RegionState;
  root: SimState;
  /** Domain faults drawn for this call (rollout failure, operation failure). */
  effects: readonly FaultEffect[];
}

/** One AWS operation: whether it mutates, its throttling category, and its behaviour. */
export interface OperationDef {
  kind: 'read' | 'write';
  category: string;
  handle(ctx: RequestContext, input: Input): JsonObject;
}

/** The operations of one service, by name. */
export interface ServiceDef {
  key: ServiceKey;
  /** X-Amz-Target prefix, e.g. `AmazonEC2ContainerServiceV20141113`. */
  targetPrefix: string;
  operations: Record<string, OperationDef>;
  /** Applies the asynchronous transitions that are due by `ctx.now` (called before every call). */
  settle(ctx: RequestContext): void;
}

/** An ARN in the request's partition, Region and the simulated account. */
export function arnOf(ctx: Pick<RequestContext, 'region' | 'accountId'>, service: string, resource: string): string {
  return `arn:aws:${service}:${ctx.region}:${ctx.accountId}:${resource}`;
}

/** Epoch milliseconds -> the epoch-seconds number the JSON protocols use for timestamps. */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}
