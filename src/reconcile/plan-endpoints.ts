/**
 * Service Connect endpoints a pass adds, and what that means for the services already running:
 * tasks resolve only the endpoints that existed when they started
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-concepts.html).
 * Pure.
 */
import type { DesiredResourceOf, ResourceKey } from '../manifests/model.js';
import { isJsonObject } from './canonical.js';
import { frozenSpec, serviceCluster } from './desired.js';
import { canonicalServiceConnect, isServer } from './normalize-service.js';
import { serviceKey } from './observed.js';
import { ANNOTATION_REDEPLOY } from './ownership.js';
import { clusterDefaultNamespace, primaryDeployment, type PlanContext } from './plan-context.js';
import { Phase, type ResourcePlan } from './plan-types.js';
import type { JsonObject } from './ports.js';

/** Endpoints (`dnsName:port`) a canonical Service Connect configuration publishes. */
export function endpointsOf(sc: JsonObject): string[] {
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

/** New endpoints by namespace ARN, with the servers that publish them. */
type NewEndpoints = Map<string, { endpoints: string[]; servers: ResourceKey[] }>;

function newEndpoints(services: readonly DesiredResourceOf<'Service'>[], plans: ReadonlyMap<string, ResourcePlan>, ctx: PlanContext): NewEndpoints {
  const out: NewEndpoints = new Map();
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
    const entry = out.get(ns) ?? { endpoints: [], servers: [] };
    entry.endpoints.push(...added);
    entry.servers.push(r.key);
    out.set(ns, entry);
  }
  return out;
}

/**
 * Notes the running services a new endpoint will not reach, and redeploys the ones that ask for it
 * (annotation `switchboard.dev/redeploy-on-new-endpoints`).
 */
export function planNewEndpoints(services: readonly DesiredResourceOf<'Service'>[], plans: Map<string, ResourcePlan>, ctx: PlanContext, notes: string[]): void {
  const added = newEndpoints(services, plans, ctx);
  if (added.size === 0) return;
  for (const r of services) {
    const p = plans.get(r.key);
    const cluster = serviceCluster(r, ctx.opts.defaultCluster);
    const live = ctx.observed.services.get(serviceKey(cluster, r.name));
    if (!p || !live || p.steps.some((s) => s.op === 'updateService' || s.op === 'createService')) continue;
    const sc = canonicalServiceConnect(primaryDeployment(live)?.serviceConnectConfiguration, ctx.index, clusterDefaultNamespace(cluster, ctx));
    const entry = added.get(String(sc.namespace ?? ''));
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
