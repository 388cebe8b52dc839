/**
 * Service Connect endpoints a pass adds, and what that means for the services already running:
 * tasks resolve only the endpoints that existed when they started
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-concepts.html).
 * Pure.
 */
import type { DesiredResourceOf, ResourceKey } from '../manifests/model.js';
import { isJsonObject } from './canonical.js';
import { containerText, endpointLabel, namesEndpoint, stronglyConnected, type Endpoint } from './endpoint-references.js';
import { frozenSpec, serviceCluster } from './desired.js';
import { canonicalServiceConnect, isServer } from './normalize-service.js';
import { serviceKey } from './observed.js';
import { ANNOTATION_REDEPLOY } from './ownership.js';
import { clusterDefaultNamespace, primaryDeployment, type PlanContext } from './plan-context.js';
import { Phase, type ResourcePlan } from './plan-types.js';
import type { JsonObject } from './ports.js';

/** Endpoints a canonical Service Connect configuration publishes: its client aliases, or the discovery name of a service without any. */
export function endpointsOf(sc: JsonObject): Endpoint[] {
  const out: Endpoint[] = [];
  for (const s of Array.isArray(sc.services) ? sc.services : []) {
    if (!isJsonObject(s)) continue;
    for (const a of Array.isArray(s.clientAliases) ? s.clientAliases : []) {
      if (isJsonObject(a)) out.push({ dnsName: String(a.dnsName), ...(typeof a.port === 'number' ? { port: a.port } : {}) });
    }
    if (!Array.isArray(s.clientAliases) || s.clientAliases.length === 0) out.push({ dnsName: String(s.discoveryName) });
  }
  return out;
}

/** A server this pass creates or updates, with the endpoints it adds (none when it adds none). */
interface Publisher {
  key: ResourceKey;
  /** The namespace its Service Connect configuration is in (ARN, or name before it exists). */
  namespace: string;
  added: Endpoint[];
}

/**
 * The endpoints live services publish now, by namespace (as the deployments name it): an endpoint
 * one of them publishes already exists, whoever publishes it next (a server renamed with the same
 * discovery name and alias).
 */
function liveEndpoints(ctx: PlanContext): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  // Services no manifest declares any more (read when pruning) publish until they are deleted.
  for (const s of [...ctx.observed.services.values(), ...ctx.observed.orphans.services]) {
    if (s.status !== 'ACTIVE') continue;
    const sc = canonicalServiceConnect(primaryDeployment(s)?.serviceConnectConfiguration, ctx.index, clusterDefaultNamespace(s.cluster, ctx));
    if (!isServer(sc)) continue;
    const ns = String(sc.namespace ?? '');
    const set = out.get(ns) ?? new Set<string>();
    for (const e of endpointsOf(sc)) set.add(endpointLabel(e));
    out.set(ns, set);
  }
  return out;
}

function publishers(services: readonly DesiredResourceOf<'Service'>[], plans: ReadonlyMap<string, ResourcePlan>, ctx: PlanContext): Publisher[] {
  const out: Publisher[] = [];
  const existing = liveEndpoints(ctx);
  for (const r of services) {
    const p = plans.get(r.key);
    if (!p || (p.outcome !== 'create' && p.outcome !== 'update' && p.outcome !== 'replace')) continue;
    const cluster = serviceCluster(r, ctx.opts.defaultCluster);
    const defaultNs = clusterDefaultNamespace(cluster, ctx);
    const desiredSc = canonicalServiceConnect(frozenSpec(r).serviceConnectConfiguration, ctx.index, defaultNs);
    if (!isServer(desiredSc)) continue;
    const namespace = String(desiredSc.namespace ?? '');
    const before = existing.get(namespace) ?? new Set<string>();
    const added = endpointsOf(desiredSc).filter((e) => !before.has(endpointLabel(e)));
    out.push({ key: r.key, namespace, added });
  }
  return out;
}

/** New endpoints by namespace, with the servers that publish them. */
type NewEndpoints = Map<string, { added: Endpoint[]; servers: ResourceKey[] }>;

function byNamespace(servers: readonly Publisher[]): NewEndpoints {
  const out: NewEndpoints = new Map();
  for (const s of servers) {
    if (s.added.length === 0) continue;
    const entry = out.get(s.namespace) ?? { added: [], servers: [] };
    entry.added.push(...s.added);
    entry.servers.push(s.key);
    out.set(s.namespace, entry);
  }
  return out;
}

/**
 * Plans Service Connect endpoints a pass adds: the order of the servers that call each other's new
 * endpoints (see planServerOrder), and the running services that will not see them.
 */
export function planNewEndpoints(services: readonly DesiredResourceOf<'Service'>[], plans: Map<string, ResourcePlan>, ctx: PlanContext, notes: string[]): void {
  planOwedRedeploys(services, plans, ctx);
  const servers = publishers(services, plans, ctx);
  planServerOrder(services, servers, plans, ctx);
  // Only a server this pass deploys adds its endpoints now (one waiting for a drain adds them later).
  const deploying = servers.filter((s) => {
    const p = plans.get(s.key);
    return p !== undefined && deploys(p);
  });
  planRunningServices(services, byNamespace(deploying), plans, ctx, notes);
}

/**
 * The redeploys an earlier pass owes (redeploys.ts): a server of a cycle of calls whose redeploy
 * failed or never ran still runs the deployment that started too early, so it is redeployed now —
 * unless this pass deploys it anyway.
 */
function planOwedRedeploys(services: readonly DesiredResourceOf<'Service'>[], plans: Map<string, ResourcePlan>, ctx: PlanContext): void {
  for (const owed of ctx.observed.owedRedeploys) {
    const r = services.find((s) => s.key === owed.key);
    const p = plans.get(owed.key);
    const live = ctx.observed.services.get(serviceKey(owed.cluster, owed.service));
    if (!r || !p || !live || deploys(p) || (p.outcome !== 'unchanged' && p.outcome !== 'update')) continue;
    p.outcome = 'update';
    p.reason = `redeploying so its tasks resolve ${owed.endpoints.join(', ')}: the redeploy after the rollouts of the servers it calls, which call it too, did not happen`;
    p.steps.push({ op: 'updateService', input: { cluster: owed.cluster, service: owed.service, forceNewDeployment: true }, arn: live.arn });
  }
}

/** Whether a plan starts a new deployment of its service (creates, replaces or updates it). */
function deploys(p: ResourcePlan): boolean {
  return p.steps.some((s) => s.op === 'updateService' || s.op === 'createService');
}

/**
 * Orders the servers of this pass by the endpoints they call: S calls T when S's task definition
 * names an endpoint T adds in this pass (see namesEndpoint). Where the calls form no cycle, S is
 * applied after T's rollout is ready, so its tasks start once T's endpoint exists; servers in a
 * cycle go together and are redeployed after the pass, once all of their rollouts are ready.
 */
function planServerOrder(services: readonly DesiredResourceOf<'Service'>[], servers: readonly Publisher[], plans: Map<string, ResourcePlan>, ctx: PlanContext): void {
  const deploying = (s: Publisher): boolean => {
    const p = plans.get(s.key);
    return p !== undefined && deploys(p);
  };
  const adding = servers.filter((s) => s.added.length > 0 && deploying(s));
  if (adding.length === 0) return;
  const byKey = new Map(services.map((r) => [r.key, r]));
  const calls = new Map<ResourceKey, Map<ResourceKey, Endpoint[]>>();
  for (const s of servers) {
    const r = byKey.get(s.key);
    if (!r || !deploying(s)) continue;
    const text = containerText(ctx.taskDefinitions.get(r.spec.taskDefinition ?? '')?.resource);
    if (text === '') continue;
    const namespaceName = ctx.index.nameOf(s.namespace) ?? s.namespace;
    for (const t of adding) {
      if (t.key === s.key || t.namespace !== s.namespace) continue;
      const named = t.added.filter((e) => namesEndpoint(text, e, namespaceName));
      if (named.length === 0) continue;
      const out = calls.get(s.key) ?? new Map<ResourceKey, Endpoint[]>();
      out.set(t.key, named);
      calls.set(s.key, out);
    }
  }
  if (calls.size === 0) return;
  const nodes = servers.map((s) => s.key);
  const edges = new Map([...calls].map(([s, targets]) => [s, [...targets.keys()]]));
  for (const component of stronglyConnected(nodes, edges)) {
    const inCycle = new Set(component.length > 1 ? component : []);
    for (const key of component) {
      const targets = calls.get(key);
      const p = plans.get(key);
      if (!targets || !p) continue;
      const after = [...targets.keys()].filter((t) => !inCycle.has(t));
      const peers = [...targets].filter(([t]) => inCycle.has(t));
      const endpoints = peers.flatMap(([, named]) => named.map(endpointLabel));
      p.endpointOrder = { after, ...(peers.length > 0 ? { redeploy: { cycle: component, endpoints } } : {}) };
      p.dependsOn.push(...after.filter((t) => !p.dependsOn.includes(t)));
      for (const t of after) {
        p.notes.push(`waits for the rollout of ${t} first: it calls ${(targets.get(t) ?? []).map(endpointLabel).join(', ')}, which this pass adds, and tasks resolve only the endpoints that exist when they start`);
      }
      if (peers.length > 0) {
        p.notes.push(`redeployed once the rollouts of ${component.join(', ')} are ready: they call each other's new endpoints, so its first tasks may start before ${endpoints.join(', ')} exist`);
      }
    }
  }
}

/**
 * Notes the running services a new endpoint will not reach, and redeploys, once the servers that
 * add them are ready, the ones whose task definition calls one of them (the same reading as
 * planServerOrder) or that ask for it (annotation `switchboard.dev/redeploy-on-new-endpoints`).
 */
function planRunningServices(services: readonly DesiredResourceOf<'Service'>[], added: NewEndpoints, plans: Map<string, ResourcePlan>, ctx: PlanContext, notes: string[]): void {
  if (added.size === 0) return;
  for (const r of services) {
    const p = plans.get(r.key);
    const cluster = serviceCluster(r, ctx.opts.defaultCluster);
    const live = ctx.observed.services.get(serviceKey(cluster, r.name));
    if (!p || !live || deploys(p)) continue;
    const sc = canonicalServiceConnect(primaryDeployment(live)?.serviceConnectConfiguration, ctx.index, clusterDefaultNamespace(cluster, ctx));
    const entry = added.get(String(sc.namespace ?? ''));
    if (sc.enabled !== true || !entry) continue;
    const unseen = entry.added.map(endpointLabel);
    const namespaceName = ctx.index.nameOf(String(sc.namespace ?? '')) ?? String(sc.namespace ?? '');
    const text = containerText(ctx.taskDefinitions.get(r.spec.taskDefinition ?? '')?.resource);
    const called = text === '' ? [] : entry.added.filter((e) => namesEndpoint(text, e, namespaceName)).map(endpointLabel);
    const annotated = r.metadata.annotations?.[ANNOTATION_REDEPLOY] === 'true';
    if (called.length > 0 || annotated) {
      p.outcome = 'update';
      p.reason =
        called.length > 0
          ? `redeploying so its tasks resolve ${called.join(', ')}, which its task definition calls and this pass adds (tasks resolve only the endpoints that exist when they start)`
          : `redeploying so its tasks see the new endpoints ${unseen.join(', ')} (${ANNOTATION_REDEPLOY})`;
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
