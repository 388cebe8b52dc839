/**
 * Planning an ECS cluster: create it; its Service Connect default namespace, settings and
 * configuration (UpdateCluster); its capacity providers and default strategy
 * (PutClusterCapacityProviders); its tags. Pure.
 */
import type { DesiredResourceOf } from '../manifests/model.js';
import { asJson, jsonEqual, sortByField, sortPrimitives } from './canonical.js';
import { specJson } from './desired.js';
import { diffFields } from './diff.js';
import { containsDesired, statedPart } from './normalize-service.js';
import { ownershipTags, tagChanges } from './ownership.js';
import { basePlan, conflicting, ecsTagList, namespaceArnFor, ownershipConflict, tagDiff, unreadable, type PlanContext } from './plan-context.js';
import { Phase, type ResourcePlan } from './plan-types.js';
import type { JsonObject, JsonValue, LiveCluster } from './ports.js';

/** Plans one Cluster manifest against the clusters observed. */
export function planCluster(r: DesiredResourceOf<'Cluster'>, ctx: PlanContext): ResourcePlan {
  const { observed, opts, index } = ctx;
  const p = basePlan(r, Phase.cluster);
  p.dependsOn.push(...(ctx.graph.get(r.key) ?? []));
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
  if (conflict) return conflicting(p, conflict);
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
  // DescribeClusters returns `configuration` with include CONFIGURATIONS (the observer asks for it).
  const liveConfiguration = live.raw?.configuration;
  if (spec.configuration !== undefined && !containsDesired(spec.configuration, liveConfiguration, 'configuration')) {
    p.changes.push(...diffFields('configuration', statedPart(spec.configuration, liveConfiguration), spec.configuration));
    update.configuration = spec.configuration;
  }
  // Tags first: a cluster being adopted carries this controller's tag before anything else changes
  // it, as an IAM policy that lets the controller change only what it owns requires.
  const t = tagChanges(live.tags, desiredTags, r.spec.tags !== undefined);
  if (Object.keys(t.add).length > 0 || t.remove.length > 0) {
    p.changes.push(...tagDiff(live.tags, t));
    p.steps.push({ op: 'tagEcs', arn: live.arn, add: t.add, remove: t.remove });
  }
  if (Object.keys(update).length > 0) p.steps.push({ op: 'updateCluster', input: { cluster: r.spec.clusterName, ...update } });
  planCapacityProviders(spec, live, p);
  if (p.steps.length > 0) {
    p.outcome = 'update';
    p.reason = 'cluster differs from its manifest';
  }
  return p;
}

function listOf(value: JsonValue | undefined): JsonValue[] {
  return Array.isArray(value) ? value : [];
}

/**
 * Capacity providers and the default strategy, both returned by DescribeClusters
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Cluster.html). Providers are a
 * set; the strategy is compared per provider on the members the manifest states. A change is one
 * PutClusterCapacityProviders, which takes both lists and replaces both, so the list the manifest
 * leaves out is sent as it is live
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PutClusterCapacityProviders.html).
 */
function planCapacityProviders(spec: JsonObject, live: LiveCluster, p: ResourcePlan): void {
  const liveProviders = listOf(live.raw?.capacityProviders);
  const liveStrategy = listOf(live.raw?.defaultCapacityProviderStrategy);
  const wantProviders = spec.capacityProviders;
  const wantStrategy = spec.defaultCapacityProviderStrategy;
  const providersDiffer = Array.isArray(wantProviders) && !jsonEqual(sortPrimitives(wantProviders), sortPrimitives(liveProviders));
  const byProvider = (list: JsonValue[]): JsonValue[] => sortByField(list, 'capacityProvider');
  const strategyDiffers = Array.isArray(wantStrategy) && !containsDesired(byProvider(wantStrategy), byProvider(liveStrategy), 'defaultCapacityProviderStrategy');
  if (!providersDiffer && !strategyDiffers) return;
  if (providersDiffer) p.changes.push(...diffFields('capacityProviders', liveProviders, wantProviders));
  if (strategyDiffers) p.changes.push(...diffFields('defaultCapacityProviderStrategy', statedPart(wantStrategy, liveStrategy), wantStrategy));
  p.steps.push({
    op: 'putClusterCapacityProviders',
    input: { cluster: live.name, capacityProviders: Array.isArray(wantProviders) ? wantProviders : liveProviders, defaultCapacityProviderStrategy: Array.isArray(wantStrategy) ? wantStrategy : liveStrategy },
  });
}
