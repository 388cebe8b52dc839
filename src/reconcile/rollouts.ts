/**
 * One home for rollouts: a pure verdict over a described service (is the rollout we started done,
 * still going, or failed?) and the tracker that remembers, between passes, the rollouts this
 * process started and the specs whose rollout failed. The engine, the waiter and the planner all
 * read them from here.
 *
 * ECS reads are eventually consistent: right after UpdateService, DescribeServices may still show
 * the previous PRIMARY deployment. A rollout is concluded failed only on evidence: a FAILED
 * `rolloutState` on its deployment, a service event naming its deployment as failed, or the
 * service's task definition moving back after a read had shown ours
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html;
 * the ECS model's Deployment shape: `rolloutState` IN_PROGRESS | COMPLETED | FAILED).
 */
import { BoundedMap } from '../util/bounded-map.js';
import { familyRevision } from '../util/arn.js';
import type { ProgressReason } from './decision.js';
import type { LiveDeployment, LiveService } from './ports.js';

/** What a rollout must produce. */
export interface RolloutExpectation {
  /** The task definition ARN the rollout runs. */
  taskDefinition: string;
  /** The deployment the write started, when its answer named one. */
  deploymentId?: string;
  /**
   * The discovery names a client-server Service Connect configuration publishes: the rollout is
   * done only once the PRIMARY deployment's `serviceConnectResources` lists each (Deployment shape).
   */
  discoveryNames: readonly string[];
}

/** How a rollout stands, judged from one read. */
export type RolloutVerdict =
  | { state: 'completed' }
  | { state: 'progressing'; reason: Extract<ProgressReason, 'RolloutInProgress' | 'ServiceConnectPending'>; detail: string }
  /** `evidence` `moved-back` alone is confirmed by a second read before anyone concludes on it. */
  | { state: 'failed'; evidence: 'state' | 'event' | 'moved-back'; detail: string }
  | { state: 'gone'; detail: string };

/** The newest service events, quoted in failure messages. */
export function eventSummary(s: LiveService): string {
  return s.events.slice(0, 3).map((e) => e.message).join(' | ');
}

function ourDeployment(s: LiveService, e: RolloutExpectation): LiveDeployment | undefined {
  if (e.deploymentId !== undefined) return s.deployments.find((d) => d.id === e.deploymentId);
  return s.deployments.find((d) => d.taskDefinition === e.taskDefinition && (d.status === 'PRIMARY' || d.rolloutState === 'FAILED'));
}

function failure(s: LiveService, e: RolloutExpectation, seen: boolean): RolloutVerdict | undefined {
  const ours = ourDeployment(s, e);
  if (ours?.rolloutState === 'FAILED') {
    return { state: 'failed', evidence: 'state', detail: `deployment ${ours.id} failed (${ours.rolloutStateReason ?? 'circuit breaker'}): ${eventSummary(s)}` };
  }
  // AWS drops a failed deployment once its rollback completes; the service's events still name it.
  const id = e.deploymentId;
  if (id !== undefined && !ours) {
    const event = s.events.find((ev) => ev.message.includes(`(deployment ${id})`) && /deployment failed/i.test(ev.message));
    if (event) return { state: 'failed', evidence: 'event', detail: `${event.message}${rolledBackTo(s)}` };
  }
  if (seen && s.taskDefinition !== e.taskDefinition && s.taskDefinition !== '') {
    return { state: 'failed', evidence: 'moved-back', detail: `the service moved back to ${familyRevision(s.taskDefinition)}: ${eventSummary(s)}` };
  }
  return undefined;
}

function rolledBackTo(s: LiveService): string {
  const primary = s.deployments.find((d) => d.status === 'PRIMARY');
  return primary ? `; rolled back to ${familyRevision(primary.taskDefinition)}` : '';
}

/**
 * Judges a described service against what a rollout must produce. `seen` says an earlier read
 * already showed the rollout (so a read showing the old task definition is a move back, not a
 * read that has not caught up). Pure.
 */
export function rolloutVerdict(s: LiveService | undefined, e: RolloutExpectation, seen = false): RolloutVerdict {
  if (!s || s.status !== 'ACTIVE') return { state: 'gone', detail: s ? `the service is ${s.status}` : 'the service does not exist' };
  const failed = failure(s, e, seen);
  if (failed) return failed;
  const primary = s.deployments.find((d) => d.status === 'PRIMARY');
  const ours = ourDeployment(s, e);
  if (!primary || (ours !== undefined ? primary.id !== ours.id : primary.taskDefinition !== e.taskDefinition)) {
    return { state: 'progressing', reason: 'RolloutInProgress', detail: `waiting for the deployment of ${familyRevision(e.taskDefinition)} to show (ECS reads are eventually consistent)` };
  }
  const rollout = primary.rolloutState;
  const settled = rollout === 'COMPLETED' || (rollout === undefined && s.deployments.length === 1);
  if (!settled || s.runningCount !== s.desiredCount) {
    return { state: 'progressing', reason: 'RolloutInProgress', detail: `${s.runningCount}/${s.desiredCount} running, ${rollout ?? 'n/a'}` };
  }
  const registered = new Set(primary.serviceConnectResources.map((r) => r.discoveryName));
  const missing = e.discoveryNames.filter((n) => !registered.has(n));
  if (missing.length > 0) {
    return { state: 'progressing', reason: 'ServiceConnectPending', detail: `the deployment completed but Service Connect has not registered ${missing.join(', ')}` };
  }
  return { state: 'completed' };
}

/** Whether a verdict concludes failure (evidence that needs no second read). */
export function conclusivelyFailed(v: RolloutVerdict): boolean {
  return v.state === 'failed' && v.evidence !== 'moved-back';
}

/** A rollout this process started and has not seen finish. */
export interface TrackedRollout {
  expectation: RolloutExpectation;
  /** The desired spec it rolls out (see RolloutIntent). */
  specHash: string;
  /** Whether a read has shown it (its deployment, or the service on its task definition). */
  seen: boolean;
  /** A failure seen once on evidence that needs a second read. */
  suspect?: string;
}

/** A rollout that failed: the spec it rolled out and what the service said. */
export interface FailedRollout {
  /** The desired spec that failed (see RolloutIntent). */
  specHash: string;
  taskDefinition: string;
  message: string;
}

/**
 * At most one tracked and one failed rollout per service key, so the bound is only reached past
 * this many services; a failure forgotten then is rolled out once more, which is all it can cost.
 */
const MAX_TRACKED = 10_000;

/**
 * The rollouts of one process: what it started, and which specs failed (held until the manifest
 * changes). State that changes plans, kept between passes and bounded.
 */
export class RolloutTracker {
  private readonly inFlight = new BoundedMap<string, TrackedRollout>(MAX_TRACKED);
  private readonly failures = new BoundedMap<string, FailedRollout>(MAX_TRACKED);

  /** Records a rollout a write just started for the service `key` (`cluster/name`); it replaces any earlier failure. */
  started(key: string, expectation: RolloutExpectation, specHash: string): void {
    this.failures.delete(key);
    this.inFlight.set(key, { expectation, specHash, seen: false });
  }

  /** The rollout in flight for `key`, if any. */
  tracked(key: string): TrackedRollout | undefined {
    return this.inFlight.get(key);
  }

  /** The failed rollout remembered for `key`, if any. */
  failure(key: string): FailedRollout | undefined {
    return this.failures.get(key);
  }

  /** Every remembered failure, by service key. */
  failed(): Map<string, FailedRollout> {
    return new Map(this.failures.snapshot());
  }

  /**
   * Judges every tracked rollout against a pass's reads (a service the pass did not read keeps
   * its rollout tracked). Returns the tracked rollouts with their verdicts.
   */
  observe(services: ReadonlyMap<string, LiveService>): Map<string, { expectation: RolloutExpectation; verdict: RolloutVerdict }> {
    const out = new Map<string, { expectation: RolloutExpectation; verdict: RolloutVerdict }>();
    for (const [key, t] of this.inFlight.snapshot()) {
      const s = services.get(key);
      if (s) out.set(key, { expectation: t.expectation, verdict: this.judge(key, t, s) });
    }
    return out;
  }

  /** Judges one tracked rollout against one read, moving it to the failures or forgetting it when it ends. */
  judge(key: string, t: TrackedRollout, s: LiveService): RolloutVerdict {
    const v = rolloutVerdict(s, t.expectation, t.seen);
    if (!t.seen && (s.taskDefinition === t.expectation.taskDefinition || (t.expectation.deploymentId !== undefined && s.deployments.some((d) => d.id === t.expectation.deploymentId)))) {
      t.seen = true;
    }
    if (v.state === 'failed' && (v.evidence !== 'moved-back' || t.suspect !== undefined)) {
      this.inFlight.delete(key);
      this.failures.set(key, { specHash: t.specHash, taskDefinition: t.expectation.taskDefinition, message: v.detail });
    } else if (v.state === 'failed') {
      t.suspect = v.detail;
    } else {
      delete t.suspect;
      if (v.state === 'completed' || v.state === 'gone') this.inFlight.delete(key);
    }
    return v;
  }

  /** Forgets everything about `key` (its manifest is gone). */
  forget(key: string): void {
    this.inFlight.delete(key);
    this.failures.delete(key);
  }
}
