/**
 * One reconcile pass: observe live state -> judge tracked rollouts -> plan (pure) -> log-group
 * look-ups for what changes -> final plan -> apply (optional). Shared by `plan`, `apply` and the
 * daemon.
 */
import type { DesiredResource } from '../manifests/model.js';
import type { Logger } from '../observe/logger.js';
import type { Clock } from '../util/clock.js';
import { applyPlan, type ApplyOptions, type ApplyResult } from './apply.js';
import type { RecheckPolicy } from './decision.js';
import { neededLogGroups, withLogGroups } from './log-groups.js';
import { observe, observeLogGroups, type ObserveStrategy } from './observe.js';
import type { ObservedState } from './observed.js';
import { planChanges, type PlanOptions } from './plan.js';
import type { Plan } from './plan-types.js';
import type { AwsPorts } from './ports.js';
import type { ReconcileState } from './state.js';
import type { WaitOptions } from './wait.js';

export interface PassOptions extends PlanOptions {
  concurrency: number;
  pruneClusters?: readonly string[];
  /** How live state is read; `per-resource` is the benchmark's baseline only. */
  observeStrategy?: ObserveStrategy;
  /** Keys included only because the changed ones depend on them (see ObserveOptions). */
  dependencyOnly?: ReadonlySet<string>;
  /**
   * Re-read what this process takes to exist: `true` checks that the revisions it knows are still
   * ACTIVE (one ListTaskDefinitions per family) and that every log group a desired resource logs to
   * exists, not only those of what changes (one DescribeLogGroups per 50 groups); `log-groups` only
   * the latter. The daemon asks for all of it once per resync interval; a one-shot `plan` or
   * `apply` for the log groups, whose absence stops tasks from starting, at their small cost.
   */
  verifyAssumed?: boolean | 'log-groups';
}

export interface PlannedPass {
  plan: Plan;
  observed: ObservedState;
}

/** Observes and plans; makes read calls only. */
export async function planPass(desired: readonly DesiredResource[], ports: AwsPorts, state: ReconcileState, options: PassOptions): Promise<PlannedPass> {
  const observed = await observe(desired, ports, state.cache, {
    defaultCluster: options.defaultCluster,
    controllerId: options.controllerId,
    prune: options.prune && options.sourceHealthy,
    concurrency: options.concurrency,
    ...(options.pruneClusters ? { pruneClusters: options.pruneClusters } : {}),
    ...(options.observeStrategy ? { strategy: options.observeStrategy } : {}),
    ...(options.dependencyOnly ? { dependencyOnly: options.dependencyOnly } : {}),
    ...(options.verifyAssumed === true ? { verify: true } : {}),
  });
  // The rollouts this process started, judged on this pass's reads: the planner holds a spec whose
  // rollout failed, and reports one still under way.
  observed.rollouts = { inFlight: state.rollouts.observe(observed.services), failed: state.rollouts.failed() };
  observed.draining = await state.drains.stillDraining(ports);
  observed.owedRedeploys = state.redeploys.stillOwed(observed.services);
  const first = planChanges(desired, observed, options);
  const verifyLogGroups = options.verifyAssumed !== undefined && options.verifyAssumed !== false;
  const needed = neededLogGroups(first, desired, ports.region, verifyLogGroups);
  await observeLogGroups(needed, ports, state.cache, observed, verifyLogGroups);
  return { plan: state.drift.judge(withLogGroups(first, needed, observed, options.controllerId), desired), observed };
}

export interface ApplyPassOptions extends PassOptions {
  logger: Logger;
  wait: boolean;
  waits?: Partial<WaitOptions>;
  signal?: AbortSignal;
  clock?: Clock;
  recheck?: RecheckPolicy;
  onRolloutProgress?: ApplyOptions['onRolloutProgress'];
}

/** Observes, plans and applies. */
export async function applyPass(
  desired: readonly DesiredResource[],
  ports: AwsPorts,
  state: ReconcileState,
  options: ApplyPassOptions,
): Promise<PlannedPass & { result: ApplyResult }> {
  const planned = await planPass(desired, ports, state, options);
  const result = await applyPlan(planned.plan, planned.observed, ports, state, {
    logger: options.logger,
    concurrency: options.concurrency,
    wait: options.wait,
    ...(options.waits ? { waits: options.waits } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.recheck ? { recheck: options.recheck } : {}),
    ...(options.onRolloutProgress ? { onRolloutProgress: options.onRolloutProgress } : {}),
  });
  state.drift.written(planned.plan, result, desired);
  return { ...planned, result };
}
