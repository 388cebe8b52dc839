/**
 * Planning an ECS cluster: create it, its Service Connect default namespace, settings and tags.
 * Pure.
 */
import type { DesiredResourceOf } from '../manifests/model.js';
import { asJson } from './canonical.js';
import { specJson } from './desired.js';
import { diffFields } from './diff.js';
import { containsDesired } from './normalize-service.js';
import { ownershipTags, tagChanges } from './ownership.js';
import { basePlan, conflicting, ecsTagList, namespaceArnFor, ownershipConflict, tagDiff, unreadable, type PlanContext } from './plan-context.js';
import { Phase, type ResourcePlan } from './plan-types.js';
import type { JsonObject } from './ports.js';

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
