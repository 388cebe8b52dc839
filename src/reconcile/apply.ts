/**
 * The executor: runs a plan's steps in dependency order, independent resources concurrently
 * (bounded). A failed resource stops only its dependants; everything else still applies. Each
 * result carries the decision of what happens next to its key (see decision.ts).
 */
import type { ResourceKey } from '../manifests/model.js';
import type { Logger } from '../observe/logger.js';
import { systemClock, type Clock } from '../util/clock.js';
import { mapGraph, mapLimit } from '../util/concurrency.js';
import { redeployService, runStep, type ChangedService, type StepContext } from './apply-steps.js';
import { decideDependants, decideFailure, decideHold, DEFAULT_RECHECK, type Decision, type RecheckPolicy } from './decision.js';
import type { FieldChange } from './diff.js';
import { asFailure } from './errors.js';
import type { ObservedState } from './observed.js';
import { Phase, type Plan, type ResourcePlan } from './plan-types.js';
import type { AwsPorts, Failure } from './ports.js';
import type { ReconcileState } from './state.js';
import { DEFAULT_WAIT, type WaitOptions } from './wait.js';
import { loggingProgress, waitForRollout, type RolloutProgress } from './waiters.js';

export type { RolloutProgress } from './waiters.js';

/** What happened to one resource. */
export type ResultOutcome = 'created' | 'configured' | 'unchanged' | 'deleted' | 'skipped' | 'failed';

export interface ResourceResult {
  key: ResourceKey;
  outcome: ResultOutcome;
  /** Why it was skipped or failed, or what was done. */
  reason: string;
  changes: FieldChange[];
  durationMs: number;
  error?: Failure;
  /** True when the result leaves the resource not converged (failed, conflict, blocked, replace not allowed). */
  needsAttention: boolean;
  /** For a resource skipped because what it depends on did not converge: those keys. */
  blockedBy?: ResourceKey[];
  /** What happens next to this key. */
  decision: Decision;
  /** What the pass did, or could not do, to it after its steps (a redeploy so its tasks resolve new endpoints). */
  followUps?: string[];
}

export interface ApplyResult {
  results: ResourceResult[];
  /** True when no result needs attention. */
  ok: boolean;
}

export interface ApplyOptions {
  logger: Logger;
  concurrency: number;
  /** Wait for every changed service's deployment to complete. */
  wait: boolean;
  waits?: Partial<WaitOptions>;
  signal?: AbortSignal;
  clock?: Clock;
  /** How soon work in progress is looked at again (the daemon's rechecks). */
  recheck?: RecheckPolicy;
  /** Told about each rollout poll, for progress shown to a person (apply --wait). */
  onRolloutProgress?: (p: RolloutProgress) => void;
}

interface Ctx extends StepContext {
  clock: Clock;
  recheck: RecheckPolicy;
  /** Whether a create waits here for a DRAINING service of its name to become INACTIVE (apply --wait). */
  waitsForDrain: boolean;
  /** Keys that did not converge this pass, with their decision: what depends on them is not applied. */
  notConverged: Map<ResourceKey, Decision>;
  /** Services whose latest write this pass has been waited for and is rolled out. */
  rolledOut: Set<ResourceKey>;
  concurrency: number;
}

const SUCCESS: Record<ResourcePlan['outcome'], ResultOutcome> = {
  create: 'created',
  update: 'configured',
  replace: 'configured',
  delete: 'deleted',
  unchanged: 'unchanged',
  conflict: 'skipped',
  blocked: 'skipped',
};

/** What a plan that writes nothing decides: its hold, when it has one. */
function decisionWithoutSteps(r: ResourcePlan, ctx: Ctx): Decision {
  if (r.hold) return decideHold(r.hold, r.reason, ctx.recheck);
  return r.outcome === 'unchanged' ? { type: 'done' } : { type: 'backoff', message: r.reason };
}

/** What a resource whose steps all succeeded decides: a service written is looked at again once its rollout had time. */
function decisionAfterWrite(r: ResourcePlan, ctx: Ctx): Decision {
  if (!ctx.changedServices.has(r.key)) return { type: 'done' };
  return { type: 'recheck', afterMs: ctx.recheck.rolloutCheckMs, reason: 'RolloutInProgress', message: 'rolling out' };
}

async function applyResource(r: ResourcePlan, ctx: Ctx, signal?: AbortSignal): Promise<ResourceResult> {
  const started = ctx.clock.now();
  const result = (outcome: ResultOutcome, reason: string, decision: Decision, extra: Partial<ResourceResult> = {}): ResourceResult => {
    const res: ResourceResult = { key: r.key, outcome, reason, changes: r.changes, durationMs: ctx.clock.now() - started, needsAttention: outcome === 'failed' || outcome === 'skipped', decision, ...extra };
    if (res.needsAttention) ctx.notConverged.set(r.key, decision);
    return res;
  };
  const blockedBy = r.dependsOn.filter((d) => ctx.notConverged.has(d));
  if (blockedBy.length > 0 && r.steps.length > 0) {
    const reason = `not applied: depends on ${blockedBy.join(', ')}, which did not converge`;
    return result('skipped', reason, decideDependants(blockedBy.flatMap((d) => ctx.notConverged.get(d) ?? []), reason), { blockedBy });
  }
  if (r.error) {
    ctx.log.warn({ resource: r.key, action: 'observe', result: 'failed', awsErrorCode: r.error.code, requestId: r.error.requestId }, `${r.key}: ${r.reason}`);
    const decision = r.hold ? decideHold(r.hold, r.reason, ctx.recheck) : decideFailure(r.error, r.reason);
    return result('failed', r.reason, decision.type === 'terminal' ? { ...decision, error: r.error } : decision, { error: r.error });
  }
  if (r.steps.length === 0) return result(r.outcome === 'unchanged' ? 'unchanged' : 'skipped', r.reason, decisionWithoutSteps(r, ctx));
  // Waiting for a drain happens only when the pass waits; otherwise the key is looked at again soon.
  if (r.steps[0]?.op === 'awaitDrain' && !ctx.waitsForDrain) return result('skipped', r.reason, decisionWithoutSteps(r, ctx));
  if (signal?.aborted) return result('skipped', 'not applied: shutting down', { type: 'backoff', message: 'shutting down' });
  try {
    for (const step of r.steps) await runStep(step, r, ctx);
    const res = result(SUCCESS[r.outcome], r.reason, decisionAfterWrite(r, ctx));
    ctx.log.info({ resource: r.key, action: r.outcome, result: res.outcome, durationMs: res.durationMs, changes: r.changes.slice(0, 20) }, `${r.key}: ${res.outcome}`);
    return res;
  } catch (err) {
    const error = asFailure(err);
    const reason = `${r.outcome} failed: ${error.message}`;
    ctx.log.error({ resource: r.key, action: r.outcome, result: 'failed', err, awsErrorCode: error.code, requestId: error.requestId }, `${r.key}: ${reason}`);
    return result('failed', reason, decideFailure(error, reason), { error });
  }
}

/**
 * Among resources ready to start: services first (their task definition is already registered, and
 * registrations are the slow, paced step, so a worker should not queue behind the next one while a
 * service could be created), then the rest in phase order (namespaces, clusters and log groups,
 * which services wait for, before task definitions).
 */
function creationPriority(r: ResourcePlan): number {
  return r.phase === Phase.serverService || r.phase === Phase.clientService ? Number.MAX_SAFE_INTEGER : -r.phase;
}

/** Applies a plan and reports one result per resource. */
export async function applyPlan(plan: Plan, observed: ObservedState, ports: AwsPorts, state: ReconcileState, options: ApplyOptions): Promise<ApplyResult> {
  const tdArns = new Map<string, string>();
  for (const [key, obs] of observed.taskDefinitions) if (obs.matchingArn !== undefined) tdArns.set(key, obs.matchingArn);
  const clock = options.clock ?? systemClock;
  const ctx: Ctx = {
    state,
    log: options.logger,
    tdArns,
    changedServices: new Map(),
    clock,
    recheck: options.recheck ?? DEFAULT_RECHECK,
    waitsForDrain: options.wait,
    notConverged: new Map(),
    rolledOut: new Set(),
    concurrency: options.concurrency,
    wait: {
      ports,
      clock,
      waits: { ...DEFAULT_WAIT, ...options.waits, ...(options.signal ? { signal: options.signal } : {}) },
      log: options.logger,
      progress: loggingProgress(options.logger, clock),
      ...(options.onRolloutProgress ? { onRolloutProgress: options.onRolloutProgress } : {}),
    },
  };
  const results: ResourceResult[] = [];
  const apply = (r: ResourcePlan): Promise<ResourceResult> => applyResource(r, ctx, options.signal);
  // Creation follows the dependency graph rather than phase by phase: a service is created as soon
  // as its own task definition is registered, so service writes (5 per second) overlap the
  // registrations (1 per second) instead of waiting for all of them.
  const creation = plan.resources.filter((r) => r.phase < Phase.clientService && !waitsForServers(r));
  results.push(...(await mapGraph(creation, options.concurrency, creationPriority, apply)));
  await applyInEndpointOrder(plan.resources.filter(waitsForServers), ctx, results, apply);
  await redeployCycles(plan, ctx, results);
  // Clients start after every server changed in this pass is ready (see waitForServers).
  const clients = plan.resources.filter((r) => r.phase === Phase.clientService);
  if (clients.length > 0) {
    await waitForServers(plan, ctx, results);
    results.push(...(await mapGraph(clients, options.concurrency, creationPriority, apply)));
  }
  // Under --wait, what a pass deletes waits for its rollouts too: a renamed service's old one goes
  // only once the new one runs.
  if (options.wait) await waitForRollouts([...ctx.changedServices], ctx, results, options.concurrency);
  const deletions = plan.resources.filter((r) => r.phase > Phase.clientService);
  const unfinished = results.filter((r) => r.outcome === 'failed' || r.blockedBy !== undefined);
  if (unfinished.length > 0) {
    // Prune only after the pass's creates and updates succeeded (as Flux garbage-collects only after
    // a successful apply): a renamed service is not deleted while its replacement failed.
    results.push(...deletions.map((r) => pruneHeldBack(r, unfinished, ctx)));
  } else {
    // Deletions stay strictly in phase order: services, then task definitions, then namespaces.
    const deletionPhases = [...new Set(deletions.map((r) => r.phase))].sort((a, b) => a - b);
    for (const phase of deletionPhases) {
      results.push(...(await mapLimit(deletions.filter((r) => r.phase === phase), options.concurrency, apply)));
    }
  }
  return { results, ok: results.every((r) => !r.needsAttention) };
}

/** The result of a deletion held back because some of the pass's creates or updates did not succeed. */
function pruneHeldBack(r: ResourcePlan, unfinished: readonly ResourceResult[], ctx: Ctx): ResourceResult {
  const keys = unfinished.map((u) => u.key);
  const reason = `not deleted: prune waits until this pass's creates and updates succeed (${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ', …' : ''} did not)`;
  const decision = decideDependants(unfinished.map((u) => u.decision), reason);
  ctx.log.warn({ resource: r.key, action: 'delete', result: 'skipped' }, `${r.key}: ${reason}`);
  return { key: r.key, outcome: 'skipped', reason, changes: r.changes, durationMs: 0, needsAttention: true, blockedBy: keys, decision };
}

/** Waits for the rollouts of `services`; a rollout that fails (or never completes) fails its resource. */
async function waitForRollouts(services: [ResourceKey, ChangedService][], ctx: Ctx, results: ResourceResult[], concurrency: number): Promise<void> {
  await mapLimit(services.filter(([key]) => !ctx.rolledOut.has(key)), concurrency, async ([key, s]) => {
    const res = results.find((x) => x.key === key);
    try {
      await waitForRollout(s.cluster, s.service, key, s.expectation, ctx.wait, ctx.state.rollouts);
      ctx.rolledOut.add(key);
      if (res) res.decision = { type: 'done' };
    } catch (err) {
      const error = asFailure(err);
      const reason = `rollout failed: ${error.message}`;
      if (res) Object.assign(res, { outcome: 'failed', reason, error, needsAttention: true, decision: decideFailure(error, reason) });
      ctx.notConverged.set(key, res?.decision ?? decideFailure(error, reason));
    }
  });
}

/**
 * Service Connect clients resolve only endpoints that exist when their tasks start, so servers
 * changed in this pass must be ready before clients are updated.
 */
async function waitForServers(plan: Plan, ctx: Ctx, results: ResourceResult[]): Promise<void> {
  const clientsChange = plan.resources.some((r) => r.phase === Phase.clientService && r.steps.length > 0);
  if (!clientsChange) return;
  const servers = [...ctx.changedServices].filter(([key]) => plan.resources.find((r) => r.key === key)?.phase === Phase.serverService);
  await waitForRollouts(servers, ctx, results, 4);
}

/** Whether a resource waits for the rollouts of servers whose new endpoints it calls (see EndpointOrder). */
function waitsForServers(r: ResourcePlan): boolean {
  return r.phase < Phase.clientService && (r.endpointOrder?.after.length ?? 0) > 0;
}

/** The services among `keys` this pass changed, for waitForRollouts. */
function changed(keys: readonly ResourceKey[], ctx: Ctx): [ResourceKey, ChangedService][] {
  return [...new Set(keys)].flatMap((k) => {
    const s = ctx.changedServices.get(k);
    return s ? [[k, s] as [ResourceKey, ChangedService]] : [];
  });
}

/**
 * Applies the servers that call endpoints other servers add in this pass, each once the rollouts
 * of those servers are ready (their endpoints exist then), in waves: the planner orders them
 * without cycles. A server whose rollout failed fails its dependants through `dependsOn`.
 */
async function applyInEndpointOrder(items: readonly ResourcePlan[], ctx: Ctx, results: ResourceResult[], apply: (r: ResourcePlan) => Promise<ResourceResult>): Promise<void> {
  let remaining = [...items];
  while (remaining.length > 0) {
    const waiting = new Set(remaining.map((r) => r.key));
    const ready = remaining.filter((r) => (r.endpointOrder?.after ?? []).every((k) => !waiting.has(k)));
    // The planner's order has no cycles; should one come anyway, the rest goes together rather than never.
    const wave = ready.length > 0 ? ready : remaining;
    await waitForRollouts(changed(wave.flatMap((r) => r.endpointOrder?.after ?? []), ctx), ctx, results, ctx.concurrency);
    results.push(...(await mapGraph(wave, ctx.concurrency, creationPriority, apply)));
    remaining = remaining.filter((r) => !wave.includes(r));
  }
}

/**
 * Servers that call each other's new endpoints could not be ordered: once the rollouts of their
 * cycle are ready (every endpoint exists), each is redeployed so its tasks resolve them. A redeploy
 * is reported only once its UpdateService succeeded.
 */
async function redeployCycles(plan: Plan, ctx: Ctx, results: ResourceResult[]): Promise<void> {
  const members = plan.resources.filter((r) => r.endpointOrder?.redeploy !== undefined);
  if (members.length === 0) return;
  await waitForRollouts(changed(members.flatMap((r) => r.endpointOrder?.redeploy?.cycle ?? []), ctx), ctx, results, ctx.concurrency);
  await mapLimit(members, ctx.concurrency, async (r) => {
    const redeploy = r.endpointOrder?.redeploy;
    const res = results.find((x) => x.key === r.key);
    const service = ctx.changedServices.get(r.key);
    if (!redeploy || !res || !service) return;
    // Owed until made: should this redeploy fail, or wait on a rollout that did not end in time, or
    // the pass end first, a later pass makes it.
    if (service.expectation.deploymentId !== undefined) {
      ctx.state.redeploys.owe({ key: r.key, cluster: service.cluster, service: service.service, deploymentId: service.expectation.deploymentId, endpoints: redeploy.endpoints });
    }
    if (res.needsAttention) return;
    const unready = redeploy.cycle.filter((k) => ctx.notConverged.has(k));
    if (unready.length > 0) {
      res.followUps = [...(res.followUps ?? []), `not redeployed for ${redeploy.endpoints.join(', ')}: ${unready.join(', ')} did not converge`];
      return;
    }
    try {
      await redeployService(r, service, ctx);
      ctx.state.redeploys.paid(r.key);
      ctx.rolledOut.delete(r.key);
      res.decision = decisionAfterWrite(r, ctx);
      res.followUps = [...(res.followUps ?? []), `redeployed so its tasks resolve ${redeploy.endpoints.join(', ')} (${redeploy.cycle.join(', ')} call each other)`];
      ctx.log.info({ resource: r.key, action: 'redeploy', result: 'ok' }, `${r.key}: redeployed for ${redeploy.endpoints.join(', ')}`);
    } catch (err) {
      const error = asFailure(err);
      const reason = `${res.outcome}, but the redeploy so its tasks resolve ${redeploy.endpoints.join(', ')} failed: ${error.message}`;
      ctx.log.error({ resource: r.key, action: 'redeploy', result: 'failed', err, awsErrorCode: error.code, requestId: error.requestId }, `${r.key}: ${reason}`);
      Object.assign(res, { outcome: 'failed', reason, error, needsAttention: true, decision: decideFailure(error, reason) });
      ctx.notConverged.set(r.key, res.decision);
    }
  });
}
