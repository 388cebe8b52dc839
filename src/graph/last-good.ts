/**
 * The manifests the daemon's map is drawn from: every resource's last valid definition. A resource
 * whose manifest breaks keeps its place on the map (shown Stalled) instead of vanishing; one whose
 * manifest is gone leaves it.
 */
import type { DesiredResource } from '../manifests/model.js';

export class LastGoodResources {
  private byKey = new Map<string, DesiredResource>();
  private changes = 0;

  /** Increases whenever the set changes. */
  get version(): number {
    return this.changes;
  }

  /** Takes a snapshot's valid resources; `stalled` keys keep their previous definition. */
  update(valid: ReadonlyMap<string, DesiredResource>, stalled: Iterable<string>): void {
    const next = new Map(valid);
    for (const key of stalled) {
      const previous = this.byKey.get(key);
      if (previous && !next.has(key)) next.set(key, previous);
    }
    const same = next.size === this.byKey.size && [...next].every(([k, r]) => this.byKey.get(k) === r);
    if (same) return;
    this.byKey = next;
    this.changes++;
  }

  list(): DesiredResource[] {
    return [...this.byKey.values()];
  }
}
