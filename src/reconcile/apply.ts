/**
 * The executor: runs a plan's steps in phase order, independent resources concurrently (bounded).
 * A failed resource stops only its dependants; everything else still applies.
 */
import type { ResourceKey } from '../manifests/model.js';
import type { Logger } from '../observe/logger.js';
import { mapGraph, mapLimit } from '../util/concurrency.js';
import type { ObserverCache } from './cache.js';
import { familyRevision } from '../util/arn.js';
import type { FieldChange } from './diff.js';
import { readError, type ObservedState } from './observed.js';
import { TAG_MANAGED_BY, TAG_TASK_DEFINITION } from './ownership.js';
import { Phase, type Plan, type ResourcePlan, type Step, type TaskDefinitionRef } from './plan-types.js';
import type { AwsPorts, JsonObject, LiveService } from './ports.js';
import { DEFAULT_WAIT, WaitError, waitUntil, type WaitOptions } from './wait.js';

/** What happened to one resource. */
export type ResultOutcome = 'created' | 'configured' | 'unchanged' | 'deleted' | 'skipped' | 'failed';

export interface ResourceResult {
  key: ResourceKey;
  outcome: ResultOutcome;
  /** Why it was skipped or failed, or what was done. */
  reason: string;
  changes: FieldChange[];
  durationMs: number;
  error?: { message: string; code?: string; requestId?: string; category?: string };
  /** True when the result leaves the resource not converged (failed, conflict, blocked, replace not allowed). */
  needsAttention: boolean;
  /** For a resource skipped because what it depends on did not converge: those keys. */
  blockedBy?: string[];
}

export interface ApplyResult {
  results: ResourceResult[];
  /** Services whose rollout was waited for, with their final state. */
  ok: boolean;
}

/** One look at a rollout being waited for (every poll, including the last). */
export interface RolloutProgress {
  /** `Service/nginx`. */
  key: string;
  /** The PRIMARY deployment's rolloutState (`IN_PROGRESS`, `COMPLETED`, `FAILED`), or `n/a`. */
  rolloutState: string;
  running: number;
  desired: number;
  /** The wait is over: rolled out, or failed (then `failed` says why). */
  done: boolean;
  failed?: string;
  elapsedMs: number;
}

export interface ApplyOptions {
  logger: Logger;
  concurrency: number;
  /** Wait for every changed service's deployment to complete. */
  wait: boolean;
  waits?: Partial<WaitOptions>;
  signal?: AbortSignal;
  /** Told about each rollout poll, for progress shown to a person (apply --wait). */
  onRolloutProgress?: (p: RolloutProgress) => void;
}

interface ChangedService {
  cluster: string;
  service: string;
  taskDefinition: string;
}

interface Ctx {
  ports: AwsPorts;
  cache: ObserverCache;
  log: Logger;
  tdArns: Map<string, string>;
  waits: WaitOptions;
  /** Services this pass changed, with the task definition their new deployment runs. */
  changedServices: Map<string, ChangedService>;
  onRolloutProgress?: (p: RolloutProgress) => void;
}

/** The error of a failed resource, as results report it. */
const errorInfo = (err: unknown): NonNullable<ResourceResult['error']> => readError(err);

function resolveTaskDefinition(ref: TaskDefinitionRef, ctx: Ctx): string {
  if ('external' in ref) return ref.external;
  const arn = ctx.tdArns.get(ref.manifest);
  if (arn === undefined) throw new Error(`${ref.manifest} has no registered revision to use`);
  return arn;
}

function taskDefinitionTag(ref: TaskDefinitionRef, arn: string): Record<string, string> {
  return 'manifest' in ref ? { [TAG_TASK_DEFINITION]: `${ref.hash}@${familyRevision(arn)}` } : {};
}

// How often a long wait reports its progress at info level.
const PROGRESS_EVERY_MS = 3000;

/**
 * Cloud Map operations usually finish within seconds and services wait on them, so they are polled
 * more closely than deployments: from 200 ms, growing by 1.1x, at most every 2 s, not randomised
 * (a handful of namespaces, each polled by one waiter).
 */
function namespaceWait(waits: WaitOptions): WaitOptions {
  return { ...waits, intervalMs: Math.min(waits.intervalMs, 200), maxIntervalMs: Math.min(waits.maxIntervalMs, 2000), factor: 1.1, randomize: false };
}

async function waitNamespaceOperation(operationId: string, what: string, ctx: Ctx): Promise<string | undefined> {
  const started = Date.now();
  let lastLog = started;
  return waitUntil(
    what,
    async () => {
      const op = await ctx.ports.cloudMap.getOperation(operationId);
      if (op.status === 'SUCCESS') return { done: true, value: op.namespaceId };
      if (op.status === 'FAIL') return { failed: `Cloud Map operation ${operationId} ended in FAIL: ${op.errorCode ?? ''} ${op.errorMessage ?? ''}`.trim() };
      const now = Date.now();
      if (now - lastLog >= PROGRESS_EVERY_MS) {
        lastLog = now;
        ctx.log.info({ action: 'wait', operationId, status: op.status, waitedMs: now - started }, `${what}: Cloud Map operation ${op.status} after ${Math.round((now - started) / 1000)} s`);
      }
      return { done: false, status: op.status };
    },
    namespaceWait(ctx.waits),
  );
}

/**
 * Waits until a service's PRIMARY deployment has completed with `taskDefinition`, or fails with the
 * service events when that deployment failed (the circuit breaker may already have rolled back to
 * the previous revision, which then is PRIMARY).
 */
export async function waitForServiceStable(
  cluster: string,
  service: string,
  taskDefinition: string,
  ctx: Pick<Ctx, 'ports' | 'log' | 'waits' | 'onRolloutProgress'>,
): Promise<LiveService> {
  let lastLog = 0;
  const started = Date.now();
  const key = `Service/${service}`;
  return waitUntil(
    `${key}: deployment`,
    async () => {
      const { services } = await ctx.ports.ecs.describeServices(cluster, [service]);
      const s = services[0];
      if (!s) return { failed: `service ${service} not found in cluster ${cluster}` };
      const primary = s.deployments.find((d) => d.status === 'PRIMARY');
      const rollout = primary?.rolloutState;
      const report = (done: boolean, failed?: string): void =>
        ctx.onRolloutProgress?.({ key, rolloutState: rollout ?? 'n/a', running: s.runningCount, desired: s.desiredCount, done, ...(failed !== undefined ? { failed } : {}), elapsedMs: Date.now() - started });
      const failedDeployment = s.deployments.find((d) => d.rolloutState === 'FAILED' && d.taskDefinition === taskDefinition);
      if (failedDeployment || (primary && primary.taskDefinition !== taskDefinition)) {
        const events = s.events.slice(0, 3).map((e) => e.message).join(' | ');
        const rolledBack = primary && primary.taskDefinition !== taskDefinition ? `; rolled back to ${familyRevision(primary.taskDefinition)}` : '';
        const failed = `deployment failed (${failedDeployment?.rolloutStateReason ?? 'circuit breaker'})${rolledBack}: ${events}`;
        report(true, failed);
        return { failed };
      }
      const settled = rollout === 'COMPLETED' || (rollout === undefined && s.deployments.length === 1);
      if (settled && s.runningCount === s.desiredCount) {
        report(true);
        ctx.log.info({ resource: key, action: 'wait', result: 'ok', running: s.runningCount, desired: s.desiredCount, rolloutState: rollout ?? 'n/a', durationMs: Date.now() - started }, `${key}: rolled out`);
        return { done: true, value: s };
      }
      report(false);
      const now = Date.now();
      if (now - lastLog > PROGRESS_EVERY_MS) {
        lastLog = now;
        ctx.log.info(
          { resource: `Service/${service}`, action: 'wait', running: s.runningCount, desired: s.desiredCount, rolloutState: rollout ?? 'n/a' },
          `Service/${service}: waiting for rollout: ${s.runningCount}/${s.desiredCount} running, ${rollout ?? 'n/a'}`,
        );
      }
      return { done: false, status: `${s.runningCount}/${s.desiredCount} running, ${rollout ?? 'n/a'}` };
    },
    ctx.waits,
  );
}

async function waitServiceGone(cluster: string, service: string, ctx: Ctx): Promise<void> {
  await waitUntil(
    `Service/${service}: deletion`,
    async () => {
      const { services } = await ctx.ports.ecs.describeServices(cluster, [service]);
      const s = services[0];
      return !s ? { done: true, value: undefined } : { done: false, status: s.status };
    },
    ctx.waits,
  );
}

async function runStep(step: Step, r: ResourcePlan, ctx: Ctx): Promise<void> {
  const { ecs, cloudMap, logs } = ctx.ports;
  switch (step.op) {
    case 'createNamespace': {
      // The deterministic id makes an SDK retry after a timeout (or a restart) find the same
      // operation instead of creating a second namespace. After a FAIL that same id would only
      // return the failed operation again, so one more try uses a fresh id.
      const opId = await cloudMap.createNamespace(step);
      try {
        await waitNamespaceOperation(opId, `${r.key}: create`, ctx);
      } catch (err) {
        if (!(err instanceof WaitError) || !err.message.includes('ended in FAIL')) throw err;
        ctx.log.warn({ resource: r.key, action: 'create', result: 'retry', err }, `${r.key}: namespace creation failed; trying once more with a new request id`);
        const retryId = await cloudMap.createNamespace({ ...step, creatorRequestId: `${step.creatorRequestId}-${Date.now().toString(36)}` });
        await waitNamespaceOperation(retryId, `${r.key}: create`, ctx);
      }
      return;
    }
    case 'updateNamespace': {
      const opId = await cloudMap.updateHttpNamespaceDescription(step.id, step.description, step.updaterRequestId);
      await waitNamespaceOperation(opId, `${r.key}: update`, ctx);
      return;
    }
    case 'tagCloudMap':
      if (Object.keys(step.add).length > 0) await cloudMap.tagResource(step.arn, step.add);
      if (step.remove.length > 0) await cloudMap.untagResource(step.arn, step.remove);
      ctx.cache.namespaceTags.delete(step.arn);
      return;
    case 'createLogGroup':
      // A group that already existed (created meanwhile by someone else) carries their tags, not ours.
      ctx.cache.logGroups.set(step.name, (await logs.createLogGroup(step.name, step.tags)) ? { tags: step.tags } : {});
      return;
    case 'tagLogGroup':
      await logs.tagResource(step.arn, step.tags);
      ctx.cache.logGroups.set(step.name, { ...ctx.cache.logGroups.get(step.name), arn: step.arn, tags: { ...ctx.cache.logGroups.get(step.name)?.tags, ...step.tags } });
      return;
    case 'putRetentionPolicy':
      // Shortening retention deletes log data for good: only on a group that is ours by its tags
      // as this pass knows them (one that appeared between plan and create is someone else's).
      if (ctx.cache.logGroups.get(step.name)?.tags?.[TAG_MANAGED_BY] !== step.owner) {
        throw new Error(`log group ${step.name} is not managed by this controller (it was created by someone else meanwhile); its retention is left alone`);
      }
      await logs.putRetentionPolicy(step.name, step.days);
      ctx.cache.logGroups.set(step.name, { ...ctx.cache.logGroups.get(step.name), retentionInDays: step.days });
      return;
    case 'registerTaskDefinition': {
      const td = await ecs.registerTaskDefinition(step.input, step.tags);
      ctx.cache.rememberTaskDefinition(td, step.hash);
      ctx.cache.rememberLatest(td.arn);
      ctx.tdArns.set(r.key, td.arn);
      return;
    }
    case 'createCluster':
      await ecs.createCluster(step.input);
      return;
    case 'updateCluster':
      await ecs.updateCluster(step.input);
      return;
    case 'tagEcs':
      if (Object.keys(step.add).length > 0) await ecs.tagResource(step.arn, step.add);
      if (step.remove.length > 0) await ecs.untagResource(step.arn, step.remove);
      return;
    case 'createService': {
      const taskDefinition = resolveTaskDefinition(step.taskDefinition, ctx);
      const tags = [...(Array.isArray(step.input.tags) ? step.input.tags : [])];
      for (const [key, value] of Object.entries(taskDefinitionTag(step.taskDefinition, taskDefinition))) tags.push({ key, value });
      // Same token + same input = the same service, so a retry after a timeout creates no duplicate
      // (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/ECS_Idempotency.html).
      const clientToken = `switchboard-${step.clientTokenSeed}`.slice(0, 36);
      const input: JsonObject = { ...step.input, taskDefinition, tags, clientToken };
      const s = await ecs.createService(input);
      const hash = 'manifest' in step.taskDefinition ? step.taskDefinition.hash : undefined;
      if (hash !== undefined) ctx.cache.rememberHash(taskDefinition, hash);
      ctx.changedServices.set(r.key, { cluster: String(step.input.cluster), service: String(step.input.serviceName), taskDefinition: s.taskDefinition || taskDefinition });
      return;
    }
    case 'updateService': {
      const input: JsonObject = { ...step.input };
      let arn: string | undefined;
      if (step.taskDefinition) {
        arn = resolveTaskDefinition(step.taskDefinition, ctx);
        input.taskDefinition = arn;
      }
      const s = await ecs.updateService(input);
      const started = s.deployments.find((d) => d.status === 'PRIMARY');
      if (started && step.taskDefinition) {
        ctx.cache.pendingRollouts.set(`${String(step.input.cluster)}/${String(step.input.service)}`, { deploymentId: started.id, taskDefinition: started.taskDefinition });
      }
      if (step.taskDefinition && arn !== undefined) {
        const tag = taskDefinitionTag(step.taskDefinition, arn);
        if (Object.keys(tag).length > 0) await ecs.tagResource(step.arn, tag);
      }
      ctx.changedServices.set(r.key, { cluster: String(step.input.cluster), service: String(step.input.service), taskDefinition: arn ?? s.taskDefinition });
      return;
    }
    case 'deleteService': {
      // Scale to zero first, so the deletion drains tasks instead of forcing them off.
      await ecs.updateService({ cluster: step.cluster, service: step.service, desiredCount: 0 });
      await ecs.deleteService(step.cluster, step.service, false);
      // A replacement can only be created once the old service is INACTIVE.
      if (r.outcome === 'replace') await waitServiceGone(step.cluster, step.service, ctx);
      return;
    }
    case 'deregisterTaskDefinitions':
      for (const arn of step.arns) {
        await ecs.deregisterTaskDefinition(arn);
        ctx.cache.forgetTaskDefinition(arn);
      }
      return;
    case 'deleteNamespace': {
      const opId = await cloudMap.deleteNamespace(step.id);
      await waitNamespaceOperation(opId, `${r.key}: delete`, ctx);
      return;
    }
    default: {
      const never: never = step;
      throw new Error(`unknown step ${JSON.stringify(never)}`);
    }
  }
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

async function applyResource(r: ResourcePlan, ctx: Ctx, failed: Set<string>, signal?: AbortSignal): Promise<ResourceResult> {
  const started = Date.now();
  const result = (outcome: ResultOutcome, reason: string, extra: Partial<ResourceResult> = {}): ResourceResult => ({
    key: r.key,
    outcome,
    reason,
    changes: r.changes,
    durationMs: Date.now() - started,
    needsAttention: outcome === 'failed',
    ...extra,
  });
  const blockedBy = r.dependsOn.filter((d) => failed.has(d));
  if (blockedBy.length > 0 && r.steps.length > 0) {
    failed.add(r.key);
    return result('skipped', `not applied: depends on ${blockedBy.join(', ')}, which did not converge`, { needsAttention: true, blockedBy });
  }
  if (r.error) {
    failed.add(r.key);
    ctx.log.warn({ resource: r.key, action: 'observe', result: 'failed', awsErrorCode: r.error.code, requestId: r.error.requestId }, `${r.key}: ${r.reason}`);
    return result('failed', r.reason, { error: r.error });
  }
  if (r.steps.length === 0) {
    const notConverged = r.outcome !== 'unchanged';
    if (notConverged) failed.add(r.key);
    return result(SUCCESS[r.outcome] === 'unchanged' ? 'unchanged' : 'skipped', r.reason, { needsAttention: notConverged });
  }
  if (signal?.aborted) {
    failed.add(r.key);
    return result('skipped', 'not applied: shutting down', { needsAttention: true });
  }
  try {
    for (const step of r.steps) await runStep(step, r, ctx);
    const res = result(SUCCESS[r.outcome], r.reason);
    ctx.log.info(
      { resource: r.key, action: r.outcome, result: res.outcome, durationMs: res.durationMs, changes: r.changes.slice(0, 20) },
      `${r.key}: ${res.outcome}`,
    );
    return res;
  } catch (err) {
    failed.add(r.key);
    const error = errorInfo(err);
    ctx.log.error({ resource: r.key, action: r.outcome, result: 'failed', err, awsErrorCode: error.code, requestId: error.requestId }, `${r.key}: ${r.outcome} failed: ${error.message}`);
    return result('failed', `${r.outcome} failed: ${error.message}`, { error });
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
export async function applyPlan(plan: Plan, observed: ObservedState, ports: AwsPorts, cache: ObserverCache, options: ApplyOptions): Promise<ApplyResult> {
  const tdArns = new Map<string, string>();
  for (const [key, obs] of observed.taskDefinitions) if (obs.matchingArn !== undefined) tdArns.set(key, obs.matchingArn);
  const ctx: Ctx = { ports, cache, log: options.logger, tdArns, waits: { ...DEFAULT_WAIT, ...options.waits, ...(options.signal ? { signal: options.signal } : {}) }, changedServices: new Map(), ...(options.onRolloutProgress ? { onRolloutProgress: options.onRolloutProgress } : {}) };
  const failed = new Set<string>();
  const results: ResourceResult[] = [];
  const apply = (r: ResourcePlan): Promise<ResourceResult> => applyResource(r, ctx, failed, options.signal);
  // Creation follows the dependency graph rather than phase by phase: a service is created as soon
  // as its own task definition is registered, so service writes (5 per second) overlap the
  // registrations (1 per second) instead of waiting for all of them.
  const creation = plan.resources.filter((r) => r.phase < Phase.clientService);
  results.push(...(await mapGraph(creation, options.concurrency, creationPriority, apply)));
  // Clients start after every server changed in this pass is ready (see waitForServers).
  const clients = plan.resources.filter((r) => r.phase === Phase.clientService);
  if (clients.length > 0) {
    await waitForServers(plan, ctx, failed, results);
    results.push(...(await mapGraph(clients, options.concurrency, creationPriority, apply)));
  }
  // Deletions stay strictly in phase order: services, then task definitions, then namespaces.
  const deletionPhases = [...new Set(plan.resources.filter((r) => r.phase > Phase.clientService).map((r) => r.phase))].sort((a, b) => a - b);
  for (const phase of deletionPhases) {
    results.push(...(await mapLimit(plan.resources.filter((r) => r.phase === phase), options.concurrency, apply)));
  }
  if (options.wait) {
    await mapLimit([...ctx.changedServices.entries()], options.concurrency, async ([key, s]) => {
      try {
        await waitForServiceStable(s.cluster, s.service, s.taskDefinition, ctx);
      } catch (err) {
        const res = results.find((x) => x.key === key);
        if (res) Object.assign(res, { outcome: 'failed', reason: `rollout failed: ${errorInfo(err).message}`, error: errorInfo(err), needsAttention: true });
      }
    });
  }
  return { results, ok: results.every((r) => !r.needsAttention) };
}

/**
 * Service Connect clients resolve only endpoints that exist when their tasks start, so servers
 * changed in this pass must be ready before clients are updated.
 */
async function waitForServers(plan: Plan, ctx: Ctx, failed: Set<string>, results: ResourceResult[]): Promise<void> {
  const clientsChange = plan.resources.some((r) => r.phase === Phase.clientService && r.steps.length > 0);
  if (!clientsChange) return;
  const servers = [...ctx.changedServices.entries()].filter(([key]) => plan.resources.find((r) => r.key === key)?.phase === Phase.serverService);
  await mapLimit(servers, 4, async ([key, s]) => {
    try {
      await waitForServiceStable(s.cluster, s.service, s.taskDefinition, ctx);
    } catch (err) {
      failed.add(key);
      const res = results.find((x) => x.key === key);
      if (res) Object.assign(res, { outcome: 'failed', reason: `rollout failed: ${errorInfo(err).message}`, error: errorInfo(err), needsAttention: true });
    }
  });
}
