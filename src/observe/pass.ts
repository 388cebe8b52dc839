/**
 * What the loop reports about one pass, shared by the status document and the metrics, and the
 * one rule that decides whether a pass succeeded.
 */
import type { ResultOutcome } from '../reconcile/apply.js';

/** One finished pass, as the loop reports it (extra fields, e.g. the per-resource results, are ignored). */
export interface PassReport {
  /** The pass number, 1-based, increasing. */
  pass: number;
  /** The source revision the pass reconciled. */
  revision: string;
  durationMs: number;
  /** How many resources ended with each outcome; missing outcomes count 0. */
  counts: Partial<Record<ResultOutcome, number>>;
  /** When the pass began (epoch ms or Date); defaults to its end minus its duration. */
  startedAt?: number | Date;
  /** What started it: `initial`, `change`, `resync`. */
  trigger?: string;
  /** Set when the pass as a whole could not run (source unreadable, AWS unreachable). */
  error?: string;
}

/** How a pass ended: every resource converged, some failed, or the pass itself could not run. */
export type PassResult = 'success' | 'failed' | 'error';

/** Decides a pass's result: `error` when it could not run, `failed` when any resource failed, else `success`. */
export function passResult(report: Pick<PassReport, 'counts' | 'error'>): PassResult {
  if (report.error !== undefined) return 'error';
  return (report.counts.failed ?? 0) > 0 ? 'failed' : 'success';
}

const OUTCOME_ORDER: readonly ResultOutcome[] = ['created', 'configured', 'deleted', 'unchanged', 'skipped', 'failed'];

/**
 * What a pass did, in words that add up: the resources it looked at (manifests, and the log groups
 * their task definitions need, which have no manifest of their own) and the non-zero outcome counts,
 * e.g. `4 resources and 1 log group: 1 configured, 4 unchanged`.
 */
export function describePassCounts(results: readonly { key: string; outcome: ResultOutcome }[]): string {
  const logGroups = results.filter((r) => kindOf(r.key) === 'LogGroup').length;
  const declared = results.length - logGroups;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const what = logGroups > 0 ? `${plural(declared, 'resource')} and ${plural(logGroups, 'log group')}` : plural(declared, 'resource');
  const counts = OUTCOME_ORDER.flatMap((o) => {
    const n = results.filter((r) => r.outcome === o).length;
    return n > 0 ? [`${n} ${o}`] : [];
  });
  return `${what}: ${counts.length > 0 ? counts.join(', ') : 'nothing to do'}`;
}

/** The kind part of a resource key (`Service/nginx` → `Service`). */
export function kindOf(key: string): string {
  const slash = key.indexOf('/');
  return slash < 0 ? key : key.slice(0, slash);
}
