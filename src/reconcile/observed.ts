/**
 * What the controller knows about live AWS state for one pass: plain data the pure planner reads.
 */
import type { ResourceKey } from '../manifests/model.js';
import type { OwedRedeploy } from './redeploys.js';
import type { DrainingPublisher } from './drains.js';
import type { FailedRollout, RolloutExpectation, RolloutVerdict } from './rollouts.js';
import type { Failure, LiveCluster, LiveLogGroup, LiveNamespace, LiveService, LiveTaskDefinition, TagMap } from './ports.js';

/** What is known about the task definition family of one TaskDefinition manifest. */
export interface TaskDefinitionObservation {
  /** An ACTIVE revision whose content hash equals the manifest's, when one is known. */
  matchingArn?: string;
  /** The newest ACTIVE revision, described, when it had to be looked at (no matching revision known). */
  latest?: LiveTaskDefinition;
}

export interface ObservedState {
  /** Every Cloud Map namespace in the account and Region. */
  namespaces: LiveNamespace[];
  /** Tags of namespaces, by ARN, for the namespaces the plan looks at. */
  namespaceTags: Map<string, TagMap>;
  /**
   * The CreatorRequestId of DNS namespaces whose manifest states a VPC, by namespace id (null when
   * it has none): Cloud Map returns no VPC, and ours encodes the one it was created for.
   */
  namespaceCreators: Map<string, string | null>;
  /** Clusters named by Cluster manifests, by name (missing ones absent). */
  clusters: Map<string, LiveCluster>;
  /** Services named by Service manifests, by `cluster/name` (missing and INACTIVE ones absent). */
  services: Map<string, LiveService>;
  /** Clusters that services target and that do not exist. */
  missingClusters: Set<string>;
  /** By TaskDefinition manifest key. */
  taskDefinitions: Map<string, TaskDefinitionObservation>;
  /** Task definitions services run now, by ARN, described only where a Service Connect port may change. */
  serviceTaskDefinitions: Map<string, LiveTaskDefinition>;
  /** Known content hashes of the task definitions services run, by ARN. */
  taskDefinitionHashes: Map<string, string>;
  /** Log groups looked up for this pass, by name (`null`: does not exist). */
  logGroups: Map<string, LiveLogGroup | null>;
  /** Owned resources no manifest declares, found only when pruning. */
  orphans: Orphans;
  /**
   * Namespaces (as the deployments name them: ARN or name) the PRIMARY deployments of services no
   * manifest declares use, with one such service (`cluster/name`); read only when pruning.
   */
  namespaceUsers: Map<string, string>;
  /**
   * Task definition revisions the deployments of ACTIVE services no manifest declares run, and this
   * pass does not delete, with one such service (`cluster/name`); read only when pruning.
   */
  taskDefinitionUsers: Map<string, string>;
  /** Services this process deleted that still hold their discovery names (DRAINING). */
  draining: DrainingPublisher[];
  /** Redeploys an earlier pass of this process owes (a cycle of calls whose redeploy did not happen). */
  owedRedeploys: OwedRedeploy[];
  /** Rollouts as the process's tracker knows them, by `cluster/service`. */
  rollouts: ObservedRollouts;
  /** Parts of live state that could not be read this pass; the resources they decide fail and retry. */
  unavailable: Unavailable;
}

/** What the rollout tracker knows at the start of a pass, for the planner. */
export interface ObservedRollouts {
  /** Specs whose rollout failed: held until the manifest changes. */
  failed: Map<string, FailedRollout>;
  /** Rollouts this process started and has not seen end, with the verdict of this pass's read. */
  inFlight: Map<string, { expectation: RolloutExpectation; verdict: RolloutVerdict }>;
}

export interface Unavailable {
  namespaces?: Failure;
  clusters?: Failure;
  servicesByCluster: Map<string, Failure>;
  /** By TaskDefinition manifest key. */
  taskDefinitions: Map<string, Failure>;
  logGroups: Map<string, Failure>;
  /** Orphan discovery for prune. */
  orphans?: Failure;
}

/** Whether any part of live state could not be read. */
export function anyUnavailable(u: Unavailable): boolean {
  return u.namespaces !== undefined || u.clusters !== undefined || u.orphans !== undefined || u.servicesByCluster.size > 0 || u.taskDefinitions.size > 0 || u.logGroups.size > 0;
}

export interface Orphans {
  services: LiveService[];
  /** Families whose newest revision carries our ownership tag, with their ACTIVE revision ARNs and that revision's tags. */
  taskDefinitionFamilies: { family: string; key: ResourceKey; arns: string[]; tags: TagMap }[];
  namespaces: { namespace: LiveNamespace; key: ResourceKey }[];
}

/** The map key of a service: `cluster/name`. */
export function serviceKey(cluster: string, name: string): string {
  return `${cluster}/${name}`;
}

/** The namespace a service's PRIMARY deployment runs Service Connect in, as the deployment names it (ARN or name). */
export function serviceConnectNamespaceOf(s: LiveService): string | undefined {
  const sc = s.deployments.find((d) => d.status === 'PRIMARY')?.serviceConnectConfiguration;
  return sc?.enabled === true && typeof sc.namespace === 'string' && sc.namespace !== '' ? sc.namespace : undefined;
}

/** An empty observation (nothing exists). */
export function emptyObservedState(): ObservedState {
  return {
    namespaces: [],
    namespaceTags: new Map(),
    namespaceCreators: new Map(),
    clusters: new Map(),
    services: new Map(),
    missingClusters: new Set(),
    taskDefinitions: new Map(),
    serviceTaskDefinitions: new Map(),
    taskDefinitionHashes: new Map(),
    logGroups: new Map(),
    orphans: { services: [], taskDefinitionFamilies: [], namespaces: [] },
    namespaceUsers: new Map(),
    taskDefinitionUsers: new Map(),
    draining: [],
    owedRedeploys: [],
    rollouts: { failed: new Map(), inFlight: new Map() },
    unavailable: { servicesByCluster: new Map(), taskDefinitions: new Map(), logGroups: new Map() },
  };
}
