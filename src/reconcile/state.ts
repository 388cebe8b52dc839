/**
 * What one process carries from pass to pass. `cache` holds facts that save reads (immutable
 * revisions, hints a later read corrects); `rollouts` is state that changes plans (the rollouts
 * in flight and the specs whose rollout failed) and `drains` (deleted services still holding their
 * discovery names) are state that changes plans, bounded and named as such.
 */
import { ObserverCache } from './cache.js';
import { DrainTracker } from './drains.js';
import { DriftTracker } from './drift.js';
import { RedeployTracker } from './redeploys.js';
import { RolloutTracker } from './rollouts.js';

export class ReconcileState {
  readonly cache = new ObserverCache();
  readonly rollouts = new RolloutTracker();
  /** Services this process deleted that may still hold their discovery names. */
  readonly drains = new DrainTracker();
  /** The persistent-drift breaker: fields that still differ after our writes of them. */
  readonly drift = new DriftTracker();
  /** Redeploys of servers that call each other, owed until made (see redeploys.ts). */
  readonly redeploys = new RedeployTracker();
}
