/**
 * Reads the live fleet `import` writes manifests for, through the reconciler's ports, in as few
 * calls as AWS allows: ListServices by 100, DescribeServices by 10 (tags included), one
 * DescribeTaskDefinition per family (by family name, which answers the newest ACTIVE revision) and
 * one more only for a revision a service runs that is not its family's newest, ListNamespaces once,
 * and the tags of the namespaces the imported resources use.
 */
import { DESCRIBE_SERVICES_BATCH, type AwsPorts, type LiveCluster, type LiveNamespace, type LiveService, type LiveTaskDefinition, type TagMap } from '../reconcile/ports.js';
import { accountOf, familyOf, lastSegment } from '../util/arn.js';
import { chunks } from '../util/chunks.js';
import { mapLimit } from '../util/concurrency.js';
import { compareCodeUnits } from '../util/order.js';

/** What to import: clusters, and optionally only some services or only the users of some namespaces. */
export interface ImportSelection {
  clusters: readonly string[];
  /** Service names; every ACTIVE service of the clusters when empty. */
  services: readonly string[];
  /** Namespace names or ARNs; keeps only services whose Service Connect uses one of them. */
  namespaces: readonly string[];
}

/** Live state as `import` needs it. */
export interface LiveFleet {
  clusters: LiveCluster[];
  /** ACTIVE services of the selection, by cluster then name. */
  services: LiveService[];
  /** Described task definitions by ARN: the revisions the services run, and each family's newest ACTIVE one. */
  taskDefinitions: Map<string, LiveTaskDefinition>;
  /** The newest ACTIVE revision ARN of each family a service runs (null: the family has none). */
  latestRevisions: Map<string, string | null>;
  /** Every namespace of the account and Region (names and ARNs resolve through them). */
  namespaces: LiveNamespace[];
  /** Tags of the namespaces the services and clusters use, by ARN. */
  namespaceTags: Map<string, TagMap>;
}

/** Where reading has got to: `done` of `total` in a phase. */
export interface ReadProgress {
  phase: 'services' | 'task definitions';
  done: number;
  total: number;
}

export interface ReadOptions {
  /** Reads in flight at once (they are paced at AWS's rates by the adapters). */
  concurrency: number;
  onProgress?: (progress: ReadProgress) => void;
}

/** A selection that names something AWS does not have. */
export class ImportSelectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportSelectionError';
  }
}

/** Whether a service runs a task definition of another account than its own (named by ARN). */
export function runsForeignTaskDefinition(service: LiveService): boolean {
  const own = accountOf(service.arn);
  const td = accountOf(service.taskDefinition);
  return own !== undefined && td !== undefined && own !== td;
}

function primaryNamespace(service: LiveService): string | undefined {
  const sc = service.deployments.find((d) => d.status === 'PRIMARY')?.serviceConnectConfiguration;
  return sc && sc.enabled === true && typeof sc.namespace === 'string' ? sc.namespace : undefined;
}


async function readServices(ports: AwsPorts, selection: ImportSelection, options: ReadOptions): Promise<LiveService[]> {
  const wanted: { cluster: string; names: string[] }[] = [];
  for (const cluster of selection.clusters) {
    const names = selection.services.length > 0 ? [...selection.services] : (await ports.ecs.listServiceArns(cluster)).map(lastSegment);
    wanted.push({ cluster, names });
  }
  const work = wanted.flatMap((w) => chunks(w.names, DESCRIBE_SERVICES_BATCH).map((names) => ({ cluster: w.cluster, names })));
  const total = wanted.reduce((n, w) => n + w.names.length, 0);
  let done = 0;
  const found = await mapLimit(work, options.concurrency, async (b) => {
    const res = await ports.ecs.describeServices(b.cluster, b.names);
    done += b.names.length;
    options.onProgress?.({ phase: 'services', done, total });
    return res.services.filter((s) => s.status === 'ACTIVE');
  });
  const services = found.flat();
  if (selection.services.length > 0) {
    const seen = new Set(services.map((s) => s.name));
    const missing = selection.services.filter((n) => !seen.has(n));
    if (missing.length > 0) {
      throw new ImportSelectionError(`no ACTIVE service ${missing.join(', ')} in cluster${selection.clusters.length > 1 ? 's' : ''} ${selection.clusters.join(', ')}`);
    }
  }
  return services;
}

async function readTaskDefinitions(ports: AwsPorts, services: readonly LiveService[], options: ReadOptions): Promise<Pick<LiveFleet, 'taskDefinitions' | 'latestRevisions'>> {
  const taskDefinitions = new Map<string, LiveTaskDefinition>();
  const latestRevisions = new Map<string, string | null>();
  // A service of the EXTERNAL deployment controller runs task sets and names no task definition.
  const own = services.filter((s) => s.taskDefinition !== '' && !runsForeignTaskDefinition(s));
  const families = [...new Set(own.map((s) => familyOf(s.taskDefinition)))].sort(compareCodeUnits);
  const revisions = [...new Set(own.map((s) => s.taskDefinition))];
  let done = 0;
  const total = families.length;
  const tick = (): void => {
    done += 1;
    options.onProgress?.({ phase: 'task definitions', done, total });
  };
  await mapLimit(families, options.concurrency, async (family) => {
    try {
      // A family name describes its newest ACTIVE revision, the one the planner compares with:
      // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTaskDefinition.html
      const latest = await ports.ecs.describeTaskDefinition(family);
      taskDefinitions.set(latest.arn, latest);
      latestRevisions.set(family, latest.arn);
    } catch (err) {
      // ECS answers a family without an ACTIVE revision with ClientException.
      if ((err as { code?: unknown }).code !== 'ClientException') throw err;
      latestRevisions.set(family, null);
    }
    tick();
  });
  // Revisions services run that are not their family's newest: described once each.
  const others = revisions.filter((arn) => !taskDefinitions.has(arn));
  await mapLimit(others, options.concurrency, async (arn) => {
    taskDefinitions.set(arn, await ports.ecs.describeTaskDefinition(arn));
  });
  return { taskDefinitions, latestRevisions };
}

/** Reads the clusters, services, task definitions and namespaces of a selection. */
export async function readFleet(ports: AwsPorts, wanted: ImportSelection, options: ReadOptions): Promise<LiveFleet> {
  // A cluster may be named by ARN; DescribeClusters answers with its name.
  const selection = { ...wanted, clusters: wanted.clusters.map(lastSegment) };
  const [clusters, namespaces] = await Promise.all([ports.ecs.describeClusters(selection.clusters), ports.cloudMap.listNamespaces()]);
  const missingClusters = selection.clusters.filter((name) => !clusters.some((c) => c.name === name));
  if (missingClusters.length > 0) throw new ImportSelectionError(`no ACTIVE cluster ${missingClusters.join(', ')}`);

  let services = await readServices(ports, selection, options);
  if (selection.namespaces.length > 0) {
    const arns = new Set<string>();
    for (const ref of selection.namespaces) {
      const ns = namespaces.find((n) => n.name === ref || n.arn === ref);
      if (!ns) throw new ImportSelectionError(`no Cloud Map namespace ${ref}`);
      arns.add(ns.arn);
    }
    services = services.filter((s) => {
      const ns = primaryNamespace(s);
      return ns !== undefined && (arns.has(ns) || arns.has(namespaces.find((n) => n.name === ns)?.arn ?? ''));
    });
  }
  services.sort((a, b) => compareCodeUnits(a.cluster, b.cluster) || compareCodeUnits(a.name, b.name));

  const { taskDefinitions, latestRevisions } = await readTaskDefinitions(ports, services, options);

  // Tags of the namespaces in use: ownership and the tags a Namespace manifest states.
  const used = new Set<string>();
  for (const s of services) {
    const ns = primaryNamespace(s);
    if (ns !== undefined) used.add(ns);
  }
  for (const c of clusters) if (c.serviceConnectNamespace !== undefined) used.add(c.serviceConnectNamespace);
  const usedNamespaces = namespaces.filter((n) => used.has(n.arn) || used.has(n.name));
  const namespaceTags = new Map<string, TagMap>();
  await mapLimit(usedNamespaces, options.concurrency, async (n) => {
    namespaceTags.set(n.arn, await ports.cloudMap.listTags(n.arn));
  });
  return { clusters, services, taskDefinitions, latestRevisions, namespaces, namespaceTags };
}

