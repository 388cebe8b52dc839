/**
 * One reconcile pass: observe live state -> plan (pure) -> log-group look-ups for what changes ->
 * final plan -> apply (optional). Shared by `plan`, `apply` and the daemon.
 */
import type { DesiredResource } from '../manifests/model.js';
import type { Logger } from '../observe/logger.js';
import { applyPlan, type ApplyResult } from './apply.js';
import type { ObserverCache } from './cache.js';
import { neededLogGroups, withLogGroups } from './log-groups.js';
import { observe, observeLogGroups } from './observe.js';
import type { ObservedState } from './observed.js';
import { planChanges, type PlanOptions } from './plan.js';
import type { Plan } from './plan-types.js';
import type { AwsPorts } from './ports.js';
import type { WaitOptions } from './wait.js';

export interface PassOptions extends PlanOptions {
  concurrency: number;
  pruneClusters?: readonly string[];
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
  });
  const first = planChanges(desired, observed, options);
  const needed = neededLogGroups(first, desired, ports.region);
  await observeLogGroups(
    needed.map((g) => g.name),
    ports,
    cache,
    observed,
  );
  return { plan: withLogGroups(first, needed, observed, options.controllerId), observed };
}

export interface ApplyPassOptions extends PassOptions {
  logger: Logger;
  wait: boolean;
  waits?: Partial<WaitOptions>;
  signal?: AbortSignal;
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
  });
  return { ...planned, result };
}
