/**
 * What one process carries from pass to pass. `cache` holds facts that save reads (immutable
 * revisions, hints a later read corrects); `rollouts` is state that changes plans (the rollouts
 * in flight and the specs whose rollout failed), bounded and named as such.
 */
import { ObserverCache } from './cache.js';
import { RolloutTracker } from './rollouts.js';

export class ReconcileState {
  readonly cache = new ObserverCache();
  readonly rollouts = new RolloutTracker();
}
