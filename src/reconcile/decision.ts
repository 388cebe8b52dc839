/**
 * What happens next to a resource key, decided on the reconcile side where the facts live and
 * handed to the controller, which only schedules it (controller-runtime's Reconciler returns one
 * Result the same way). One retry policy over typed failure categories decides it; no caller
 * reads reasons' prose or keys' prefixes to guess.
 */
import type { ErrorCategory, Failure } from './ports.js';

/** Why a resource cannot converge until its manifest (or something outside it) changes: status Stalled. */
export type StallReason =
  /** AWS refused the request as invalid. */
  | 'InvalidInput'
  | 'QuotaExceeded'
  | 'AccessDenied'
  /** The deployment circuit breaker failed this spec (and maybe rolled it back). */
  | 'RolloutFailed'
  /** A field still differs after the controller set it, read after read. */
  | 'PersistentDrift'
  /** Someone else owns a resource of that name. */
  | 'OwnershipConflict'
  /** The change needs the service recreated: only with --allow-replace. */
  | 'ReplaceRequired'
  /** Something it needs (a cluster, a namespace) neither exists nor is declared. */
  | 'MissingDependency'
  /** It waits on a resource that is itself stalled. */
  | 'DependencyStalled';

/** Why a resource is converging but not done yet: status Reconciling. */
export type ProgressReason =
  | 'RolloutInProgress'
  /** The deployment completed but Service Connect has not registered every discovery name. */
  | 'ServiceConnectPending'
  /** A service of that name is still DRAINING; the name is free once it is INACTIVE. */
  | 'WaitingForDrain';

/** What the controller does next with one key. */
export type Decision =
  /** Converged: forget its backoff; the next resync looks again. */
  | { type: 'done' }
  /** Progressing: look again after `afterMs` (no backoff; nothing failed). */
  | { type: 'recheck'; afterMs: number; reason: ProgressReason; message: string }
  /** Failed in a way a retry may fix: retry with the key's backoff. */
  | { type: 'backoff'; message: string; error?: Failure }
  /** Nothing a retry can fix: wait for the manifest to change (or the next resync). */
  | { type: 'terminal'; reason: StallReason; message: string; error?: Failure };

/** Why a plan does not write: set by the planner on blocked, conflicting and refused plans. */
export type Hold = { kind: 'stalled'; reason: StallReason } | { kind: 'waiting'; reason: ProgressReason };

/** How soon the daemon looks again at work in progress. */
export interface RecheckPolicy {
  /** After a service changes, and while its rollout is in progress (default 60 s). */
  rolloutCheckMs: number;
  /** While a service of the same name drains (default 10 s: draining takes seconds to minutes). */
  drainCheckMs: number;
}

export const DEFAULT_RECHECK: RecheckPolicy = { rolloutCheckMs: 60_000, drainCheckMs: 10_000 };

/** What a failure of each category means for the next attempt. */
const BY_CATEGORY: Record<ErrorCategory, { type: 'backoff' } | { type: 'terminal'; reason: StallReason }> = {
  Throttled: { type: 'backoff' },
  Transient: { type: 'backoff' },
  Conflict: { type: 'backoff' },
  NotFound: { type: 'backoff' },
  Unknown: { type: 'backoff' },
  Invalid: { type: 'terminal', reason: 'InvalidInput' },
  QuotaExceeded: { type: 'terminal', reason: 'QuotaExceeded' },
  Denied: { type: 'terminal', reason: 'AccessDenied' },
};

/** The failure code of a rollout the circuit breaker failed (a ReconcileError's `code`). */
export const ROLLOUT_FAILED = 'RolloutFailed';

/** The retry policy: what a failure of a given category and code decides. */
export function decideFailure(error: Failure, message = error.message): Decision {
  if (error.code === ROLLOUT_FAILED) return { type: 'terminal', reason: 'RolloutFailed', message, error };
  const rule = BY_CATEGORY[error.category];
  return rule.type === 'terminal' ? { type: 'terminal', reason: rule.reason, message, error } : { type: 'backoff', message, error };
}

/** What a planner's hold decides. */
export function decideHold(hold: Hold, message: string, recheck: RecheckPolicy): Decision {
  switch (hold.kind) {
    case 'stalled':
      return { type: 'terminal', reason: hold.reason, message };
    case 'waiting':
      return { type: 'recheck', afterMs: hold.reason === 'WaitingForDrain' ? recheck.drainCheckMs : recheck.rolloutCheckMs, reason: hold.reason, message };
    default: {
      const never: never = hold;
      throw new Error(`unknown hold ${JSON.stringify(never)}`);
    }
  }
}

/**
 * What a resource that was not applied because of its dependencies decides: stalled when every one
 * of them is, looked at again when one of them is only progressing, else retried with backoff.
 */
export function decideDependants(blockers: readonly Decision[], message: string): Decision {
  if (blockers.length > 0 && blockers.every((d) => d.type === 'terminal')) return { type: 'terminal', reason: 'DependencyStalled', message };
  const progressing = blockers.flatMap((d) => (d.type === 'recheck' ? [d] : []));
  if (progressing.length > 0 && progressing.length === blockers.filter((d) => d.type !== 'done').length) {
    const soonest = progressing.reduce((a, b) => (b.afterMs < a.afterMs ? b : a));
    return { type: 'recheck', afterMs: soonest.afterMs, reason: soonest.reason, message };
  }
  return { type: 'backoff', message };
}
