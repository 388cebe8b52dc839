/**
 * Lower bounds of each scenario, from AWS's published throttle quotas and the API's batch sizes,
 * with the arithmetic spelled out so the report can print it next to the measured figure.
 */
import { AWS_RATE_LIMITS } from '../../src/aws/pacing.js';
import type { OpCounts } from './measure.js';

/** The shape of a benchmark fleet (see test/helpers/fleet.ts: service i runs in cluster i mod C). */
export interface FleetShape {
  services: number;
  namespaces: number;
  clusters: number;
}

/** A bound and how it was computed. */
export interface Bound<T> {
  value: T;
  arithmetic: string;
}

/** Services per cluster, as `writeFleet` spreads them. */
export function servicesPerCluster(shape: FleetShape): number[] {
  return Array.from({ length: shape.clusters }, (_, c) => Math.floor(shape.services / shape.clusters) + (c < shape.services % shape.clusters ? 1 : 0));
}

// DescribeServices takes at most 10 services, DescribeClusters 100 clusters, ListNamespaces 100 per page:
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServices.html
const SERVICES_PER_DESCRIBE = 10;
const CLUSTERS_PER_DESCRIBE = 100;
const NAMESPACES_PER_PAGE = 100;

/**
 * Reads of a pass with nothing to change: ceil(N_c/10) DescribeServices per cluster, one
 * ListNamespaces page per 100 namespaces, and one DescribeClusters per 100 declared clusters (the
 * fleet declares its clusters as manifests, and a declared cluster's settings are compared too).
 */
export function steadyStateCalls(shape: FleetShape): Bound<OpCounts> {
  const per = servicesPerCluster(shape);
  const describes = per.reduce((sum, n) => sum + Math.ceil(n / SERVICES_PER_DESCRIBE), 0);
  const pages = Math.ceil(shape.namespaces / NAMESPACES_PER_PAGE);
  const clusters = Math.ceil(shape.clusters / CLUSTERS_PER_DESCRIBE);
  return {
    value: { 'ecs:DescribeClusters': clusters, 'ecs:DescribeServices': describes, 'servicediscovery:ListNamespaces': pages },
    arithmetic: `DescribeServices ${per.map((n) => `ceil(${n}/10)`).join(' + ')} = ${describes}; ListNamespaces ceil(${shape.namespaces}/100) = ${pages}; DescribeClusters ceil(${shape.clusters}/100) = ${clusters}; writes 0`,
  };
}

/** Total of a bound's calls. */
export function total(ops: OpCounts): number {
  return Object.values(ops).reduce((a, b) => a + b, 0);
}

/**
 * The time floor of a cold converge: N RegisterTaskDefinition at 1/s after a burst of 20, N
 * CreateService at 5/s after a burst of 50 (a service can be created as soon as its revision
 * exists, so the two overlap), the namespace operation (services need their namespace), and one
 * round trip for the last registration plus one for its service.
 */
export function coldConvergeFloor(shape: FleetShape, namespaceOperationMs: number, latencyFixedMs: number): Bound<number> {
  const td = AWS_RATE_LIMITS['ecs.taskDefinitionWrite'] ?? { burst: 20, ratePerSecond: 1 };
  const svc = AWS_RATE_LIMITS['ecs.serviceWrite'] ?? { burst: 50, ratePerSecond: 5 };
  const n = shape.services;
  const tdFloor = Math.max(0, n - td.burst) / td.ratePerSecond;
  const svcFloor = Math.max(0, n - svc.burst) / svc.ratePerSecond;
  const ns = namespaceOperationMs / 1000;
  const rtt = (2 * latencyFixedMs) / 1000;
  const value = Math.max(tdFloor, svcFloor, ns) + rtt;
  return {
    value,
    arithmetic: `max(RegisterTaskDefinition (${n}-${td.burst})/${td.ratePerSecond}/s = ${tdFloor.toFixed(0)} s, CreateService (${n}-${svc.burst})/${svc.ratePerSecond}/s = ${svcFloor.toFixed(0)} s, namespace operation ${ns.toFixed(1)} s) + 2 x ${latencyFixedMs} ms = ${value.toFixed(1)} s`,
  };
}

/**
 * What a cold converge would cost applied in phases, for comparison with the floor and with the
 * dependency-graph executor: ListTaskDefinitions per family (20/s after a burst of 50), then the
 * namespace operation, then all task definitions (1/s after 20), then all services (5/s after 50),
 * each phase waiting for the one before. The pacer keeps 1-2 tokens of each burst for jitter.
 */
export function phasedColdConverge(shape: FleetShape, namespaceOperationMs: number): Bound<number> {
  const n = shape.services;
  const list = Math.max(0, n - 48) / 20;
  const td = Math.max(0, n - 19) / 1;
  const svc = Math.max(0, n - 49) / 5;
  const ns = namespaceOperationMs / 1000;
  const value = list + ns + td + svc;
  return {
    value,
    arithmetic: `ListTaskDefinitions (${n}-48)/20/s = ${list.toFixed(1)} s + namespace ${ns.toFixed(1)} s + RegisterTaskDefinition (${n}-19)/1/s = ${td.toFixed(0)} s + CreateService (${n}-49)/5/s = ${svc.toFixed(1)} s = ${value.toFixed(1)} s`,
  };
}

/** The writes of a cold converge: one per resource (namespaces, clusters, task definitions, services). */
export function coldConvergeWrites(shape: FleetShape): Bound<number> {
  const value = shape.namespaces + shape.clusters + 2 * shape.services;
  return { value, arithmetic: `${shape.namespaces} namespaces + ${shape.clusters} clusters + ${shape.services} task definitions + ${shape.services} services = ${value}` };
}

/** One manifest's image changed: one RegisterTaskDefinition, one UpdateService, one TagResource (the service's task-definition tag). */
export function oneChangeWrites(): Bound<OpCounts> {
  return {
    value: { 'ecs:RegisterTaskDefinition': 1, 'ecs:TagResource': 1, 'ecs:UpdateService': 1 },
    arithmetic: 'RegisterTaskDefinition 1 + UpdateService 1 + TagResource 1 (the service records its revision and content hash) = 3 writes; reads: 1 DescribeServices + 1 ListNamespaces',
  };
}

/** Reads of a one-service pass: its DescribeServices batch and the namespace list. */
export const ONE_CHANGE_READS = 2;

/** Drift on K services: K UpdateService, and the reads of a steady-state pass. */
export function driftCalls(shape: FleetShape, k: number): Bound<OpCounts> {
  const steady = steadyStateCalls(shape);
  return { value: { ...steady.value, 'ecs:UpdateService': k }, arithmetic: `${steady.arithmetic}; plus UpdateService x K = ${k}` };
}

/** S3 polling: one ListObjectsV2 page per 1,000 keys, no GetObject when nothing changed. */
export function s3PollCalls(keys: number): Bound<{ listPages: number; gets: number }> {
  const pages = Math.max(1, Math.ceil(keys / 1000));
  return { value: { listPages: pages, gets: 0 }, arithmetic: `ListObjectsV2 ceil(${keys} keys / 1000) = ${pages} page(s) per poll; GetObject 0` };
}

// ListServices returns at most 100 ARNs a page:
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListServices.html
const SERVICES_PER_LIST = 100;

/**
 * The reads of `import` on a benchmark fleet (one family per service): per cluster ceil(N_c/100)
 * ListServices and ceil(N_c/10) DescribeServices, one DescribeTaskDefinition per family, one
 * DescribeClusters, one ListNamespaces page, and the tags of each namespace the services use.
 */
export function importCalls(shape: FleetShape): Bound<OpCounts> {
  const per = servicesPerCluster(shape);
  const lists = per.reduce((sum, n) => sum + Math.max(1, Math.ceil(n / SERVICES_PER_LIST)), 0);
  const describes = per.reduce((sum, n) => sum + Math.ceil(n / SERVICES_PER_DESCRIBE), 0);
  const families = shape.services;
  const namespaces = Math.min(shape.namespaces, shape.services);
  return {
    value: {
      'ecs:DescribeClusters': Math.ceil(shape.clusters / CLUSTERS_PER_DESCRIBE),
      'ecs:DescribeServices': describes,
      'ecs:DescribeTaskDefinition': families,
      'ecs:ListServices': lists,
      'servicediscovery:ListNamespaces': Math.ceil(shape.namespaces / NAMESPACES_PER_PAGE),
      'servicediscovery:ListTagsForResource': namespaces,
    },
    arithmetic: `ListServices ${per.map((n) => `ceil(${n}/100)`).join(' + ')} = ${lists}; DescribeServices ${per.map((n) => `ceil(${n}/10)`).join(' + ')} = ${describes}; DescribeTaskDefinition one per family = ${families}; DescribeClusters 1; ListNamespaces 1; namespace tags ${namespaces}`,
  };
}

/**
 * The time floor of `import`: its reads at AWS's refill rates (task-definition reads 20/s after a
 * burst of 50; service reads 20/s after 100), whichever bucket takes longest, plus one round trip.
 */
export function importFloor(shape: FleetShape, latencyFixedMs: number): Bound<number> {
  const calls = importCalls(shape).value;
  const tdRead = AWS_RATE_LIMITS['ecs.taskDefinitionRead'] ?? { burst: 50, ratePerSecond: 20 };
  const svcRead = AWS_RATE_LIMITS['ecs.serviceRead'] ?? { burst: 100, ratePerSecond: 20 };
  const tds = calls['ecs:DescribeTaskDefinition'] ?? 0;
  const services = (calls['ecs:ListServices'] ?? 0) + (calls['ecs:DescribeServices'] ?? 0);
  const tdFloor = Math.max(0, tds - tdRead.burst) / tdRead.ratePerSecond;
  const svcFloor = Math.max(0, services - svcRead.burst) / svcRead.ratePerSecond;
  const value = Math.max(tdFloor, svcFloor) + latencyFixedMs / 1000;
  return {
    value,
    arithmetic: `max(DescribeTaskDefinition (${tds}-${tdRead.burst})/${tdRead.ratePerSecond}/s = ${tdFloor.toFixed(1)} s, service reads (${services}-${svcRead.burst})/${svcRead.ratePerSecond}/s = ${svcFloor.toFixed(1)} s) + ${latencyFixedMs} ms = ${value.toFixed(1)} s`,
  };
}
