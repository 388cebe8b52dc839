/**
 * What the controller knows about live AWS state for one pass: plain data the pure planner reads.
 */
import type { ResourceKey } from '../manifests/model.js';
import type { LiveCluster, LiveLogGroup, LiveNamespace, LiveService, LiveTaskDefinition, TagMap } from './ports.js';

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
  /** Rollouts that failed and were rolled back, by `cluster/service` (remembered across passes). */
  failedRollouts: Map<string, { taskDefinition: string; message: string }>;
  /** Parts of live state that could not be read this pass; the resources they decide fail and retry. */
  unavailable: Unavailable;
}

/** Why a read failed: the resources depending on it are reported failed with this error. */
export interface ReadError {
  message: string;
  code?: string;
  requestId?: string;
  category?: string;
}

export interface Unavailable {
  namespaces?: ReadError;
  clusters?: ReadError;
  servicesByCluster: Map<string, ReadError>;
  /** By TaskDefinition manifest key. */
  taskDefinitions: Map<string, ReadError>;
  logGroups: Map<string, ReadError>;
  /** Orphan discovery for prune. */
  orphans?: ReadError;
}

/** Whether any part of live state could not be read. */
export function anyUnavailable(u: Unavailable): boolean {
  return u.namespaces !== undefined || u.clusters !== undefined || u.orphans !== undefined || u.servicesByCluster.size > 0 || u.taskDefinitions.size > 0 || u.logGroups.size > 0;
}

/** A read error from anything thrown by an adapter. */
export function readError(err: unknown): ReadError {
  const e = err as { message?: unknown; code?: unknown; requestId?: unknown; category?: unknown };
  return {
    message: typeof e.message === 'string' ? e.message : String(err),
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(typeof e.requestId === 'string' ? { requestId: e.requestId } : {}),
    ...(typeof e.category === 'string' ? { category: e.category } : {}),
  };
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

/** An empty observation (nothing exists). */
export function emptyObservedState(): ObservedState {
  return {
    namespaces: [],
    namespaceTags: new Map(),
    clusters: new Map(),
    services: new Map(),
    missingClusters: new Set(),
    taskDefinitions: new Map(),
    serviceTaskDefinitions: new Map(),
    taskDefinitionHashes: new Map(),
    logGroups: new Map(),
    orphans: { services: [], taskDefinitionFamilies: [], namespaces: [] },
    failedRollouts: new Map(),
    unavailable: { servicesByCluster: new Map(), taskDefinitions: new Map(), logGroups: new Map() },
  };
}
