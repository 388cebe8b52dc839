/**
 * Failures keep their type across the reconcile boundary: an adapter's AwsCallError, or a
 * ReconcileError for what the reconciler itself concludes (a rollout failed, a wait timed out),
 * travel as they are from observation to plan to result to the controller's decision, instead of
 * being flattened into loose `{message, code, category: string}` objects.
 */
import type { ErrorCategory, Failure } from './ports.js';

export type { ErrorCategory, Failure } from './ports.js';

const CATEGORIES: ReadonlySet<string> = new Set<ErrorCategory>(['NotFound', 'Throttled', 'Conflict', 'Invalid', 'Denied', 'Transient', 'QuotaExceeded', 'Unknown']);

/** A failure the reconciler concludes itself (no AWS call failed), with its category and code. */
export class ReconcileError extends Error implements Failure {
  readonly category: ErrorCategory;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
  readonly operation: string | undefined;

  constructor(message: string, details: { category: ErrorCategory; code?: string; requestId?: string; operation?: string; cause?: unknown }) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ReconcileError';
    this.category = details.category;
    this.code = details.code;
    this.requestId = details.requestId;
    this.operation = details.operation;
  }

  /** The failure as plain data (what `apply --output json` prints). */
  toJSON(): FailureJson {
    return failureJson(this);
  }
}

/** A failure as plain JSON. */
export interface FailureJson {
  message: string;
  category: ErrorCategory;
  code?: string;
  requestId?: string;
  operation?: string;
}

/** The plain-data form of any failure. */
export function failureJson(f: Failure): FailureJson {
  return {
    message: f.message,
    category: f.category,
    ...(f.code !== undefined ? { code: f.code } : {}),
    ...(f.requestId !== undefined ? { requestId: f.requestId } : {}),
    ...(f.operation !== undefined ? { operation: f.operation } : {}),
  };
}

/** Whether a thrown value already is a categorised failure (an AwsCallError, a ReconcileError). */
export function isFailure(err: unknown): err is Failure & Error {
  if (!(err instanceof Error)) return false;
  const category = (err as { category?: unknown }).category;
  return typeof category === 'string' && CATEGORIES.has(category);
}

/** Any thrown value as a Failure: itself when it is one, else an Unknown failure that keeps it as its cause. */
export function asFailure(err: unknown): Failure {
  if (isFailure(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ReconcileError(message, { category: 'Unknown', cause: err });
}
