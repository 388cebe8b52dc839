/**
 * What every kind's planner shares: the plan options, the facts of one pass indexed once, and the
 * small helpers that build a resource's plan (ownership, tags, unreadable state). Pure.
 */
import type { DesiredResource, DesiredResourceOf } from '../manifests/model.js';
import { indexTaskDefinitions, type DesiredTaskDefinition } from './desired.js';
import { dependencyGraph, type DependencyGraph } from './graph.js';
import type { FieldChange } from './diff.js';
import { namespaceIndex, type NamespaceIndex } from './normalize-service.js';
import type { ObservedState } from './observed.js';
import { ANNOTATION_ADOPT, asksToAdopt, ownershipOf, TAG_MANAGED_BY } from './ownership.js';
import type { ResourcePlan } from './plan-types.js';
import type { Failure, JsonObject, LiveDeployment, LiveService, TagMap } from './ports.js';

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

/** The facts of one pass, indexed once and read by every kind's planner. */
export interface PlanContext {
  opts: PlanOptions;
  observed: ObservedState;
  index: NamespaceIndex;
  taskDefinitions: Map<string, DesiredTaskDefinition>;
  /** Cluster manifests by cluster name. */
  declaredClusters: Map<string, DesiredResourceOf<'Cluster'>>;
  /** What depends on what among the declared resources (the graph the controller uses too). */
  graph: DependencyGraph;
}

/** Indexes the desired resources and the observation for one planning pass. */
export function planContext(desired: readonly DesiredResource[], observed: ObservedState, opts: PlanOptions): PlanContext {
  const index = namespaceIndex(observed.namespaces);
  return {
    opts,
    observed,
    index,
    taskDefinitions: indexTaskDefinitions(desired),
    declaredClusters: new Map(desired.flatMap((r) => (r.kind === 'Cluster' ? [[r.spec.clusterName, r] as const] : []))),
    graph: dependencyGraph(desired, { defaultCluster: opts.defaultCluster, namespaces: index, liveClusterDefault: (c) => observed.clusters.get(c)?.serviceConnectNamespace }),
  };
}

/** A resource's plan before anything is decided: unchanged, in sync. */
export function basePlan(r: DesiredResource, phase: number): ResourcePlan {
  return { key: r.key, kind: r.kind, name: r.name, outcome: 'unchanged', reason: 'in sync', changes: [], steps: [], dependsOn: [], phase, notes: [] };
}

/** The plan of a resource whose live state could not be read: it fails this pass (and is retried). */
export function unreadable(p: ResourcePlan, what: string, err: Failure): ResourcePlan {
  return { ...p, outcome: 'blocked', reason: `${what} could not be read: ${err.message}`, error: err };
}

/** Decides whether we may manage an existing resource; returns a conflict reason, or undefined when we may. */
export function ownershipConflict(r: DesiredResource, tags: TagMap, controllerId: string, what: string): string | undefined {
  const owner = ownershipOf(tags, controllerId);
  if (owner === 'ours') return undefined;
  if (owner === 'other-controller') {
    return `${what} exists and is managed by controller "${tags[TAG_MANAGED_BY] ?? ''}"; it is left alone (use another name, or run that controller)`;
  }
  if (asksToAdopt(r)) return undefined;
  return `${what} exists and is not managed by switchboard; it is left alone. To take it over, add the annotation ${ANNOTATION_ADOPT}: "true"`;
}

/** The plan of a resource someone else owns: left alone (Stalled, OwnershipConflict). */
export function conflicting(p: ResourcePlan, reason: string): ResourcePlan {
  return { ...p, outcome: 'conflict', reason, hold: { kind: 'stalled', reason: 'OwnershipConflict' } };
}

/** Tags as the ECS API lists them, sorted by key. */
export function ecsTagList(tags: TagMap): JsonObject[] {
  return Object.keys(tags)
    .sort()
    .map((key) => ({ key, value: tags[key] ?? '' }));
}

/** The field changes (`tags.<key>`) of a tag update. */
export function tagDiff(live: TagMap, t: { add: TagMap; remove: string[] }): FieldChange[] {
  const out: FieldChange[] = [];
  for (const [k, v] of Object.entries(t.add)) out.push({ path: `tags.${k}`, ...(live[k] !== undefined ? { old: live[k] } : {}), new: v });
  for (const k of t.remove) out.push({ path: `tags.${k}`, old: live[k] ?? '' });
  return out;
}

/** The namespace ARN a reference (name or ARN) stands for, or undefined for none. */
export function namespaceArnFor(ref: string | undefined, index: NamespaceIndex): string | undefined {
  return ref === undefined || ref === '' ? undefined : (index.arnOf(ref) ?? ref);
}

/** The cluster default namespace a service falls back to, from the Cluster manifest or the live cluster. */
export function clusterDefaultNamespace(cluster: string, ctx: PlanContext): string | undefined {
  return ctx.declaredClusters.get(cluster)?.spec.serviceConnectDefaults?.namespace ?? ctx.observed.clusters.get(cluster)?.serviceConnectNamespace;
}

/** The deployment AWS reports as PRIMARY (the one that carries the service's current configuration). */
export function primaryDeployment(s: LiveService): LiveDeployment | undefined {
  return s.deployments.find((d) => d.status === 'PRIMARY');
}
