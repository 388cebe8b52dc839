/**
 * The persistent-drift breaker. When a field still differs on the reads that follow our writes of
 * it, for the same desired spec, AWS is echoing something the planner does not expect (a value it
 * normalises or defaults, or another writer setting it back): writing again would redeploy on every
 * pass without ever converging. After `DRIFT_READS` such reads the resource is held (Stalled,
 * PersistentDrift) with the field, the desired and observed values and a hint, until its manifest
 * changes.
 */
import type { DesiredResource, ResourceKey } from '../manifests/model.js';
import { BoundedMap } from '../util/bounded-map.js';
import { asJson, contentHash } from './canonical.js';
import type { FieldChange } from './diff.js';
import type { ApplyResult } from './apply.js';
import type { Plan, ResourcePlan } from './plan-types.js';

/** How many reads after a write may show the same field still differing before the breaker trips. */
export const DRIFT_READS = 2;

const HINT =
  'AWS keeps returning another value than the manifest states (it may normalise or default it, or another writer sets it back): state it the way AWS returns it, or leave the field out of the manifest';

interface Entry {
  /** The desired spec the writes were for. */
  specHash: string;
  /** The field paths written. */
  paths: Set<string>;
  /** Reads after a write that still showed one of `paths` differing. */
  reads: number;
  /** Whether a write happened since the last read (only such reads count). */
  writtenSinceRead: boolean;
  /** Set once the breaker tripped: the change it stopped on. */
  tripped?: FieldChange;
}

/** One entry per resource written with changes: the bound is only reached past this many. */
const MAX_TRACKED = 10_000;

/** The desired spec a resource's writes are judged against: it changes when its manifest does. */
function specHashOf(r: DesiredResource): string {
  return contentHash(asJson({ spec: r.spec, annotations: r.metadata.annotations ?? {} }));
}

function show(v: FieldChange['old']): string {
  return v === undefined ? '(absent)' : JSON.stringify(v);
}

export class DriftTracker {
  private readonly entries = new BoundedMap<ResourceKey, Entry>(MAX_TRACKED);
  private readonly reads: number;

  constructor(reads = DRIFT_READS) {
    this.reads = reads;
  }

  /**
   * Judges a pass's plan: a resource whose written fields still differ is counted, and held once
   * they have on `reads` reads after writes. Returns the plan with held resources replaced.
   */
  judge(plan: Plan, desired: readonly DesiredResource[]): Plan {
    const byKey = new Map(desired.map((r) => [r.key, r]));
    const resources = plan.resources.map((p) => {
      const r = byKey.get(p.key);
      const e = this.entries.get(p.key);
      if (!r || !e) return p;
      if (e.specHash !== specHashOf(r)) {
        // The manifest changed: the breaker clears.
        this.entries.delete(p.key);
        return p;
      }
      const again = p.outcome === 'update' ? p.changes.find((c) => e.paths.has(c.path)) : undefined;
      if (!again) {
        // What was written now reads as the manifest states it: converged.
        this.entries.delete(p.key);
        return p;
      }
      if (e.tripped !== undefined) return this.held(p, again);
      if (e.writtenSinceRead) {
        e.reads += 1;
        e.writtenSinceRead = false;
      }
      if (e.reads < this.reads) return p;
      e.tripped = again;
      return this.held(p, again);
    });
    return { ...plan, resources };
  }

  /** Records the writes a pass made: the fields of each resource configured are watched on the next reads. */
  written(plan: Plan, result: ApplyResult, desired: readonly DesiredResource[]): void {
    const byKey = new Map(desired.map((r) => [r.key, r]));
    const plans = new Map(plan.resources.map((p) => [p.key, p]));
    for (const res of result.results) {
      const p = plans.get(res.key);
      const r = byKey.get(res.key);
      if (res.outcome !== 'configured' || !p || !r || p.outcome !== 'update' || p.changes.length === 0) continue;
      const specHash = specHashOf(r);
      const e = this.entries.get(res.key);
      const paths = p.changes.map((c) => c.path);
      if (e && e.specHash === specHash) {
        for (const path of paths) e.paths.add(path);
        e.writtenSinceRead = true;
      } else {
        this.entries.set(res.key, { specHash, paths: new Set(paths), reads: 0, writtenSinceRead: true });
      }
    }
  }

  private held(p: ResourcePlan, c: FieldChange): ResourcePlan {
    const reason = `${c.path} still differs after ${this.reads} writes of it: the manifest states ${show(c.new)}, AWS reports ${show(c.old)}; not written again until the manifest changes (${HINT})`;
    return { ...p, outcome: 'blocked', steps: [], reason, hold: { kind: 'stalled', reason: 'PersistentDrift' } };
  }
}
