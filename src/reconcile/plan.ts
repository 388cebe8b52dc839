/**
 * The planner: desired resources + observed state -> an ordered plan. Pure: no I/O, no clock.
 */
import type { DesiredResource, DesiredResourceOf } from '../manifests/model.js';
import { asJson, contentHash, isJsonObject, jsonEqual } from './canonical.js';
import {
  familyOf,
  familyRevision,
  indexTaskDefinitions,
  serviceCluster,
  frozenSpec,
  registrationTags,
  specJson,
  taskDefinitionRefOf,
  type DesiredTaskDefinition,
} from './desired.js';
import { diffFields, type FieldChange } from './diff.js';
import { canonicalServiceConnect, containsDesired, isServer, namespaceIndex, type NamespaceIndex } from './normalize-service.js';
import { canonicalTaskDefinition, namedPorts } from './normalize-task-definition.js';
import { anyUnavailable, serviceKey, type ObservedState, type ReadError } from './observed.js';
import {
  ANNOTATION_ADOPT,
  ANNOTATION_REDEPLOY,
  ownershipOf,
  ownershipTags,
  parseTaskDefinitionTag,
  TAG_MANAGED_BY,
  TAG_TASK_DEFINITION,
  tagChanges,
} from './ownership.js';
import { Phase, type Plan, type ResourcePlan, type Step, type TaskDefinitionRef } from './plan-types.js';
import type { JsonObject, LiveService, TagMap } from './ports.js';

export interface PlanOptions {
  controllerId: string;
  defaultCluster: string;
  prune: boolean;
  allowReplace: boolean;
  allowEmpty: boolean;
  maxPrune: number;
  /** False when any manifest failed to load or validate: prune is then refused. */
  sourceHealthy: boolean;
}

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
// Fields handled on their own, or only meaningful at creation.
const SPECIAL_SERVICE_FIELDS = new Set(['cluster', 'taskDefinition', 'serviceConnectConfiguration', 'tags', 'clientToken']);
// What UpdateService cannot change: the service must be recreated (AWS-FACTS, "What cannot change in place").
const IMMUTABLE_SERVICE_FIELDS: Record<string, string> = { launchType: 'launchType', schedulingStrategy: 'schedulingStrategy', role: 'roleArn' };

function base(r: DesiredResource, phase: number): ResourcePlan {
  return { key: r.key, kind: r.kind, name: r.name, outcome: 'unchanged', reason: 'in sync', changes: [], steps: [], dependsOn: [], phase, notes: [] };
}

/** The plan of a resource whose live state could not be read: it fails this pass (and is retried). */
function unreadable(p: ResourcePlan, what: string, err: ReadError): ResourcePlan {
  return { ...p, outcome: 'blocked', reason: `${what} could not be read: ${err.message}`, error: err };
}

function adopting(r: DesiredResource): boolean {
  return r.metadata.annotations?.[ANNOTATION_ADOPT] === 'true';
}

/** Decides whether we may manage an existing resource; returns a conflict reason, or undefined when we may. */
function ownershipConflict(r: DesiredResource, tags: TagMap, controllerId: string, what: string): string | undefined {
  const owner = ownershipOf(tags, controllerId);
  if (owner === 'ours') return undefined;
  if (owner === 'other-controller') {
    return `${what} exists and is managed by controller "${tags[TAG_MANAGED_BY] ?? ''}"; it is left alone (use another name, or run that controller)`;
  }
  if (adopting(r)) return undefined;
  return `${what} exists and is not managed by switchboard; it is left alone. To take it over, add the annotation ${ANNOTATION_ADOPT}: "true"`;
}

function planNamespace(r: DesiredResourceOf<'Namespace'>, observed: ObservedState, opts: PlanOptions): ResourcePlan {
  const p = base(r, Phase.namespace);
  if (observed.unavailable.namespaces) return unreadable(p, 'Cloud Map namespaces', observed.unavailable.namespaces);
  const live = observed.namespaces.find((n) => n.name === r.name);
  const desiredTags = { ...(r.spec.tags ?? {}), ...ownershipTags(opts.controllerId, r.key) };
  if (!live) {
    p.outcome = 'create';
    p.reason = `namespace ${r.name} does not exist`;
    p.changes = diffFields('', undefined, asJson({ type: r.spec.type, vpc: r.spec.vpc, description: r.spec.description }));
    p.steps.push({
      op: 'createNamespace',
      name: r.name,
      type: r.spec.type,
      ...(r.spec.vpc !== undefined ? { vpc: r.spec.vpc } : {}),
      ...(r.spec.description !== undefined ? { description: r.spec.description } : {}),
      tags: desiredTags,
      // Deterministic, so a retry after a timeout cannot create a second namespace.
      creatorRequestId: `switchboard-${contentHash(asJson([opts.controllerId, r.name, r.spec.type, r.spec.vpc ?? '']))}`,
    });
    return p;
  }
  const tags = observed.namespaceTags.get(live.arn);
  // Tags are read only when they decide something (see observe): nothing to change here.
  if (tags === undefined) return p;
  const conflict = ownershipConflict(r, tags, opts.controllerId, `namespace ${r.name} (${live.id})`);
  if (conflict) return { ...p, outcome: 'conflict', reason: conflict };
  if (live.type !== r.spec.type) {
    return {
      ...p,
      outcome: 'blocked',
      reason: `namespace type cannot change in place (${live.type} -> ${r.spec.type}); delete namespace ${r.name} or use another name`,
      changes: diffFields('type', live.type, r.spec.type),
    };
  }
  if (r.spec.description !== undefined && r.spec.description !== (live.description ?? '')) {
    p.changes.push(...diffFields('description', live.description ?? '', r.spec.description));
    if (live.type === 'HTTP') {
      p.steps.push({
        op: 'updateNamespace',
        id: live.id,
        name: r.name,
        description: r.spec.description,
        updaterRequestId: `switchboard-${contentHash(asJson([live.id, r.spec.description]))}`,
      });
    } else {
      p.notes.push('the description of a DNS namespace is not updated by this version');
    }
  }
  const t = tagChanges(tags, desiredTags, r.spec.tags !== undefined);
  if (Object.keys(t.add).length > 0 || t.remove.length > 0) {
    p.changes.push(...diffFields('tags', asJson(tags), asJson({ ...Object.fromEntries(Object.entries(tags).filter(([k]) => !t.remove.includes(k))), ...t.add })));
    p.steps.push({ op: 'tagCloudMap', arn: live.arn, add: t.add, remove: t.remove });
  }
  if (p.steps.length > 0) {
    p.outcome = 'update';
    p.reason = 'namespace differs from its manifest';
  }
  return p;
}

function namespaceArnFor(ref: string | undefined, index: NamespaceIndex): string | undefined {
  return ref === undefined || ref === '' ? undefined : (index.arnOf(ref) ?? ref);
}

function planCluster(r: DesiredResourceOf<'Cluster'>, observed: ObservedState, opts: PlanOptions, index: NamespaceIndex): ResourcePlan {
  const p = base(r, Phase.cluster);
  if (observed.unavailable.clusters) return unreadable(p, 'ECS clusters', observed.unavailable.clusters);
  if (r.spec.serviceConnectDefaults?.namespace !== undefined && observed.unavailable.namespaces) {
    return unreadable(p, 'Cloud Map namespaces', observed.unavailable.namespaces);
  }
  const live = observed.clusters.get(r.spec.clusterName);
  const desiredTags = { ...(r.spec.tags ?? {}), ...ownershipTags(opts.controllerId, r.key) };
  const spec = specJson(r);
  delete spec.tags;
  const nsRef = r.spec.serviceConnectDefaults?.namespace;
  if (!live) {
    p.outcome = 'create';
    p.reason = `cluster ${r.spec.clusterName} does not exist`;
    p.changes = diffFields('', undefined, spec);
    p.steps.push({ op: 'createCluster', input: { ...spec, tags: ecsTagList(desiredTags) } });
    return p;
  }
  const conflict = ownershipConflict(r, live.tags, opts.controllerId, `cluster ${r.spec.clusterName}`);
  if (conflict) return { ...p, outcome: 'conflict', reason: conflict };
  const update: JsonObject = {};
  if (nsRef !== undefined) {
    const want = namespaceArnFor(nsRef, index) ?? '';
    if (want !== (live.serviceConnectNamespace ?? '')) {
      p.changes.push(...diffFields('serviceConnectDefaults.namespace', live.serviceConnectNamespace ?? null, nsRef));
      update.serviceConnectDefaults = { namespace: nsRef };
    }
  }
  if (spec.settings !== undefined && !containsDesired(spec.settings, asJson(live.settings), 'settings')) {
    p.changes.push(...diffFields('settings', asJson(live.settings), spec.settings));
    update.settings = spec.settings;
  }
  if (Object.keys(update).length > 0) p.steps.push({ op: 'updateCluster', input: { cluster: r.spec.clusterName, ...update } });
  const t = tagChanges(live.tags, desiredTags, r.spec.tags !== undefined);
  if (Object.keys(t.add).length > 0 || t.remove.length > 0) {
    p.changes.push(...tagDiff(live.tags, t));
    p.steps.push({ op: 'tagEcs', arn: live.arn, add: t.add, remove: t.remove });
  }
  if (p.steps.length > 0) {
    p.outcome = 'update';
    p.reason = 'cluster differs from its manifest';
  }
  return p;
}

function ecsTagList(tags: TagMap): JsonObject[] {
  return Object.keys(tags)
    .sort()
    .map((key) => ({ key, value: tags[key] ?? '' }));
}

function tagDiff(live: TagMap, t: { add: TagMap; remove: string[] }): FieldChange[] {
  const out: FieldChange[] = [];
  for (const [k, v] of Object.entries(t.add)) out.push({ path: `tags.${k}`, ...(live[k] !== undefined ? { old: live[k] } : {}), new: v });
  for (const k of t.remove) out.push({ path: `tags.${k}`, old: live[k] ?? '' });
  return out;
}

function planTaskDefinition(td: DesiredTaskDefinition, observed: ObservedState, opts: PlanOptions): ResourcePlan {
  const r = td.resource;
  const p = base(r, Phase.taskDefinition);
  const readErr = observed.unavailable.taskDefinitions.get(td.key);
  if (readErr) return unreadable(p, `task definition family ${td.family}`, readErr);
  const obs = observed.taskDefinitions.get(td.key) ?? {};
  if (obs.matchingArn !== undefined) {
    p.reason = `revision ${familyRevision(obs.matchingArn)} has this content`;
    return p;
  }
  if (obs.latest) {
    const conflict = ownershipConflict(r, obs.latest.tags, opts.controllerId, `task definition family ${td.family}`);
    if (conflict) return { ...p, outcome: 'conflict', reason: conflict };
  }
  const tags = registrationTags(td, opts.controllerId);
  p.steps.push({ op: 'registerTaskDefinition', input: td.input, tags, hash: td.hash });
  if (obs.latest) {
    p.outcome = 'update';
    p.reason = `the newest ACTIVE revision ${familyRevision(obs.latest.arn)} differs; a new revision is registered`;
    p.changes = diffFields('', canonicalTaskDefinition(obs.latest.definition), td.canonical);
  } else {
    p.outcome = 'create';
    p.reason = `family ${td.family} has no ACTIVE revision`;
  }
  return p;
}

function declaredNamespaceDependency(nsRef: string | undefined, index: NamespaceIndex, declared: Map<string, string>): string[] {
  if (nsRef === undefined || nsRef === '') return [];
  const name = index.nameOf(nsRef) ?? nsRef;
  const key = declared.get(name);
  return key !== undefined ? [key] : [];
}

interface ServiceContext {
  opts: PlanOptions;
  observed: ObservedState;
  index: NamespaceIndex;
  taskDefinitions: Map<string, DesiredTaskDefinition>;
  declaredNamespaces: Map<string, string>;
  declaredClusters: Map<string, DesiredResourceOf<'Cluster'>>;
}

/** The cluster default namespace a service falls back to, from the Cluster manifest or the live cluster. */
function clusterDefaultNamespace(cluster: string, ctx: ServiceContext): string | undefined {
  return ctx.declaredClusters.get(cluster)?.spec.serviceConnectDefaults?.namespace ?? ctx.observed.clusters.get(cluster)?.serviceConnectNamespace;
}

function primaryDeployment(s: LiveService): LiveService['deployments'][number] | undefined {
  return s.deployments.find((d) => d.status === 'PRIMARY');
}

function liveTaskDefinitionMatches(ref: TaskDefinitionRef, live: LiveService, ctx: ServiceContext): boolean {
  if ('external' in ref) {
    const want = familyRevision(ref.external);
    const have = familyRevision(live.taskDefinition);
    return want.includes(':') ? want === have : familyOf(have) === want;
  }
  const known = ctx.observed.taskDefinitionHashes.get(live.taskDefinition);
  if (known !== undefined) return known === ref.hash;
  return ctx.observed.taskDefinitions.get(ref.manifest)?.matchingArn === live.taskDefinition;
}

/** A reason the service must be recreated, or undefined when it can be updated in place. */
function replaceReason(r: DesiredResourceOf<'Service'>, live: LiveService, ref: TaskDefinitionRef | undefined, ctx: ServiceContext): string | undefined {
  const spec = frozenSpec(r);
  for (const [field, liveField] of Object.entries(IMMUTABLE_SERVICE_FIELDS)) {
    const want = spec[field];
    if (want === undefined) continue;
    const have = live.raw[liveField];
    const same = field === 'role' && typeof want === 'string' && typeof have === 'string' ? have === want || have.endsWith(`/${want}`) : jsonEqual(want, have ?? (field === 'schedulingStrategy' ? 'REPLICA' : null));
    if (!same) return `${field} cannot change in place (${JSON.stringify(have ?? null)} -> ${JSON.stringify(want)})`;
  }
  // appProtocol of a port Service Connect uses cannot change on a live service (aws/containers-roadmap#2378).
  if (ref && 'manifest' in ref) {
    const liveTd = ctx.observed.serviceTaskDefinitions.get(live.taskDefinition);
    const desiredTd = ctx.taskDefinitions.get(r.spec.taskDefinition ?? '');
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

function createServiceStep(r: DesiredResourceOf<'Service'>, cluster: string, ref: TaskDefinitionRef | undefined, desiredTags: TagMap): Step {
  const spec = specJson(r);
  delete spec.tags;
  delete spec.taskDefinition;
  delete spec.cluster;
  const input: JsonObject = { ...spec, serviceName: r.name, cluster, tags: ecsTagList(desiredTags) };
  // desiredCount is set at creation even when the manifest leaves it to autoscaling afterwards.
  if (input.desiredCount === undefined && input.schedulingStrategy !== 'DAEMON') input.desiredCount = 1;
  return {
    op: 'createService',
    input,
    taskDefinition: ref ?? { external: '' },
    clientTokenSeed: contentHash(asJson([cluster, r.name, spec, ref ?? null])),
  };
}

function planService(r: DesiredResourceOf<'Service'>, ctx: ServiceContext): ResourcePlan {
  const { opts, observed, index } = ctx;
  const cluster = serviceCluster(r, opts.defaultCluster);
  const ref = taskDefinitionRefOf(r, ctx.taskDefinitions);
  const defaultNs = clusterDefaultNamespace(cluster, ctx);
  const desiredSc = canonicalServiceConnect(frozenSpec(r).serviceConnectConfiguration, index, defaultNs);
  const p = base(r, isServer(desiredSc) ? Phase.serverService : Phase.clientService);
  if (ref && 'manifest' in ref) p.dependsOn.push(ref.manifest);
  const nsRef = r.spec.serviceConnectConfiguration?.namespace ?? (r.spec.serviceConnectConfiguration?.enabled ? defaultNs : undefined);
  p.dependsOn.push(...declaredNamespaceDependency(nsRef, index, ctx.declaredNamespaces));
  const declaredCluster = ctx.declaredClusters.get(cluster);
  // Only a cluster this pass creates must come first; an existing one (even one we may not manage) serves.
  if (declaredCluster && !observed.clusters.has(cluster)) p.dependsOn.push(declaredCluster.key);

  const desiredTags = { ...(r.spec.tags ?? {}), ...ownershipTags(opts.controllerId, r.key) };
  const servicesErr = observed.unavailable.servicesByCluster.get(cluster);
  if (servicesErr) return unreadable(p, `services of cluster ${cluster}`, servicesErr);
  if (r.spec.serviceConnectConfiguration?.enabled === true && observed.unavailable.namespaces) {
    return unreadable(p, 'Cloud Map namespaces', observed.unavailable.namespaces);
  }
  const live = observed.services.get(serviceKey(cluster, r.name));
  if (!live && observed.missingClusters.has(cluster) && !declaredCluster) {
    return {
      ...p,
      outcome: 'blocked',
      reason: `cluster ${cluster} does not exist: add a Cluster manifest named ${cluster}, create it, or set spec.cluster (or --cluster) to an existing one`,
    };
  }
  if (!live) {
    p.outcome = 'create';
    p.reason = `service ${r.name} does not exist in cluster ${cluster}`;
    p.changes = diffFields('', undefined, asJson({ taskDefinition: r.spec.taskDefinition, desiredCount: r.spec.desiredCount, serviceConnectConfiguration: desiredSc }));
    p.steps.push(createServiceStep(r, cluster, ref, desiredTags));
    return p;
  }
  const conflict = ownershipConflict(r, live.tags, opts.controllerId, `service ${r.name} in cluster ${cluster}`);
  if (conflict) return { ...p, outcome: 'conflict', reason: conflict };

  const replace = replaceReason(r, live, ref, ctx);
  if (replace) {
    p.outcome = 'replace';
    p.changes = [{ path: '', old: live.arn, new: '(recreated)' }];
    if (!opts.allowReplace) {
      p.reason = `${replace}; the service must be recreated: re-run with --allow-replace`;
      return p;
    }
    p.reason = `${replace}; recreating the service (--allow-replace)`;
    p.steps.push({ op: 'deleteService', cluster, service: r.name }, createServiceStep(r, cluster, ref, desiredTags));
    return p;
  }

  const update: JsonObject = {};
  let tdChange: TaskDefinitionRef | undefined;
  if (ref && !liveTaskDefinitionMatches(ref, live, ctx)) {
    tdChange = ref;
    const target = 'external' in ref ? ref.external : (observed.taskDefinitions.get(ref.manifest)?.matchingArn ?? `${ref.family}:(new revision)`);
    const failed = observed.failedRollouts.get(serviceKey(cluster, r.name));
    if (failed && familyRevision(failed.taskDefinition) === familyRevision(target)) {
      // Rolling the same spec out again would fail the same way: wait for the manifest to change.
      return {
        ...p,
        outcome: 'blocked',
        reason: `the rollout of ${familyRevision(target)} failed and was rolled back (${failed.message}); change the manifest to try again`,
        error: { message: `rollout of ${familyRevision(target)} failed: ${failed.message}`, code: 'RolloutFailed', category: 'Invalid' },
      };
    }
    p.changes.push({ path: 'taskDefinition', old: familyRevision(live.taskDefinition), new: familyRevision(target) });
  }
  const primary = primaryDeployment(live);
  if (!tdChange && primary?.rolloutState === 'FAILED') {
    // The circuit breaker failed this spec and did not roll back: nothing in place can fix that.
    const events = live.events.slice(0, 3).map((e) => e.message).join(' | ');
    return {
      ...p,
      outcome: 'blocked',
      reason: `the rollout of ${familyRevision(primary.taskDefinition)} failed (${primary.rolloutStateReason ?? 'circuit breaker'}: ${events}); change the manifest to try again`,
      error: { message: `rollout of ${familyRevision(primary.taskDefinition)} failed`, code: 'RolloutFailed', category: 'Invalid' },
    };
  }
  const spec = frozenSpec(r);
  for (const [field, want] of Object.entries(spec)) {
    if (SPECIAL_SERVICE_FIELDS.has(field) || !UPDATABLE_SERVICE_FIELDS.has(field)) continue;
    if (containsDesired(want, live.raw[field], field)) continue;
    p.changes.push(...diffFields(field, live.raw[field], want));
    update[field] = want;
  }
  const liveSc = canonicalServiceConnect(primaryDeployment(live)?.serviceConnectConfiguration, index, defaultNs);
  if (!jsonEqual(liveSc, desiredSc)) {
    p.changes.push(...diffFields('serviceConnectConfiguration', liveSc, desiredSc));
    // Omitting the block does not turn Service Connect off: send enabled=false (terraform-provider-aws#28338).
    update.serviceConnectConfiguration = asJson(r.spec.serviceConnectConfiguration) ?? { enabled: false };
  }
  if (Object.keys(update).length > 0 || tdChange) {
    p.steps.push({ op: 'updateService', input: { cluster, service: r.name, ...update }, ...(tdChange ? { taskDefinition: tdChange } : {}), arn: live.arn });
  }
  // Record the task definition's content hash on the service when it is in sync but unrecorded.
  const tagged = { ...desiredTags };
  if (!tdChange && ref && 'manifest' in ref) {
    const recorded = parseTaskDefinitionTag(live.tags[TAG_TASK_DEFINITION]);
    const want = `${ref.hash}@${familyRevision(live.taskDefinition)}`;
    if (recorded === undefined || `${recorded.hash}@${recorded.familyRevision}` !== want) tagged[TAG_TASK_DEFINITION] = want;
  }
  const t = tagChanges(live.tags, tagged, r.spec.tags !== undefined);
  if (Object.keys(t.add).length > 0 || t.remove.length > 0) {
    p.changes.push(...tagDiff(live.tags, t).filter((c) => !c.path.startsWith(`tags.${TAG_TASK_DEFINITION}`)));
    p.steps.push({ op: 'tagEcs', arn: live.arn, add: t.add, remove: t.remove });
  }
  if (p.steps.length > 0) {
    p.outcome = 'update';
    p.reason = p.changes.length > 0 ? 'service differs from its manifest' : 'ownership tags need recording';
  }
  return p;
}

/** Endpoints (`dnsName:port`) a canonical Service Connect configuration publishes. */
function endpointsOf(sc: JsonObject): string[] {
  const out: string[] = [];
  for (const s of Array.isArray(sc.services) ? sc.services : []) {
    if (!isJsonObject(s)) continue;
    for (const a of Array.isArray(s.clientAliases) ? s.clientAliases : []) {
      if (isJsonObject(a)) out.push(`${String(a.dnsName)}:${String(a.port)}`);
    }
    if (!Array.isArray(s.clientAliases) || s.clientAliases.length === 0) out.push(String(s.discoveryName));
  }
  return out;
}

/**
 * Service Connect tasks resolve only the endpoints that existed when they started
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-concepts.html):
 * note the running services a new endpoint will not reach, and redeploy the ones that ask for it.
 */
function planNewEndpoints(services: DesiredResourceOf<'Service'>[], plans: Map<string, ResourcePlan>, ctx: ServiceContext, notes: string[]): void {
  const newByNamespace = new Map<string, { endpoints: string[]; servers: string[] }>();
  for (const r of services) {
    const p = plans.get(r.key);
    if (!p || (p.outcome !== 'create' && p.outcome !== 'update' && p.outcome !== 'replace')) continue;
    const cluster = serviceCluster(r, ctx.opts.defaultCluster);
    const defaultNs = clusterDefaultNamespace(cluster, ctx);
    const desiredSc = canonicalServiceConnect(frozenSpec(r).serviceConnectConfiguration, ctx.index, defaultNs);
    if (!isServer(desiredSc)) continue;
    const live = ctx.observed.services.get(serviceKey(cluster, r.name));
    const before = new Set(live ? endpointsOf(canonicalServiceConnect(primaryDeployment(live)?.serviceConnectConfiguration, ctx.index, defaultNs)) : []);
    const added = endpointsOf(desiredSc).filter((e) => !before.has(e));
    if (added.length === 0) continue;
    const ns = String(desiredSc.namespace ?? '');
    const entry = newByNamespace.get(ns) ?? { endpoints: [], servers: [] };
    entry.endpoints.push(...added);
    entry.servers.push(r.key);
    newByNamespace.set(ns, entry);
  }
  if (newByNamespace.size === 0) return;
  for (const r of services) {
    const p = plans.get(r.key);
    const cluster = serviceCluster(r, ctx.opts.defaultCluster);
    const live = ctx.observed.services.get(serviceKey(cluster, r.name));
    if (!p || !live || p.steps.some((s) => s.op === 'updateService' || s.op === 'createService')) continue;
    const sc = canonicalServiceConnect(primaryDeployment(live)?.serviceConnectConfiguration, ctx.index, clusterDefaultNamespace(cluster, ctx));
    const entry = newByNamespace.get(String(sc.namespace ?? ''));
    if (sc.enabled !== true || !entry) continue;
    const unseen = entry.endpoints;
    if (r.metadata.annotations?.[ANNOTATION_REDEPLOY] === 'true') {
      p.outcome = 'update';
      p.reason = `redeploying so its tasks see the new endpoints ${unseen.join(', ')} (${ANNOTATION_REDEPLOY})`;
      p.phase = Phase.clientService;
      p.dependsOn.push(...entry.servers);
      p.steps.push({ op: 'updateService', input: { cluster, service: r.name, forceNewDeployment: true }, arn: live.arn });
    } else {
      notes.push(
        `${r.key}: its running tasks started before ${unseen.join(', ')} existed and will not resolve them until they are replaced (set ${ANNOTATION_REDEPLOY}: "true" to redeploy automatically)`,
      );
    }
  }
}

function planPrune(desired: readonly DesiredResource[], observed: ObservedState, opts: PlanOptions, notes: string[]): ResourcePlan[] {
  if (!opts.prune) return [];
  // Ownership is checked here again, whatever the observation says: a delete needs our tag.
  const ours = (tags: TagMap | undefined): boolean => ownershipOf(tags ?? {}, opts.controllerId) === 'ours';
  const o = {
    services: observed.orphans.services.filter((s) => ours(s.tags)),
    taskDefinitionFamilies: observed.orphans.taskDefinitionFamilies.filter((f) => ours(f.tags)),
    namespaces: observed.orphans.namespaces.filter((n) => ours(observed.namespaceTags.get(n.namespace.arn))),
  };
  const found = o.services.length + o.taskDefinitionFamilies.length + o.namespaces.length;
  if (!opts.sourceHealthy) {
    notes.push('prune skipped: some manifests failed to load or validate, so nothing is deleted this pass');
    return [];
  }
  if (anyUnavailable(observed.unavailable)) {
    notes.push('prune skipped: part of the live state could not be read, so nothing is deleted this pass');
    return [];
  }
  if (desired.length === 0 && !opts.allowEmpty) {
    notes.push('prune skipped: the source holds no manifests (pass --allow-empty to prune everything)');
    return [];
  }
  if (found > opts.maxPrune) {
    notes.push(`prune stopped: ${found} resources would be deleted, more than --max-prune ${opts.maxPrune}; nothing is deleted`);
    return [];
  }
  const out: ResourcePlan[] = [];
  const mk = (key: string, phase: number, reason: string, steps: Step[]): ResourcePlan => {
    const slash = key.indexOf('/');
    const kind = key.slice(0, slash) as ResourcePlan['kind'];
    return { key, kind, name: key.slice(slash + 1), outcome: 'delete', reason, changes: [], steps, dependsOn: [], phase, notes: [] };
  };
  for (const s of o.services) {
    out.push(mk(s.tags['switchboard.dev/resource'] ?? `Service/${s.name}`, Phase.deleteService, `no manifest declares service ${s.name} in cluster ${s.cluster}`, [
      { op: 'deleteService', cluster: s.cluster, service: s.name },
    ]));
  }
  for (const f of o.taskDefinitionFamilies) {
    out.push(mk(f.key, Phase.deregisterTaskDefinition, `no manifest declares task definition family ${f.family}; its ${f.arns.length} ACTIVE revisions are deregistered`, [
      { op: 'deregisterTaskDefinitions', arns: f.arns },
    ]));
  }
  for (const { namespace, key } of o.namespaces) {
    if ((namespace.serviceCount ?? 0) > 0) {
      const n = namespace.serviceCount ?? 0;
      notes.push(`${key}: no manifest declares namespace ${namespace.name}, but it still has ${n} service${n === 1 ? '' : 's'}; it is deleted once empty`);
      continue;
    }
    out.push(mk(key, Phase.deleteNamespace, `no manifest declares namespace ${namespace.name}`, [{ op: 'deleteNamespace', id: namespace.id, name: namespace.name }]));
  }
  return out;
}

/** Plans the changes that take observed state to the desired resources (log groups come from `withLogGroups`). */
export function planChanges(desired: readonly DesiredResource[], observed: ObservedState, opts: PlanOptions): Plan {
  const index = namespaceIndex(observed.namespaces);
  const taskDefinitions = indexTaskDefinitions(desired);
  const ctx: ServiceContext = {
    opts,
    observed,
    index,
    taskDefinitions,
    declaredNamespaces: new Map(desired.filter((r) => r.kind === 'Namespace').map((r) => [r.name, r.key])),
    declaredClusters: new Map(desired.flatMap((r) => (r.kind === 'Cluster' ? [[r.spec.clusterName, r] as const] : []))),
  };
  const plans = new Map<string, ResourcePlan>();
  const services: DesiredResourceOf<'Service'>[] = [];
  for (const r of desired) {
    switch (r.kind) {
      case 'Namespace':
        plans.set(r.key, planNamespace(r, observed, opts));
        break;
      case 'Cluster': {
        const p = planCluster(r, observed, opts, index);
        p.dependsOn = declaredNamespaceDependency(r.spec.serviceConnectDefaults?.namespace, index, ctx.declaredNamespaces);
        plans.set(r.key, p);
        break;
      }
      case 'TaskDefinition': {
        const td = taskDefinitions.get(r.name);
        if (td) plans.set(r.key, planTaskDefinition(td, observed, opts));
        break;
      }
      case 'Service':
        services.push(r);
        plans.set(r.key, planService(r, ctx));
        break;
      default: {
        const never: never = r;
        throw new Error(`unknown kind ${String(never)}`);
      }
    }
  }
  const notes: string[] = [];
  planNewEndpoints(services, plans, ctx, notes);
  const resources = [...plans.values(), ...planPrune(desired, observed, opts, notes)];
  resources.sort((a, b) => a.phase - b.phase || a.key.localeCompare(b.key));
  return { resources, notes };
}
