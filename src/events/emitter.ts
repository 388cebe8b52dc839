/**
 * Turns what the controller reports (results with their decisions, stalled manifests, passes,
 * leadership) into events, each said once: a broken manifest is one "Resource Stalled" until it
 * changes, a failed rollout one "Rollout Failed", a refused prune one "Prune Refused" while the same
 * refusal repeats, and so on. Only the controller that writes (the leader, or the only one)
 * speaks, so two controllers on one source never say the same thing twice.
 */
import type { PassSummary } from '../controller/controller.js';
import type { Problem } from '../manifests/problems.js';
import { maskChange } from '../observe/status.js';
import type { ResourceResult } from '../reconcile/apply.js';
import { maskText } from '../util/secrets.js';
import { truncateText } from '../util/truncate.js';
import type { ControllerEvent, EventDetail, EventDetailType } from './types.js';

export interface EmitterOptions {
  controllerId: string;
  publish(event: ControllerEvent): void;
  /** Whether this controller writes now (default: always). */
  isLeader?: () => boolean;
  now?: () => number;
  /** Resyncs in a row that each find and correct a resource's drift before it counts as persistent. */
  driftThreshold?: number;
}

const RECONCILED: Partial<Record<ResourceResult['outcome'], string>> = { created: 'Created', configured: 'Configured', deleted: 'Deleted' };

/** The controller's events, with the memory that keeps each from being said twice. */
export class ControllerEvents {
  /** Per key, the stall last reported (a manifest's problems, or a terminal decision's reason and message). */
  private readonly stalled = new Map<string, string>();
  /** Per key, resyncs in a row that found and corrected drift. */
  private readonly drift = new Map<string, number>();
  private readonly driftReported = new Set<string>();
  private pruneRefusal: string | undefined;
  private readonly now: () => number;

  constructor(private readonly options: EmitterOptions) {
    this.now = options.now ?? Date.now;
  }

  private emit(detailType: EventDetailType, detail: Omit<EventDetail, 'controllerId'>): void {
    if (this.options.isLeader?.() === false) return;
    // Messages quote manifests and AWS errors: the same masking and bound as every other output.
    this.options.publish({ detailType, detail: { controllerId: this.options.controllerId, ...detail, message: truncateText(maskText(detail.message)) }, time: this.now() });
  }

  /**
   * A resource's result: reconciled when something changed; stalled (a rollout failure, persistent
   * drift, or any other cause a retry cannot fix, as the reconciler decided) once per cause.
   */
  result(r: ResourceResult, revision: string): void {
    const reason = RECONCILED[r.outcome];
    if (reason !== undefined) {
      this.emit('Resource Reconciled', { resource: r.key, revision, reason, message: r.reason, changes: r.changes.map(maskChange) });
    }
    const d = r.decision;
    if (d.type === 'terminal') {
      const cause = `${d.reason}\n${d.message}`;
      if (this.stalled.get(r.key) !== cause) {
        this.stalled.set(r.key, cause);
        const detailType: EventDetailType = d.reason === 'RolloutFailed' ? 'Rollout Failed' : d.reason === 'PersistentDrift' ? 'Persistent Drift' : 'Resource Stalled';
        if (detailType !== 'Persistent Drift' || !this.driftReported.has(r.key)) {
          if (detailType === 'Persistent Drift') this.driftReported.add(r.key);
          this.emit(detailType, { resource: r.key, revision, reason: d.reason, message: d.message, changes: r.changes.map(maskChange) });
        }
      }
    } else if (d.type === 'done') {
      // Converged: a later failure, or a later breakage of its manifest, is news again.
      this.stalled.delete(r.key);
    }
  }

  /** An invalid manifest: once per distinct set of problems. */
  stalledManifest(key: string, problems: readonly Problem[], revision: string): void {
    const fingerprint = problems.map((p) => `${p.file}:${p.line}:${p.column}:${p.message}`).join('\n');
    if (this.stalled.get(key) === fingerprint) return;
    this.stalled.set(key, fingerprint);
    const first = problems[0];
    const where = first ? `${first.file}:${first.line}:${first.column}: ${first.path ? `${first.path}: ` : ''}${first.message}` : 'invalid manifest';
    this.emit('Resource Stalled', { resource: key, revision, reason: 'InvalidManifest', message: problems.length > 1 ? `${where} (and ${problems.length - 1} more)` : where });
  }

  /** A resource no manifest declares any more. */
  removed(key: string): void {
    this.stalled.delete(key);
    this.drift.delete(key);
    this.driftReported.delete(key);
  }

  /** A pass: a prune refusal (once while the same refusal repeats), and drift that resyncs keep finding. */
  pass(p: PassSummary): void {
    if (p.pruneRefused !== undefined) {
      if (p.pruneRefused !== this.pruneRefusal) {
        this.pruneRefusal = p.pruneRefused;
        this.emit('Prune Refused', { revision: p.revision, reason: 'PruneRefused', message: p.pruneRefused });
      }
    } else if (p.full) {
      this.pruneRefusal = undefined;
    }
    if (p.trigger !== 'resync') return;
    const threshold = this.options.driftThreshold ?? 3;
    for (const r of p.results) {
      if (r.outcome === 'configured') {
        const n = (this.drift.get(r.key) ?? 0) + 1;
        this.drift.set(r.key, n);
        if (n >= threshold && !this.driftReported.has(r.key)) {
          this.driftReported.add(r.key);
          this.emit('Persistent Drift', {
            resource: r.key,
            revision: p.revision,
            reason: 'PersistentDrift',
            message: `${r.key} was changed outside the controller and set back on ${n} resyncs in a row; something else keeps changing it`,
            changes: r.changes.map(maskChange),
          });
        }
      } else if (r.outcome === 'unchanged') {
        this.drift.delete(r.key);
        this.driftReported.delete(r.key);
      }
    }
  }

  /** This controller became the leader. */
  leader(info: { holder: string; lease: string }): void {
    this.emit('Leader Changed', { reason: 'Leader', message: `${info.holder} now holds ${info.lease} and writes`, holder: info.holder, lease: info.lease });
  }
}
