/**
 * One reconcile pass: observe live state -> plan (pure) -> log-group look-ups for what changes ->
 * final plan -> apply (optional). Shared by `plan`, `apply` and the daemon.
 */
import type { DesiredResource } from '../manifests/model.js';
import type { Logger } from '../observe/logger.js';
import { applyPlan, type ApplyOptions, type ApplyResult } from './apply.js';
import type { ObserverCache } from './cache.js';
import { neededLogGroups, withLogGroups } from './log-groups.js';
import { observe, observeLogGroups, type ObserveStrategy } from './observe.js';
import type { ObservedState } from './observed.js';
import { planChanges, type PlanOptions } from './plan.js';
import type { Plan } from './plan-types.js';
import type { AwsPorts } from './ports.js';
import type { WaitOptions } from './wait.js';

export interface PassOptions extends PlanOptions {
  concurrency: number;
  pruneClusters?: readonly string[];
  /** How live state is read; `per-resource` is the benchmark's baseline only. */
  observeStrategy?: ObserveStrategy;
  /** Keys included only because the changed ones depend on them (see ObserveOptions). */
  dependencyOnly?: ReadonlySet<string>;
}

export interface PlannedPass {
  plan: Plan;
  observed: ObservedState;
}

/** Observes and plans; makes read calls only. */
export async function planPass(desired: readonly DesiredResource[], ports: AwsPorts, cache: ObserverCache, options: PassOptions): Promise<PlannedPass> {
  const observed = await observe(desired, ports, cache, {
    defaultCluster: options.defaultCluster,
    controllerId: options.controllerId,
    prune: options.prune && options.sourceHealthy,
    concurrency: options.concurrency,
    ...(options.pruneClusters ? { pruneClusters: options.pruneClusters } : {}),
    ...(options.observeStrategy ? { strategy: options.observeStrategy } : {}),
    ...(options.dependencyOnly ? { dependencyOnly: options.dependencyOnly } : {}),
  });
  rememberFailedRollouts(observed, cache);
  const first = planChanges(desired, observed, options);
  const needed = neededLogGroups(first, desired, ports.region);
  await observeLogGroups(needed, ports, cache, observed);
  return { plan: withLogGroups(first, needed, observed, options.controllerId), observed };
}

/** Records rollouts the circuit breaker failed, and hands the remembered ones to the planner. */
function rememberFailedRollouts(observed: ObservedState, cache: ObserverCache): void {
  // A deployment we started that is gone while the service runs another task definition was
  // rolled back by the circuit breaker (AWS drops the failed deployment once the rollback is done).
  for (const [key, pending] of cache.pendingRollouts) {
    const s = observed.services.get(key);
    if (!s) continue;
    const mine = s.deployments.find((d) => d.id === pending.deploymentId);
    const primary = s.deployments.find((d) => d.status === 'PRIMARY');
    const events = s.events.slice(0, 3).map((e) => e.message).join(' | ');
    if (mine?.rolloutState === 'FAILED' || (!mine && primary !== undefined && primary.taskDefinition !== pending.taskDefinition)) {
      cache.failedRollouts.set(key, { taskDefinition: pending.taskDefinition, message: `${mine?.rolloutStateReason ?? 'deployment failed and was rolled back'}: ${events}` });
      cache.pendingRollouts.delete(key);
    } else if (!mine || mine.rolloutState === 'COMPLETED') {
      cache.pendingRollouts.delete(key);
    }
  }
  for (const [key, s] of observed.services) {
    const failed = s.deployments.find((d) => d.rolloutState === 'FAILED');
    if (failed) {
      const events = s.events.slice(0, 3).map((e) => e.message).join(' | ');
      cache.failedRollouts.set(key, { taskDefinition: failed.taskDefinition, message: `${failed.rolloutStateReason ?? 'deployment failed'}: ${events}` });
    }
  }
  for (const [key, f] of cache.failedRollouts) observed.failedRollouts.set(key, f);
}

export interface ApplyPassOptions extends PassOptions {
  logger: Logger;
  wait: boolean;
  waits?: Partial<WaitOptions>;
  signal?: AbortSignal;
  onRolloutProgress?: ApplyOptions['onRolloutProgress'];
}

/** Observes, plans and applies. */
export async function applyPass(
  desired: readonly DesiredResource[],
  ports: AwsPorts,
  cache: ObserverCache,
  options: ApplyPassOptions,
): Promise<PlannedPass & { result: ApplyResult }> {
  const planned = await planPass(desired, ports, cache, options);
  const result = await applyPlan(planned.plan, planned.observed, ports, cache, {
    logger: options.logger,
    concurrency: options.concurrency,
    wait: options.wait,
    ...(options.waits ? { waits: options.waits } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onRolloutProgress ? { onRolloutProgress: options.onRolloutProgress } : {}),
  });
  return { ...planned, result };
}
