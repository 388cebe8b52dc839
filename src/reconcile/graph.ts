/**
 * The one dependency graph between declared resources: a Service depends on its TaskDefinition,
 * its Service Connect namespace (named, or its cluster's default) and its Cluster; a Cluster on its
 * default namespace. The controller uses it to pick what a partial pass must include and what a
 * change re-checks; the planner to order a pass. Pure.
 */
import type { DesiredResource, DesiredResourceOf, ResourceKey } from '../manifests/model.js';
import { isArn } from '../util/arn.js';
import { serviceCluster } from './desired.js';
import type { NamespaceIndex } from './normalize-service.js';

/** key -> the declared keys it depends on. */
export type DependencyGraph = ReadonlyMap<ResourceKey, readonly ResourceKey[]>;

export interface GraphOptions {
  /** The cluster of Services that name none. */
  defaultCluster: string;
  /** Live namespaces, so a reference by ARN finds the Namespace manifest of that name. */
  namespaces?: NamespaceIndex;
  /** The default namespace of a cluster no manifest declares (what AWS reports), if known. */
  liveClusterDefault?: (cluster: string) => string | undefined;
}

/** The declared resources indexed the way references name them. */
interface Declared {
  taskDefinitions: Map<string, ResourceKey>;
  namespaces: Map<string, ResourceKey>;
  clusters: Map<string, DesiredResourceOf<'Cluster'>>;
}

function declared(resources: readonly DesiredResource[]): Declared {
  const out: Declared = { taskDefinitions: new Map(), namespaces: new Map(), clusters: new Map() };
  for (const r of resources) {
    if (r.kind === 'TaskDefinition') out.taskDefinitions.set(r.name, r.key);
    else if (r.kind === 'Namespace') out.namespaces.set(r.name, r.key);
    else if (r.kind === 'Cluster') out.clusters.set(r.spec.clusterName, r);
  }
  return out;
}

/** The Namespace manifest a namespace reference (name or ARN) stands for. */
function namespaceKey(ref: string | undefined, d: Declared, options: GraphOptions): ResourceKey | undefined {
  if (ref === undefined || ref === '') return undefined;
  const name = options.namespaces?.nameOf(ref) ?? (isArn(ref) ? undefined : ref);
  return name === undefined ? undefined : d.namespaces.get(name);
}

/** The namespace a Service's Service Connect configuration uses: the one it names, or its cluster's default. */
export function serviceNamespaceRef(r: DesiredResourceOf<'Service'>, clusterDefault: string | undefined): string | undefined {
  const sc = r.spec.serviceConnectConfiguration;
  if (sc === undefined) return undefined;
  return sc.namespace ?? (sc.enabled ? clusterDefault : undefined);
}

function dependenciesOf(r: DesiredResource, d: Declared, options: GraphOptions): ResourceKey[] {
  const out: ResourceKey[] = [];
  const push = (key: ResourceKey | undefined): void => {
    if (key !== undefined && !out.includes(key)) out.push(key);
  };
  switch (r.kind) {
    case 'Service': {
      if (r.spec.taskDefinition !== undefined) push(d.taskDefinitions.get(r.spec.taskDefinition));
      const cluster = serviceCluster(r, options.defaultCluster);
      const declaredCluster = d.clusters.get(cluster);
      const clusterDefault = declaredCluster?.spec.serviceConnectDefaults?.namespace ?? options.liveClusterDefault?.(cluster);
      push(namespaceKey(serviceNamespaceRef(r, clusterDefault), d, options));
      push(declaredCluster?.key);
      return out;
    }
    case 'Cluster':
      push(namespaceKey(r.spec.serviceConnectDefaults?.namespace, d, options));
      return out;
    case 'Namespace':
    case 'TaskDefinition':
      return out;
    default: {
      const never: never = r;
      throw new Error(`unknown kind ${String(never)}`);
    }
  }
}

/** The dependency graph of the declared resources. */
export function dependencyGraph(resources: readonly DesiredResource[], options: GraphOptions): Map<ResourceKey, ResourceKey[]> {
  const d = declared(resources);
  return new Map(resources.map((r) => [r.key, dependenciesOf(r, d, options)]));
}

/** The keys and everything they depend on, transitively (only keys the graph holds). */
export function withDependencies(keys: Iterable<ResourceKey>, graph: DependencyGraph): Set<ResourceKey> {
  const out = new Set<ResourceKey>();
  const visit = (k: ResourceKey): void => {
    if (out.has(k) || !graph.has(k)) return;
    out.add(k);
    for (const dep of graph.get(k) ?? []) visit(dep);
  };
  for (const k of keys) visit(k);
  return out;
}
