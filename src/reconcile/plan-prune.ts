/**
 * Planning deletions: what we own and no manifest declares, only from a complete, healthy view and
 * never more than --max-prune at once. Pure.
 */
import { asResourceKey, parseResourceKey, resourceKey, type DesiredResource, type ResourceKey } from '../manifests/model.js';
import { familyRevision } from '../util/arn.js';
import { anyUnavailable } from './observed.js';
import { ownershipOf, TAG_RESOURCE } from './ownership.js';
import { serviceCluster } from './desired.js';
import { serviceNamespaceRef } from './graph.js';
import { serviceConnectNamespaceOf, serviceKey } from './observed.js';
import { clusterDefaultNamespace, namespaceArnFor, primaryDeployment, type PlanContext } from './plan-context.js';
import { Phase, type ResourcePlan, type Step } from './plan-types.js';
import type { Published } from './drains.js';
import type { LiveService, TagMap } from './ports.js';

/**
 * Plans the deletions of a pass (none unless pruning), with notes saying why anything is kept;
 * `refused` hears why nothing was deleted when something would have been.
 */
export function planPrune(desired: readonly DesiredResource[], ctx: PlanContext, notes: string[], refused: (reason: string) => void = () => undefined): ResourcePlan[] {
  const { observed, opts } = ctx;
  if (!opts.prune) return [];
  // Ownership is checked here again, whatever the observation says: a delete needs our tag.
  const ours = (tags: TagMap | undefined): boolean => ownershipOf(tags ?? {}, opts.controllerId) === 'ours';
  const o = {
    services: observed.orphans.services.filter((s) => ours(s.tags)),
    taskDefinitionFamilies: observed.orphans.taskDefinitionFamilies.filter((f) => ours(f.tags)),
    namespaces: observed.orphans.namespaces.filter((n) => ours(observed.namespaceTags.get(n.namespace.arn))),
  };
  const found = o.services.length + o.taskDefinitionFamilies.length + o.namespaces.length;
  const skip = (note: string): ResourcePlan[] => {
    notes.push(note);
    if (found > 0) refused(note);
    return [];
  };
  if (!opts.sourceHealthy) return skip('prune skipped: some manifests failed to load or validate, so nothing is deleted this pass');
  if (anyUnavailable(observed.unavailable)) return skip('prune skipped: part of the live state could not be read, so nothing is deleted this pass');
  if (desired.length === 0 && !opts.allowEmpty) return skip('prune skipped: the source holds no manifests (pass --allow-empty to prune everything)');
  if (found > opts.maxPrune) return skip(`prune stopped: ${found} resources would be deleted, more than --max-prune ${opts.maxPrune}; nothing is deleted`);
  const out: ResourcePlan[] = [];
  const mk = (key: ResourceKey, phase: number, reason: string, steps: Step[]): ResourcePlan => {
    const { kind, name } = parseResourceKey(key) ?? { kind: 'Service', name: key };
    return { key, kind, name, outcome: 'delete', reason, changes: [], steps, dependsOn: [], phase, notes: [] };
  };
  for (const s of o.services) {
    out.push(mk(asResourceKey(s.tags[TAG_RESOURCE] ?? '') ?? resourceKey('Service', s.name), Phase.deleteService, `no manifest declares service ${s.name} in cluster ${s.cluster}`, [
      { op: 'deleteService', cluster: s.cluster, service: s.name, daemon: s.raw.schedulingStrategy === 'DAEMON', ...publishedBy(s, ctx) },
    ]));
  }
  const revisionUsers = taskDefinitionsInUse(ctx);
  for (const f of o.taskDefinitionFamilies) {
    const used = f.arns.flatMap((arn) => {
      const user = revisionUsers.get(arn);
      return user === undefined ? [] : [`${familyRevision(arn)} (service ${user} runs it)`];
    });
    if (used.length > 0) {
      // A rollback, or a service that scales, would start tasks from a revision it still runs.
      notes.push(`${f.key}: no manifest declares task definition family ${f.family}, but ${used.join(', ')}; it is deregistered once no service runs it`);
      continue;
    }
    out.push(mk(f.key, Phase.deregisterTaskDefinition, `no manifest declares task definition family ${f.family}; its ${f.arns.length} ACTIVE revisions are deregistered`, [
      { op: 'deregisterTaskDefinitions', arns: f.arns },
    ]));
  }
  const inUse = namespacesInUse(desired, ctx);
  for (const { namespace, key } of o.namespaces) {
    const user = inUse.get(namespace.arn);
    if (user !== undefined) {
      notes.push(`${key}: no manifest declares namespace ${namespace.name}, but ${user}; it is kept`);
      continue;
    }
    if ((namespace.serviceCount ?? 0) > 0) {
      const n = namespace.serviceCount ?? 0;
      notes.push(`${key}: no manifest declares namespace ${namespace.name}, but it still has ${n} service${n === 1 ? '' : 's'}; it is deleted once empty`);
      continue;
    }
    out.push(mk(key, Phase.deleteNamespace, `no manifest declares namespace ${namespace.name}`, [{ op: 'deleteNamespace', id: namespace.id, name: namespace.name }]));
  }
  return out;
}

/**
 * Revisions the deployments of live ACTIVE services run, with one such service: the declared ones
 * (a service moving to another family still runs the old one until its rollout ends) and the
 * undeclared ones this pass does not delete.
 */
function taskDefinitionsInUse(ctx: PlanContext): Map<string, string> {
  const out = new Map(ctx.observed.taskDefinitionUsers);
  for (const s of ctx.observed.services.values()) {
    if (s.status !== 'ACTIVE') continue;
    for (const d of s.deployments) if (!out.has(d.taskDefinition)) out.set(d.taskDefinition, serviceKey(s.cluster, s.name));
  }
  return out;
}

/** The discovery names a live service has registered (its PRIMARY deployment's), by namespace ARN. */
export function publishedBy(s: LiveService, ctx: PlanContext): { published?: Published } {
  const primary = primaryDeployment(s);
  const namespace = namespaceArnFor(serviceConnectNamespaceOf(s), ctx.index);
  const discoveryNames = primary?.serviceConnectResources.map((r) => r.discoveryName) ?? [];
  return namespace !== undefined && discoveryNames.length > 0 ? { published: { namespace, discoveryNames } } : {};
}

/**
 * Namespaces something still uses, by ARN, each with who uses it. Cloud Map's ServiceCount counts
 * only the Cloud Map services ECS creates for client-server services, so a namespace only clients
 * resolve through shows 0 services: what declares it or runs in it is looked at instead.
 */
function namespacesInUse(desired: readonly DesiredResource[], ctx: PlanContext): Map<string, string> {
  const out = new Map<string, string>();
  const use = (ref: string | undefined, who: string): void => {
    const arn = namespaceArnFor(ref, ctx.index);
    if (arn !== undefined && !out.has(arn)) out.set(arn, who);
  };
  for (const r of desired) {
    if (r.kind === 'Service') use(serviceNamespaceRef(r, clusterDefaultNamespace(serviceCluster(r, ctx.opts.defaultCluster), ctx)), `${r.key} names it`);
    else if (r.kind === 'Cluster') use(r.spec.serviceConnectDefaults?.namespace, `${r.key} names it as its Service Connect default`);
  }
  for (const c of ctx.observed.clusters.values()) use(c.serviceConnectNamespace, `cluster ${c.name} has it as its Service Connect default`);
  for (const s of ctx.observed.services.values()) use(serviceConnectNamespaceOf(s), `service ${serviceKey(s.cluster, s.name)} runs in it`);
  for (const [ref, service] of ctx.observed.namespaceUsers) use(ref, `service ${service} runs in it`);
  return out;
}
