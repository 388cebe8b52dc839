/**
 * Planning an ECS service: create it, update in place what UpdateService can change, replace it
 * (only with --allow-replace) when it cannot, hold a spec whose rollout failed, and record the
 * task definition it runs. Pure.
 */
import { resourceKey, type DesiredResourceOf, type ResourceKey } from '../manifests/model.js';
import { asJson, contentHash, isJsonObject, jsonEqual } from './canonical.js';
import { familyOf, familyRevision, isArn } from '../util/arn.js';
import { frozenSpec, serviceCluster, specJson, taskDefinitionRefOf } from './desired.js';
import { diffFields } from './diff.js';
import { canonicalServiceConnect, containsDesired, isServer, liveServiceMember, serviceConnectAsStated, statedPart } from './normalize-service.js';
import { namedPorts } from './normalize-task-definition.js';
import { serviceKey } from './observed.js';
import { ownershipTags, parseTaskDefinitionTag, TAG_TASK_DEFINITION, tagChanges } from './ownership.js';
import {
  basePlan,
  clusterDefaultNamespace,
  conflicting,
  ecsTagList,
  namespaceArnFor,
  ownershipConflict,
  primaryDeployment,
  tagDiff,
  unreadable,
  type PlanContext,
} from './plan-context.js';
import { Phase, type ResourcePlan, type RolloutIntent, type Step, type TaskDefinitionRef } from './plan-types.js';
import { eventSummary, rolloutVerdict } from './rollouts.js';
import { ROLLOUT_FAILED } from './decision.js';
import type { Published } from './drains.js';
import { ReconcileError } from './errors.js';
import type { JsonObject, LiveService, TagMap } from './ports.js';

// CreateService fields UpdateService can change:
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html
const UPDATABLE_SERVICE_FIELDS = new Set([
  'desiredCount',
  'capacityProviderStrategy',
  'deploymentConfiguration',
  'availabilityZoneRebalancing',
  'networkConfiguration',
  'placementConstraints',
  'placementStrategy',
  'platformVersion',
  'healthCheckGracePeriodSeconds',
  'deploymentController',
  'enableExecuteCommand',
  'enableECSManagedTags',
  'loadBalancers',
  'propagateTags',
  'serviceRegistries',
  'volumeConfigurations',
  'vpcLatticeConfigurations',
]);
/** Whether the live service runs on a capacity provider strategy rather than its launch type. */
function onStrategy(live: LiveService): boolean {
  const cps = live.raw.capacityProviderStrategy;
  return Array.isArray(cps) && cps.length > 0;
}

// Fields handled on their own, or only meaningful at creation.
const SPECIAL_SERVICE_FIELDS = new Set(['cluster', 'taskDefinition', 'serviceConnectConfiguration', 'tags', 'clientToken']);
// What UpdateService cannot change: the service must be recreated (AWS-FACTS, "What cannot change in place").
const IMMUTABLE_SERVICE_FIELDS: Record<string, string> = { launchType: 'launchType', schedulingStrategy: 'schedulingStrategy', role: 'roleArn' };

/** What the planner knows about one Service manifest before deciding anything. */
interface ServiceFacts {
  r: DesiredResourceOf<'Service'>;
  cluster: string;
  ref: TaskDefinitionRef | undefined;
  /** The cluster's default namespace, for a Service Connect configuration that names none. */
  defaultNs: string | undefined;
  desiredSc: JsonObject;
  desiredTags: TagMap;
  declaredCluster: DesiredResourceOf<'Cluster'> | undefined;
  live: LiveService | undefined;
}

function serviceFacts(r: DesiredResourceOf<'Service'>, ctx: PlanContext): ServiceFacts {
  const cluster = serviceCluster(r, ctx.opts.defaultCluster);
  const defaultNs = clusterDefaultNamespace(cluster, ctx);
  return {
    r,
    cluster,
    ref: taskDefinitionRefOf(r, ctx.taskDefinitions),
    defaultNs,
    desiredSc: canonicalServiceConnect(frozenSpec(r).serviceConnectConfiguration, ctx.index, defaultNs),
    desiredTags: { ...(r.spec.tags ?? {}), ...ownershipTags(ctx.opts.controllerId, r.key) },
    declaredCluster: ctx.declaredClusters.get(cluster),
    live: ctx.observed.services.get(serviceKey(cluster, r.name)),
  };
}

/** The keys whose steps must succeed before this service's: its dependencies in the graph. */
function serviceDependencies(f: ServiceFacts, ctx: PlanContext): ResourceKey[] {
  // Only a cluster this pass creates must come first; an existing one (even one we may not manage) serves.
  const existingCluster = ctx.observed.clusters.has(f.cluster) ? f.declaredCluster?.key : undefined;
  return (ctx.graph.get(f.r.key) ?? []).filter((k) => k !== existingCluster);
}

/** Why the service cannot be planned this pass (its live state is unreadable, its cluster missing), or undefined. */
function precondition(f: ServiceFacts, p: ResourcePlan, ctx: PlanContext): ResourcePlan | undefined {
  const { observed } = ctx;
  const servicesErr = observed.unavailable.servicesByCluster.get(f.cluster);
  if (servicesErr) return unreadable(p, `services of cluster ${f.cluster}`, servicesErr);
  if (f.r.spec.serviceConnectConfiguration?.enabled === true && observed.unavailable.namespaces) {
    return unreadable(p, 'Cloud Map namespaces', observed.unavailable.namespaces);
  }
  const missingNamespace = f.live ? undefined : undeclaredMissingNamespace(f, ctx);
  if (missingNamespace !== undefined) {
    // CreateService would only answer NamespaceNotFoundException, pass after pass.
    return {
      ...p,
      outcome: 'blocked',
      reason: `namespace ${missingNamespace} does not exist: add a Namespace manifest named ${missingNamespace}, create it, or name an existing one in serviceConnectConfiguration.namespace`,
      hold: { kind: 'stalled', reason: 'MissingDependency' },
    };
  }
  if (!f.live && observed.missingClusters.has(f.cluster) && !f.declaredCluster) {
    return {
      ...p,
      outcome: 'blocked',
      reason: `cluster ${f.cluster} does not exist: add a Cluster manifest named ${f.cluster}, create it, or set spec.cluster (or --cluster) to an existing one`,
      hold: { kind: 'stalled', reason: 'MissingDependency' },
    };
  }
  return undefined;
}

/**
 * The namespace a Service Connect configuration names by name when this account has none of that
 * name and no manifest declares one; undefined otherwise. A name resolves among the account's own
 * namespaces only (SPEC.md); one named by ARN may be shared from another account, so it is never
 * judged missing here.
 */
function undeclaredMissingNamespace(f: ServiceFacts, ctx: PlanContext): string | undefined {
  const ns = f.desiredSc.namespace;
  if (f.desiredSc.enabled !== true || typeof ns !== 'string' || ns === '' || isArn(ns)) return undefined;
  if (ctx.index.arnOf(ns) !== undefined) return undefined;
  const declared = ctx.graph.get(f.r.key)?.includes(resourceKey('Namespace', ns)) === true;
  // A cluster whose serviceConnectDefaults names a namespace that does not exist makes ECS create it
  // (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ClusterServiceConnectDefaultsRequest.html).
  const madeByCluster = [...ctx.declaredClusters.values()].some((c) => c.spec.serviceConnectDefaults?.namespace === ns);
  return declared || madeByCluster ? undefined : ns;
}

function liveTaskDefinitionMatches(ref: TaskDefinitionRef, live: LiveService, ctx: PlanContext): boolean {
  if ('external' in ref) {
    const want = familyRevision(ref.external);
    const have = familyRevision(live.taskDefinition);
    return want.includes(':') ? want === have : familyOf(have) === want;
  }
  // The revision that holds the manifest's content (its tags are planned on the task definition).
  if (ctx.observed.taskDefinitions.get(ref.manifest)?.matchingArn === live.taskDefinition) return true;
  const known = ctx.observed.taskDefinitionHashes.get(live.taskDefinition);
  return known === ref.hash;
}

/** A reason the service must be recreated, or undefined when it can be updated in place. */
function replaceReason(f: ServiceFacts, live: LiveService, ctx: PlanContext): string | undefined {
  const spec = frozenSpec(f.r);
  for (const [field, liveName] of Object.entries(IMMUTABLE_SERVICE_FIELDS)) {
    const want = spec[field];
    if (want === undefined) continue;
    const have = live.raw[liveName];
    // From a capacity provider strategy, UpdateService goes back to a launch type in place (an
    // empty strategy; UpdateServiceRequest.capacityProviderStrategy in the ECS model): only a
    // launch type AWS reports as another one needs the service recreated.
    if (field === 'launchType' && onStrategy(live) && (have === undefined || have === want)) continue;
    const same = field === 'role' && typeof want === 'string' && typeof have === 'string' ? have === want || have.endsWith(`/${want}`) : jsonEqual(want, have ?? (field === 'schedulingStrategy' ? 'REPLICA' : null));
    if (!same) return `${field} cannot change in place (${JSON.stringify(have ?? null)} -> ${JSON.stringify(want)})`;
  }
  // appProtocol of a port Service Connect uses cannot change on a live service (aws/containers-roadmap#2378).
  if (f.ref && 'manifest' in f.ref) {
    const liveTd = ctx.observed.serviceTaskDefinitions.get(live.taskDefinition);
    const desiredTd = ctx.taskDefinitions.get(f.r.spec.taskDefinition ?? '');
    const sc = primaryDeployment(live)?.serviceConnectConfiguration;
    if (liveTd && desiredTd && isJsonObject(sc) && Array.isArray(sc.services)) {
      const before = namedPorts(liveTd.definition);
      const after = namedPorts(desiredTd.canonical);
      for (const s of sc.services) {
        const port = isJsonObject(s) && typeof s.portName === 'string' ? s.portName : undefined;
        if (port !== undefined && before.has(port) && after.has(port) && before.get(port) !== after.get(port)) {
          return `appProtocol of Service Connect port ${port} cannot change on a live service (${before.get(port) ?? 'tcp'} -> ${after.get(port) ?? 'tcp'})`;
        }
      }
    }
  }
  return undefined;
}

function createServiceStep(f: ServiceFacts): Step {
  const spec = specJson(f.r);
  delete spec.tags;
  delete spec.taskDefinition;
  delete spec.cluster;
  const input: JsonObject = { ...spec, serviceName: f.r.name, cluster: f.cluster, tags: ecsTagList(f.desiredTags) };
  // desiredCount is set at creation even when the manifest leaves it to autoscaling afterwards.
  if (input.desiredCount === undefined && input.schedulingStrategy !== 'DAEMON') input.desiredCount = 1;
  return {
    op: 'createService',
    input,
    taskDefinition: f.ref ?? { external: '' },
    clientTokenSeed: contentHash(asJson([f.cluster, f.r.name, spec, f.ref ?? null])),
    rollout: rolloutIntent(f),
  };
}

function planCreate(f: ServiceFacts, p: ResourcePlan, ctx: PlanContext): ResourcePlan {
  p.outcome = 'create';
  p.reason = `service ${f.r.name} does not exist in cluster ${f.cluster}`;
  // The canonical form names the namespace by ARN once it exists (by name before): show its name either way.
  const ns = f.desiredSc.namespace;
  const shownSc = typeof ns === 'string' ? { ...f.desiredSc, namespace: ctx.index.nameOf(ns) ?? ns } : f.desiredSc;
  p.changes = diffFields('', undefined, asJson({ taskDefinition: f.r.spec.taskDefinition, desiredCount: f.r.spec.desiredCount, serviceConnectConfiguration: shownSc }));
  p.steps.push(createServiceStep(f));
  return p;
}

/**
 * A service of that name is DRAINING (deleted, its tasks stopping): AWS frees the name only once it
 * is INACTIVE (CreateService answers "Unable to Start a service that is still Draining", UpdateService
 * ServiceNotActiveException). The create waits for that: under --wait in this pass, otherwise the
 * resource is looked at again soon (Reconciling, WaitingForDrain).
 */
function planAfterDrain(f: ServiceFacts, p: ResourcePlan, ctx: PlanContext): ResourcePlan {
  planCreate(f, p, ctx);
  p.reason = `service ${f.r.name} in cluster ${f.cluster} is still DRAINING; it is created once the old one is INACTIVE`;
  p.steps.unshift({ op: 'awaitDrain', cluster: f.cluster, service: f.r.name });
  p.hold = { kind: 'waiting', reason: 'WaitingForDrain' };
  return p;
}

function planReplace(f: ServiceFacts, live: LiveService, p: ResourcePlan, why: string, ctx: PlanContext): ResourcePlan {
  p.outcome = 'replace';
  p.changes = [{ path: '', old: live.arn, new: '(recreated)' }];
  if (!ctx.opts.allowReplace) {
    p.reason = `${why}; the service must be recreated: re-run with --allow-replace`;
    p.hold = { kind: 'stalled', reason: 'ReplaceRequired' };
    return p;
  }
  p.reason = `${why}; recreating the service (--allow-replace)`;
  p.steps.push({ op: 'deleteService', cluster: f.cluster, service: f.r.name, daemon: live.raw.schedulingStrategy === 'DAEMON' }, createServiceStep(f));
  return p;
}

/** What a write of this service rolls out: the spec (held if it fails) and the names Service Connect must register. */
function rolloutIntent(f: ServiceFacts): RolloutIntent {
  const td = f.ref === undefined ? null : 'manifest' in f.ref ? f.ref.hash : f.ref.external;
  return { specHash: contentHash(asJson({ spec: frozenSpec(f.r), taskDefinition: td })), discoveryNames: discoveryNames(f.desiredSc) };
}

/** The discovery names a canonical Service Connect configuration publishes (none for a client-only one). */
function discoveryNames(sc: JsonObject): string[] {
  return (Array.isArray(sc.services) ? sc.services : []).flatMap((s) => (isJsonObject(s) && typeof s.discoveryName === 'string' ? [s.discoveryName] : []));
}

/**
 * A blocked plan when this spec must not be rolled out again: its rollout failed in this process
 * (held until the manifest changes), or the PRIMARY deployment failed and nothing in the manifest
 * differs from it. Undefined otherwise.
 */
function heldRollout(f: ServiceFacts, live: LiveService, p: ResourcePlan, deploys: boolean, ctx: PlanContext): ResourcePlan | undefined {
  const failed = ctx.observed.rollouts.failed.get(serviceKey(f.cluster, f.r.name));
  if (deploys && failed && failed.specHash === rolloutIntent(f).specHash) {
    // Rolling the same spec out again would fail the same way: wait for the manifest to change.
    return held(p, `the rollout of this spec failed (${failed.message}); it is not rolled out again until the manifest changes`);
  }
  const primary = primaryDeployment(live);
  if (deploys || primary?.rolloutState !== 'FAILED') return undefined;
  // The circuit breaker failed what runs now and did not roll back: nothing in place can fix that.
  return held(p, `the rollout of ${familyRevision(primary.taskDefinition)} failed (${primary.rolloutStateReason ?? 'circuit breaker'}: ${eventSummary(live)}); change the manifest to try again`);
}

function held(p: ResourcePlan, reason: string): ResourcePlan {
  return { ...p, steps: [], outcome: 'blocked', reason, hold: { kind: 'stalled', reason: 'RolloutFailed' }, error: new ReconcileError(reason, { category: 'Invalid', code: ROLLOUT_FAILED }) };
}

/** For a service with nothing to write: whether its rollout (ours or anyone's) is still under way. */
function rolloutProgress(f: ServiceFacts, live: LiveService, p: ResourcePlan, ctx: PlanContext): ResourcePlan {
  const tracked = ctx.observed.rollouts.inFlight.get(serviceKey(f.cluster, f.r.name));
  const primary = primaryDeployment(live);
  const verdict =
    tracked?.verdict ?? rolloutVerdict(live, { taskDefinition: live.taskDefinition, ...(primary ? { deploymentId: primary.id } : {}), discoveryNames: discoveryNames(f.desiredSc) });
  switch (verdict.state) {
    case 'completed':
    case 'gone':
      return p;
    case 'progressing':
      return { ...p, reason: `in sync; ${verdict.detail}`, hold: { kind: 'waiting', reason: verdict.reason } };
    case 'failed':
      // Evidence that needs a second read: the next pass reads again.
      return { ...p, reason: `in sync; ${verdict.detail}`, hold: { kind: 'waiting', reason: 'RolloutInProgress' } };
    default: {
      const never: never = verdict;
      throw new Error(`unknown verdict ${JSON.stringify(never)}`);
    }
  }
}

/** The UpdateService fields (besides the task definition) whose live value differs from the manifest's. */
function fieldUpdates(f: ServiceFacts, live: LiveService, p: ResourcePlan, ctx: PlanContext): JsonObject {
  const update: JsonObject = {};
  const spec = frozenSpec(f.r);
  for (const [field, want] of Object.entries(spec)) {
    if (SPECIAL_SERVICE_FIELDS.has(field) || !UPDATABLE_SERVICE_FIELDS.has(field)) continue;
    const have = liveServiceMember(live, field);
    if (containsDesired(want, have, field)) continue;
    // Only what the manifest states is compared, so only that is shown.
    p.changes.push(...diffFields(field, statedPart(want, have), want));
    update[field] = want;
  }
  if (spec.launchType !== undefined && onStrategy(live)) {
    // Back from a capacity provider strategy to the launch type: an empty strategy (the model's
    // UpdateServiceRequest.capacityProviderStrategy: "Pass an empty list").
    p.changes.push(...diffFields('capacityProviderStrategy', live.raw.capacityProviderStrategy, []));
    update.capacityProviderStrategy = [];
  }
  // "This parameter doesn't trigger a new service deployment" (UpdateServiceRequest): without a new
  // one the running tasks would stay where they are while the service reports the new strategy.
  if (update.capacityProviderStrategy !== undefined) update.forceNewDeployment = true;
  const liveSc = serviceConnectAsStated(canonicalServiceConnect(primaryDeployment(live)?.serviceConnectConfiguration, ctx.index, f.defaultNs), f.desiredSc);
  if (!jsonEqual(liveSc, f.desiredSc)) {
    // Turning it off is one change, whatever the configuration was.
    const turnedOff = f.desiredSc.enabled !== true && liveSc.enabled === true;
    p.changes.push(...(turnedOff ? diffFields('serviceConnectConfiguration.enabled', true, false) : diffFields('serviceConnectConfiguration', liveSc, f.desiredSc)));
    // Omitting the block does not turn Service Connect off: send enabled=false (terraform-provider-aws#28338).
    update.serviceConnectConfiguration = asJson(f.r.spec.serviceConnectConfiguration) ?? { enabled: false };
  }
  return update;
}

/** The tag step: the manifest's tags, ours, and the task definition's content hash when in sync but unrecorded. */
function tagStep(f: ServiceFacts, live: LiveService, p: ResourcePlan, tdChange: TaskDefinitionRef | undefined): void {
  const tagged = { ...f.desiredTags };
  if (!tdChange && f.ref && 'manifest' in f.ref) {
    const recorded = parseTaskDefinitionTag(live.tags[TAG_TASK_DEFINITION]);
    const want = `${f.ref.hash}@${familyRevision(live.taskDefinition)}`;
    if (recorded === undefined || `${recorded.hash}@${recorded.familyRevision}` !== want) tagged[TAG_TASK_DEFINITION] = want;
  }
  const t = tagChanges(live.tags, tagged, f.r.spec.tags !== undefined);
  if (Object.keys(t.add).length > 0 || t.remove.length > 0) {
    p.changes.push(...tagDiff(live.tags, t).filter((c) => !c.path.startsWith(`tags.${TAG_TASK_DEFINITION}`)));
    p.steps.push({ op: 'tagEcs', arn: live.arn, add: t.add, remove: t.remove });
  }
}

function planUpdate(f: ServiceFacts, live: LiveService, p: ResourcePlan, ctx: PlanContext): ResourcePlan {
  const { ref } = f;
  const tdChange = ref && !liveTaskDefinitionMatches(ref, live, ctx) ? ref : undefined;
  if (tdChange) {
    const target = 'external' in tdChange ? tdChange.external : (ctx.observed.taskDefinitions.get(tdChange.manifest)?.matchingArn ?? `${tdChange.family}:(new revision)`);
    p.changes.push({ path: 'taskDefinition', old: familyRevision(live.taskDefinition), new: familyRevision(target) });
  }
  const update = fieldUpdates(f, live, p, ctx);
  const deploys = Object.keys(update).length > 0 || tdChange !== undefined;
  const hold = heldRollout(f, live, p, deploys, ctx);
  if (hold) return hold;
  // Tags first: a service being adopted carries this controller's tag before it is updated, as an
  // IAM policy that lets the controller change only what it owns requires.
  tagStep(f, live, p, tdChange);
  if (deploys) {
    p.steps.push({ op: 'updateService', input: { cluster: f.cluster, service: f.r.name, ...update }, ...(tdChange ? { taskDefinition: tdChange } : {}), arn: live.arn, rollout: rolloutIntent(f) });
  }
  if (p.steps.length === 0) return rolloutProgress(f, live, p, ctx);
  p.outcome = 'update';
  p.reason = p.changes.length > 0 ? 'service differs from its manifest' : 'ownership tags need recording';
  return p;
}

/** Plans one Service manifest against the services observed. */
export function planService(r: DesiredResourceOf<'Service'>, ctx: PlanContext): ResourcePlan {
  const f = serviceFacts(r, ctx);
  const p = basePlan(r, isServer(f.desiredSc) ? Phase.serverService : Phase.clientService);
  p.dependsOn.push(...serviceDependencies(f, ctx));
  const stop = precondition(f, p, ctx);
  if (stop) return stop;
  const live = f.live;
  if (!live) return planCreate(f, p, ctx);
  if (live.status === 'DRAINING') return planAfterDrain(f, p, ctx);
  const conflict = ownershipConflict(r, live.tags, ctx.opts.controllerId, `service ${r.name} in cluster ${f.cluster}`);
  if (conflict) return conflicting(p, conflict);
  const replace = replaceReason(f, live, ctx);
  if (replace) return planReplace(f, live, p, replace, ctx);
  return planUpdate(f, live, p, ctx);
}

/** Discovery names a namespace still holds for a service that is being deleted or drains: `by` says which. */
export interface TakenNames extends Published {
  by: string;
}

/**
 * A service to be created whose discovery name is still registered for a service this pass deletes
 * or one that still drains would be refused (the name is freed once that service is INACTIVE), so
 * its creation waits (Reconciling, WaitingForDrain) and is looked at again soon.
 */
export function holdCreatesOnTakenNames(services: readonly DesiredResourceOf<'Service'>[], plans: Map<ResourceKey, ResourcePlan>, taken: readonly TakenNames[], ctx: PlanContext): void {
  if (taken.length === 0) return;
  for (const r of services) {
    const p = plans.get(r.key);
    if (!p?.steps.some((s) => s.op === 'createService')) continue;
    const desiredSc = serviceFacts(r, ctx).desiredSc;
    const namespace = namespaceArnFor(typeof desiredSc.namespace === 'string' ? desiredSc.namespace : undefined, ctx.index);
    const names = discoveryNames(desiredSc);
    for (const t of taken) {
      const clash = t.namespace === namespace ? t.discoveryNames.filter((n) => names.includes(n)) : [];
      if (clash.length === 0) continue;
      const reason = `discovery name ${clash.join(', ')} in namespace ${ctx.index.nameOf(t.namespace) ?? t.namespace} is still registered for ${t.by}; the service is created once that one is INACTIVE`;
      plans.set(r.key, { ...p, steps: [], reason, hold: { kind: 'waiting', reason: 'WaitingForDrain' } });
      break;
    }
  }
}
