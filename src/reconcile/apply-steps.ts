/**
 * The AWS calls behind each kind of plan step, and what each teaches the process's state (cache
 * and rollout tracker).
 */
import { randomBytes } from 'node:crypto';
import type { ResourceKey } from '../manifests/model.js';
import type { Logger } from '../observe/logger.js';
import { familyRevision } from '../util/arn.js';
import { ReconcileError } from './errors.js';
import { serviceKey } from './observed.js';
import { TAG_MANAGED_BY, TAG_TASK_DEFINITION } from './ownership.js';
import type { ResourcePlan, RolloutIntent, Step, TaskDefinitionRef } from './plan-types.js';
import type { JsonObject, LiveService } from './ports.js';
import type { RolloutExpectation } from './rollouts.js';
import type { ReconcileState } from './state.js';
import { waitNamespaceOperation, waitServiceInactive, type WaitContext } from './waiters.js';
import { WaitError } from './wait.js';

/** A service a pass changed, and what its rollout must produce. */
export interface ChangedService {
  cluster: string;
  service: string;
  expectation: RolloutExpectation;
}

/** What the steps of one pass share. */
export interface StepContext {
  state: ReconcileState;
  log: Logger;
  wait: WaitContext;
  /** TaskDefinition manifest key -> the revision ARN services use this pass. */
  tdArns: Map<string, string>;
  /** Services this pass changed, by resource key. */
  changedServices: Map<ResourceKey, ChangedService>;
}

function resolveTaskDefinition(ref: TaskDefinitionRef, ctx: StepContext): string {
  if ('external' in ref) return ref.external;
  const arn = ctx.tdArns.get(ref.manifest);
  if (arn === undefined) throw new Error(`${ref.manifest} has no registered revision to use`);
  return arn;
}

function taskDefinitionTag(ref: TaskDefinitionRef, arn: string): Record<string, string> {
  return 'manifest' in ref ? { [TAG_TASK_DEFINITION]: `${ref.hash}@${familyRevision(arn)}` } : {};
}

/** Records a service write: its rollout is tracked (when it rolls out a spec) and waited for under --wait. */
function serviceWritten(r: ResourcePlan, s: LiveService, cluster: string, service: string, taskDefinition: string, intent: RolloutIntent | undefined, ctx: StepContext): void {
  const primary = s.deployments.find((d) => d.status === 'PRIMARY');
  const expectation: RolloutExpectation = {
    taskDefinition: s.taskDefinition || taskDefinition,
    ...(primary ? { deploymentId: primary.id } : {}),
    discoveryNames: intent?.discoveryNames ?? [],
  };
  if (intent) ctx.state.rollouts.started(serviceKey(cluster, service), expectation, intent.specHash);
  ctx.changedServices.set(r.key, { cluster, service, expectation });
}

/**
 * Starts a new deployment of a service this pass wrote, as it is (UpdateService
 * `forceNewDeployment`): its new tasks resolve the Service Connect endpoints that exist now.
 */
export async function redeployService(r: ResourcePlan, s: ChangedService, ctx: StepContext): Promise<void> {
  const live = await ctx.wait.ports.ecs.updateService({ cluster: s.cluster, service: s.service, forceNewDeployment: true });
  const intent = r.steps.flatMap((step) => ((step.op === 'createService' || step.op === 'updateService') && step.rollout ? [step.rollout] : []))[0];
  serviceWritten(r, live, s.cluster, s.service, live.taskDefinition, intent, ctx);
}

/** ECS clientToken: "Up to 36 ASCII characters" (CreateService API reference). */
const CLIENT_TOKEN_MAX = 36;
/** Cloud Map CreatorRequestId: at most 64 characters (CreateHttpNamespace API reference). */
const CREATOR_REQUEST_ID_MAX = 64;

/** An idempotency token for one attempt: the step's deterministic seed, made unique per attempt. */
function attemptToken(seed: string, max: number): string {
  const nonce = randomBytes(6).toString('hex');
  return `${seed.slice(0, max - nonce.length - 1)}-${nonce}`;
}

/** Carries out one step of a resource's plan. */
export async function runStep(step: Step, r: ResourcePlan, ctx: StepContext): Promise<void> {
  const { ecs, cloudMap, logs } = ctx.wait.ports;
  const cache = ctx.state.cache;
  switch (step.op) {
    case 'createNamespace': {
      // The deterministic id makes an SDK retry after a timeout (or a restart) find the same
      // operation instead of creating a second namespace. After a FAIL that same id would only
      // return the failed operation again, so one more try uses a fresh id.
      // The request id is one attempt's: the SDK's retries of the call send it again (no second
      // namespace after a timeout), while another attempt sends a new one; the same id would
      // replay the first operation (CreatorRequestId, CreateHttpNamespace API reference), which
      // after the namespace was deleted would report success and create nothing.
      const opId = await cloudMap.createNamespace({ ...step, creatorRequestId: attemptToken(step.creatorRequestId, CREATOR_REQUEST_ID_MAX) });
      try {
        await waitNamespaceOperation(opId, r.key, 'create', ctx.wait);
      } catch (err) {
        if (!(err instanceof WaitError) || err.code !== 'OperationFailed') throw err;
        ctx.log.warn({ resource: r.key, action: 'create', result: 'retry', err }, `${r.key}: namespace creation failed; trying once more with a new request id`);
        const retryId = await cloudMap.createNamespace({ ...step, creatorRequestId: attemptToken(step.creatorRequestId, CREATOR_REQUEST_ID_MAX) });
        await waitNamespaceOperation(retryId, r.key, 'create', ctx.wait);
      }
      return;
    }
    case 'updateNamespace': {
      const change = { ...(step.description !== undefined ? { description: step.description } : {}), ...(step.soaTtl !== undefined ? { soaTtl: step.soaTtl } : {}) };
      const opId = await cloudMap.updateNamespace(step.id, step.type, change, step.updaterRequestId);
      await waitNamespaceOperation(opId, r.key, 'update', ctx.wait);
      return;
    }
    case 'tagCloudMap':
      if (Object.keys(step.add).length > 0) await cloudMap.tagResource(step.arn, step.add);
      if (step.remove.length > 0) await cloudMap.untagResource(step.arn, step.remove);
      cache.namespaceTags.delete(step.arn);
      return;
    case 'createLogGroup':
      // A group that already existed (created meanwhile by someone else) carries their tags, not ours.
      cache.logGroups.set(step.name, (await logs.createLogGroup(step.name, step.tags)) ? { tags: step.tags } : {});
      return;
    case 'tagLogGroup':
      await logs.tagResource(step.arn, step.tags);
      cache.logGroups.set(step.name, { ...cache.logGroups.get(step.name), arn: step.arn, tags: { ...cache.logGroups.get(step.name)?.tags, ...step.tags } });
      return;
    case 'putRetentionPolicy':
      // Shortening retention deletes log data for good: only on a group that is ours by its tags
      // as this pass knows them (one that appeared between plan and create is someone else's).
      if (cache.logGroups.get(step.name)?.tags?.[TAG_MANAGED_BY] !== step.owner) {
        throw new Error(`log group ${step.name} is not managed by this controller (it was created by someone else meanwhile); its retention is left alone`);
      }
      await logs.putRetentionPolicy(step.name, step.days);
      cache.logGroups.set(step.name, { ...cache.logGroups.get(step.name), retentionInDays: step.days });
      return;
    case 'registerTaskDefinition': {
      const td = await ecs.registerTaskDefinition(step.input, step.tags);
      cache.rememberTaskDefinition(td, step.hash);
      cache.rememberLatest(td.arn);
      ctx.tdArns.set(r.key, td.arn);
      return;
    }
    case 'createCluster':
      await ecs.createCluster(step.input);
      return;
    case 'updateCluster':
      await ecs.updateCluster(step.input);
      return;
    case 'putClusterCapacityProviders':
      await ecs.putClusterCapacityProviders(step.input);
      return;
    case 'tagEcs':
      if (Object.keys(step.add).length > 0) await ecs.tagResource(step.arn, step.add);
      if (step.remove.length > 0) await ecs.untagResource(step.arn, step.remove);
      return;
    case 'tagTaskDefinition':
      if (Object.keys(step.add).length > 0) await ecs.tagResource(step.arn, step.add);
      if (step.remove.length > 0) await ecs.untagResource(step.arn, step.remove);
      cache.retagged(step.arn, step.add, step.remove);
      cache.rememberHash(step.arn, step.hash);
      return;
    case 'createService': {
      const taskDefinition = resolveTaskDefinition(step.taskDefinition, ctx);
      const tags = [...(Array.isArray(step.input.tags) ? step.input.tags : [])];
      for (const [key, value] of Object.entries(taskDefinitionTag(step.taskDefinition, taskDefinition))) tags.push({ key, value });
      // A token identifies one request: the SDK's retries of this call send it again, so a retry
      // after a timeout creates no duplicate; another attempt (a later pass, the service deleted
      // meanwhile) sends a new one, or AWS would answer with the first creation's result
      // (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/ECS_Idempotency.html).
      const clientToken = attemptToken(`switchboard-${step.clientTokenSeed}`, CLIENT_TOKEN_MAX);
      const input: JsonObject = { ...step.input, taskDefinition, tags, clientToken };
      const s = await ecs.createService(input);
      // `created` means it exists: an answer naming a service that is not ACTIVE created nothing.
      if (s.status !== 'ACTIVE') throw new ReconcileError(`CreateService answered with a service that is ${s.status}, not ACTIVE; nothing was created`, { category: 'Transient', code: 'NotCreated' });
      const hash = 'manifest' in step.taskDefinition ? step.taskDefinition.hash : undefined;
      if (hash !== undefined) cache.rememberHash(taskDefinition, hash);
      serviceWritten(r, s, String(step.input.cluster), String(step.input.serviceName), taskDefinition, step.rollout, ctx);
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
      if (step.taskDefinition && arn !== undefined) {
        const tag = taskDefinitionTag(step.taskDefinition, arn);
        if (Object.keys(tag).length > 0) await ecs.tagResource(step.arn, tag);
      }
      serviceWritten(r, s, String(step.input.cluster), String(step.input.service), arn ?? s.taskDefinition, step.rollout, ctx);
      return;
    }
    case 'awaitDrain':
      await waitServiceInactive(step.cluster, step.service, r.key, ctx.wait);
      return;
    case 'deleteService': {
      // A REPLICA service is scaled to zero first, so its tasks drain instead of being forced off.
      // A DAEMON service needs no scaling (DeleteService: `force` "is only necessary ... REPLICA"),
      // and UpdateService's desiredCount does not apply to it.
      if (!step.daemon) await ecs.updateService({ cluster: step.cluster, service: step.service, desiredCount: 0 });
      await ecs.deleteService(step.cluster, step.service, false);
      ctx.state.rollouts.forget(serviceKey(step.cluster, step.service));
      if (step.published) ctx.state.drains.deletedService(step.cluster, step.service, step.published);
      // A replacement can only be created once the old service is INACTIVE.
      if (r.outcome === 'replace') await waitServiceInactive(step.cluster, step.service, r.key, ctx.wait);
      return;
    }
    case 'deregisterTaskDefinitions':
      for (const arn of step.arns) {
        await ecs.deregisterTaskDefinition(arn);
        cache.forgetTaskDefinition(arn);
      }
      return;
    case 'deleteNamespace': {
      const opId = await cloudMap.deleteNamespace(step.id);
      await waitNamespaceOperation(opId, r.key, 'delete', ctx.wait);
      return;
    }
    default: {
      const never: never = step;
      throw new Error(`unknown step ${JSON.stringify(never)}`);
    }
  }
}
