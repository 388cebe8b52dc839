/**
 * Reads live state for one pass with as few AWS calls as the answer allows: one paginated
 * ListNamespaces, DescribeServices in batches of 10 per cluster (tags included), and task
 * definitions only when no revision with the desired content hash is already known.
 */
import { asResourceKey, type DesiredResource, type DesiredResourceOf, type ResourceKey } from '../manifests/model.js';
import { chunks } from '../util/chunks.js';
import { mapLimit } from '../util/concurrency.js';
import type { ObserverCache } from './cache.js';
import { familyOf, lastSegment, revisionNumber, siblingRevisionArn } from '../util/arn.js';
import { indexTaskDefinitions, registrationTags, revisionHolds, serviceCluster, type DesiredTaskDefinition } from './desired.js';
import { canonicalServiceConnect, isServer, namespaceIndex } from './normalize-service.js';
import { namespaceDescriptionDiffers, namespaceSoaDiffers, needsCreator, vpcVerdict } from './namespace-fields.js';
import { canonicalTaskDefinition } from './normalize-task-definition.js';
import { asFailure } from './errors.js';
import { emptyObservedState, serviceConnectNamespaceOf, serviceKey, type ObservedState } from './observed.js';
import { asksToAdopt, ownershipOf, parseTaskDefinitionTag, TAG_RESOURCE, TAG_SPEC_HASH, TAG_TASK_DEFINITION } from './ownership.js';
import type { NeededLogGroup } from './log-groups.js';
import { DESCRIBE_SERVICES_BATCH, LOG_GROUP_IDENTIFIERS_MAX, type AwsPorts, type LiveLogGroup, type LiveNamespace, type LiveService, type LiveTaskDefinition, type TagMap } from './ports.js';
import { contentHash, asJson } from './canonical.js';

export interface ObserveOptions {
  defaultCluster: string;
  controllerId: string;
  /** Look for owned resources no manifest declares. */
  prune: boolean;
  /** Extra clusters to look for orphans in. */
  pruneClusters?: readonly string[];
  concurrency?: number;
  /** How to read services and task definitions (default `batched`). */
  strategy?: ObserveStrategy;
  /**
   * Keys in `desired` only because what changed depends on them: a cluster among them that this
   * process has described before is taken as it was then, not described again (the next resync
   * describes it).
   */
  dependencyOnly?: ReadonlySet<string>;
  /**
   * Re-check what this process takes to exist without reading it: that each revision it knows for
   * a manifest is still ACTIVE (another writer may have deregistered it). One
   * ListTaskDefinitions per family; the controller asks for it once per resync interval.
   */
  verify?: boolean;
}

/**
 * How live state is read. `batched` is this controller's way. `per-resource` is how typical
 * controllers read it (one DescribeServices per service and one DescribeTaskDefinition per task
 * definition on every pass, nothing remembered between passes); it exists only as the
 * benchmark's baseline, to measure the batched way against.
 */
export type ObserveStrategy = 'batched' | 'per-resource';

/** The content hash a described revision stands for: its tag, or one computed from its content. */
export function hashOfLiveTaskDefinition(td: LiveTaskDefinition): string {
  const userTags: TagMap = {};
  for (const [k, v] of Object.entries(td.tags)) if (!k.startsWith('switchboard.dev/')) userTags[k] = v;
  return contentHash({ definition: canonicalTaskDefinition(td.definition), tags: asJson(userTags) });
}

/**
 * A revision as this process knows it without asking AWS: described before, or one whose content
 * hash is known (from our tag on the service that runs it, or our own registration) and whose
 * content this process has seen under that hash. Revisions are immutable, so that is exact.
 */
function knownTaskDefinition(cache: ObserverCache, arn: string): LiveTaskDefinition | undefined {
  const described = cache.describedTaskDefinition(arn);
  if (described) return described;
  const hash = cache.hashByArn.get(arn);
  const content = hash !== undefined ? cache.contentOf(hash) : undefined;
  if (!content) return undefined;
  return { arn, family: familyOf(arn), revision: revisionNumber(arn), status: 'ACTIVE', definition: content.definition, tags: content.tags };
}

async function describeCached(ports: AwsPorts, cache: ObserverCache, arn: string): Promise<LiveTaskDefinition> {
  const known = knownTaskDefinition(cache, arn);
  if (known) return known;
  const td = await ports.ecs.describeTaskDefinition(arn);
  const tagged = td.tags[TAG_SPEC_HASH];
  cache.rememberTaskDefinition(td, tagged ?? hashOfLiveTaskDefinition(td));
  return td;
}

/**
 * Above this many task definitions with no known revision (a cold start), one
 * ListTaskDefinitionFamilies (100 families a page) first tells which families exist at all, so
 * only those are listed one by one: at 1,000 new families that is 1 call instead of 1,000.
 */
const FAMILY_LIST_THRESHOLD = 10;

/** How many DescribeServices calls may be in flight per unit of `concurrency`. */
const READS_PER_CHANGE_SLOT = 4;

/** How many reads a pass sends at once for a given `concurrency`. */
export function readConcurrency(concurrency: number): number {
  return concurrency * READS_PER_CHANGE_SLOT;
}

/** Service names by the cluster they run in. */
export function groupServicesByCluster(desired: readonly DesiredResource[], defaultCluster: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of desired) {
    if (r.kind !== 'Service') continue;
    const cluster = serviceCluster(r, defaultCluster);
    const names = out.get(cluster);
    if (names) names.push(r.name);
    else out.set(cluster, [r.name]);
  }
  return out;
}

/** The DescribeServices calls that read the grouped services, `batchSize` names each. */
export function serviceReadBatches(servicesByCluster: ReadonlyMap<string, readonly string[]>, batchSize = DESCRIBE_SERVICES_BATCH): { cluster: string; names: string[] }[] {
  const batches: { cluster: string; names: string[] }[] = [];
  for (const [cluster, names] of servicesByCluster) {
    for (const batch of chunks(names, batchSize)) batches.push({ cluster, names: batch });
  }
  return batches;
}

/**
 * Whether a revision this process knows for a manifest is still ACTIVE. The family's newest ACTIVE
 * revision (one ListTaskDefinitions) is almost always it; otherwise the family's ACTIVE revisions
 * are listed. A deregistered revision is forgotten: no service is pointed at an INACTIVE revision,
 * which CreateService refuses (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeregisterTaskDefinition.html:
 * "you can't use an INACTIVE task definition to run new tasks or create new services").
 */
async function stillActive(ports: AwsPorts, cache: ObserverCache, family: string, arn: string): Promise<{ active: boolean; latest?: string }> {
  const latest = await ports.ecs.latestTaskDefinitionArn(family);
  if (latest === arn) return { active: true, latest };
  const active = latest === undefined ? false : (await ports.ecs.listTaskDefinitionArns(family)).includes(arn);
  if (!active) cache.forgetTaskDefinition(arn);
  if (latest !== undefined) cache.rememberLatest(latest);
  return latest === undefined ? { active } : { active, latest };
}

async function observeTaskDefinition(
  ports: AwsPorts,
  cache: ObserverCache,
  td: DesiredTaskDefinition,
  existingFamilies?: ReadonlySet<string>,
  verify = false,
): Promise<{ matchingArn?: string; latest?: LiveTaskDefinition }> {
  const known = cache.findRevision(td.family, td.hash);
  if (known && !verify) return { matchingArn: known };
  if (known) {
    const check = await stillActive(ports, cache, td.family, known);
    if (check.active) return { matchingArn: known };
    // Deregistered, and the family has no ACTIVE revision left: register anew.
    if (check.latest === undefined) return {};
  }
  if (existingFamilies && !existingFamilies.has(td.family)) return {};
  // The family's newest revision, listed once per process and then followed through our own
  // registrations: listing it is what keeps a registration from being repeated after a restart.
  // A verifying pass lists it again (unless it just did): the remembered one may have been
  // deregistered since, and a tag edit would otherwise retag an INACTIVE revision.
  let latestArn = cache.latestRevision(td.family);
  if (verify && !known && latestArn !== undefined) {
    const fresh = await ports.ecs.latestTaskDefinitionArn(td.family);
    if (fresh !== latestArn) cache.forgetTaskDefinition(latestArn);
    if (fresh === undefined) return {};
    cache.rememberLatest(fresh);
    latestArn = fresh;
  }
  if (latestArn === undefined) {
    latestArn = await ports.ecs.latestTaskDefinitionArn(td.family);
    if (latestArn === undefined) return {};
    cache.rememberLatest(latestArn);
  }
  const latest = await describeCached(ports, cache, latestArn);
  // Our own tag, or the same content registered by hand or before a crash: reuse, never re-register.
  return revisionHolds(latest, td) ? { matchingArn: latest.arn, latest } : { latest };
}

/** The per-resource baseline: describe the family's latest revision on every pass, whatever is known. */
async function observeTaskDefinitionEveryPass(
  ports: AwsPorts,
  cache: ObserverCache,
  td: DesiredTaskDefinition,
): Promise<{ matchingArn?: string; latest?: LiveTaskDefinition }> {
  let latest: LiveTaskDefinition;
  try {
    // A family name describes its latest ACTIVE revision:
    // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTaskDefinition.html
    latest = await ports.ecs.describeTaskDefinition(td.family);
  } catch (err) {
    // ECS answers an unknown family with ClientException "Unable to describe task definition".
    if ((err as { code?: unknown }).code === 'ClientException') return {};
    throw err;
  }
  cache.rememberTaskDefinition(latest, latest.tags[TAG_SPEC_HASH] ?? hashOfLiveTaskDefinition(latest));
  return revisionHolds(latest, td) ? { matchingArn: latest.arn, latest } : { latest };
}

/** Observes the live state the desired resources depend on. */
export async function observe(
  desired: readonly DesiredResource[],
  ports: AwsPorts,
  cache: ObserverCache,
  options: ObserveOptions,
): Promise<ObservedState> {
  const state = emptyObservedState();
  const limit = options.concurrency ?? 8;
  // Reads go out several at a time more than changes: they are paced at AWS's rates anyway, and a
  // pass that waits on fewer round trips in a row also costs less CPU per call.
  const readLimit = readConcurrency(limit);
  const taskDefinitions = indexTaskDefinitions(desired);

  const servicesByCluster = groupServicesByCluster(desired, options.defaultCluster);
  const clusterNames = desired.filter((r) => r.kind === 'Cluster').map((r) => (r.kind === 'Cluster' ? r.spec.clusterName : r.name));
  const reusedClusters = desired.flatMap((r) => {
    const known = r.kind === 'Cluster' && options.dependencyOnly?.has(r.key) ? cache.clusters.get(r.spec.clusterName) : undefined;
    return known ? [known] : [];
  });
  const clustersToDescribe = clusterNames.filter((name) => !reusedClusters.some((c) => c.name === name));

  // Services: batches of 10 per cluster (one per call for the per-resource baseline).
  const perResource = options.strategy === 'per-resource';
  const batches = serviceReadBatches(servicesByCluster, perResource ? 1 : DESCRIBE_SERVICES_BATCH);
  // Each area is read on its own, all at once: an outage of one AWS service fails only what
  // depends on it, and a pass waits for one round trip, not three in a row.
  const [namespaces, clusters, described] = await Promise.all([
    ports.cloudMap.listNamespaces().catch((err: unknown) => {
      state.unavailable.namespaces = asFailure(err);
      return [];
    }),
    clustersToDescribe.length > 0
      ? ports.ecs.describeClusters(clustersToDescribe).catch((err: unknown) => {
          state.unavailable.clusters = asFailure(err);
          return [];
        })
      : Promise.resolve([]),
    mapLimit(batches, readLimit, (b) =>
      ports.ecs.describeServices(b.cluster, b.names).catch((err: unknown) => {
        state.unavailable.servicesByCluster.set(b.cluster, asFailure(err));
        return { services: [], missing: [], clusterMissing: false };
      }),
    ),
  ]);
  state.namespaces = namespaces;
  if (!state.unavailable.clusters) for (const name of clustersToDescribe) cache.clusters.delete(name);
  for (const c of clusters) {
    state.clusters.set(c.name, c);
    cache.clusters.set(c.name, c);
  }
  for (const c of reusedClusters) state.clusters.set(c.name, c);

  described.forEach((d, i) => {
    const cluster = batches[i]?.cluster;
    if (d.clusterMissing && cluster !== undefined) state.missingClusters.add(cluster);
  });
  for (const { services } of described) {
    for (const s of services) {
      state.services.set(serviceKey(s.cluster, s.name), s);
      const tag = parseTaskDefinitionTag(s.tags[TAG_TASK_DEFINITION]);
      // The service records which revision we set and what content it has, so no describe is
      // needed; that holds even when someone has since deployed another revision by hand. Not for
      // a DRAINING service: its revision may have been deregistered with it (prune).
      if (tag && s.status === 'ACTIVE') {
        cache.rememberHash(siblingRevisionArn(s.taskDefinition, tag.familyRevision), tag.hash);
      }
    }
  }

  // A DNS namespace's VPC is not returned by Cloud Map; the CreatorRequestId switchboard created it
  // with records it (namespace-fields.ts). Read once per namespace and process (it never changes).
  const declaredNamespace = (n: LiveNamespace) => desired.find((r): r is DesiredResourceOf<'Namespace'> => r.kind === 'Namespace' && r.name === n.name);
  await mapLimit(
    namespaces.filter((n) => {
      const r = declaredNamespace(n);
      return r !== undefined && needsCreator(r.spec, n);
    }),
    limit,
    async (n) => {
      let creator = cache.namespaceCreators.get(n.id);
      if (creator === undefined) {
        try {
          creator = (await ports.cloudMap.namespaceCreatorRequestId(n.id)) ?? null;
        } catch (err) {
          state.unavailable.namespaces ??= asFailure(err);
          return;
        }
        cache.namespaceCreators.set(n.id, creator);
      }
      state.namespaceCreators.set(n.id, creator);
    },
  );
  // Namespace tags (ownership, tag drift) cost one call per namespace, so they are read only where
  // they decide something: the manifest states tags, asks to adopt the namespace (which carries no
  // ownership tags yet, whatever the manifest states), or something it states differs (an update,
  // or a change the plan refuses). Cached per process.
  const needTags = new Set(
    desired.flatMap((r) => {
      if (r.kind !== 'Namespace') return [];
      const live = namespaces.find((n) => n.name === r.name);
      if (live === undefined) return [];
      const differs =
        live.type !== r.spec.type ||
        namespaceDescriptionDiffers(r.spec, live) ||
        namespaceSoaDiffers(r.spec, live) ||
        vpcVerdict(r, options.controllerId, state.namespaceCreators.get(live.id)) === 'other';
      return r.spec.tags !== undefined || asksToAdopt(r) || differs ? [r.name] : [];
    }),
  );
  await mapLimit(
    namespaces.filter((n) => needTags.has(n.name)),
    limit,
    async (n) => {
      let tags = cache.namespaceTags.get(n.arn);
      if (!tags) {
        try {
          tags = await ports.cloudMap.listTags(n.arn);
        } catch (err) {
          state.unavailable.namespaces ??= asFailure(err);
          return;
        }
        cache.namespaceTags.set(n.arn, tags);
      }
      state.namespaceTags.set(n.arn, tags);
    },
  );

  const unknownRevisions = [...taskDefinitions.values()].filter((td) => cache.findRevision(td.family, td.hash) === undefined);
  let existingFamilies: Set<string> | undefined;
  if (!perResource && unknownRevisions.length > FAMILY_LIST_THRESHOLD) {
    // Families with an ACTIVE revision; one without is registered anew either way. If this read
    // fails, each family is listed on its own as before.
    existingFamilies = await ports.ecs.listTaskDefinitionFamilies().then(
      (families) => new Set(families),
      () => undefined,
    );
  }
  await mapLimit([...taskDefinitions.values()], readLimit, async (td) => {
    try {
      const observed = await (perResource ? observeTaskDefinitionEveryPass(ports, cache, td) : observeTaskDefinition(ports, cache, td, existingFamilies, options.verify === true));
      state.taskDefinitions.set(td.key, observed);
      // A revision with this manifest's content exists: when the manifest changes, the plan can
      // show what changed from it without describing it.
      if (observed.matchingArn !== undefined && cache.contentOf(td.hash) === undefined) {
        cache.rememberContent(td.hash, { definition: td.canonical, tags: registrationTags(td, options.controllerId) });
      }
    } catch (err) {
      state.unavailable.taskDefinitions.set(td.key, asFailure(err));
    }
  });

  // A Service Connect port's appProtocol cannot change in place, so look at what a server runs
  // now, but only when its task definition is about to change.
  const index = namespaceIndex(namespaces);
  const toInspect: LiveService[] = [];
  for (const r of desired) {
    if (r.kind !== 'Service' || r.spec.taskDefinition === undefined) continue;
    const live = state.services.get(serviceKey(serviceCluster(r, options.defaultCluster), r.name));
    const td = taskDefinitions.get(r.spec.taskDefinition);
    if (!live || !td) continue;
    const primary = live.deployments.find((d) => d.status === 'PRIMARY');
    if (!isServer(canonicalServiceConnect(primary?.serviceConnectConfiguration, index))) continue;
    if (cache.hashByArn.get(live.taskDefinition) === td.hash) continue;
    toInspect.push(live);
  }
  await mapLimit(toInspect, limit, async (s) => {
    try {
      state.serviceTaskDefinitions.set(s.taskDefinition, await describeCached(ports, cache, s.taskDefinition));
    } catch (err) {
      state.unavailable.servicesByCluster.set(s.cluster, asFailure(err));
    }
  });

  for (const s of state.services.values()) {
    const hash = cache.hashByArn.get(s.taskDefinition);
    if (hash !== undefined) state.taskDefinitionHashes.set(s.taskDefinition, hash);
  }

  if (options.prune) {
    try {
      await observeOrphans(desired, ports, cache, options, state, servicesByCluster, clusterNames);
    } catch (err) {
      state.unavailable.orphans = asFailure(err);
    }
  }
  return state;
}

async function observeOrphans(
  desired: readonly DesiredResource[],
  ports: AwsPorts,
  cache: ObserverCache,
  options: ObserveOptions,
  state: ObservedState,
  servicesByCluster: Map<string, string[]>,
  clusterNames: string[],
): Promise<void> {
  const limit = options.concurrency ?? 8;
  const declared = new Set(desired.map((r) => r.key));
  const owned = (tags: TagMap): ResourceKey | undefined => {
    const key = asResourceKey(tags[TAG_RESOURCE] ?? '');
    return ownershipOf(tags, options.controllerId) === 'ours' && key !== undefined && !declared.has(key) ? key : undefined;
  };

  const clusters = new Set([...servicesByCluster.keys(), ...clusterNames, options.defaultCluster, ...(options.pruneClusters ?? [])]);
  for (const cluster of clusters) {
    const desiredNames = new Set(servicesByCluster.get(cluster) ?? []);
    let arns: string[];
    try {
      arns = await ports.ecs.listServiceArns(cluster);
    } catch (err) {
      if ((err as { code?: string }).code === 'ClusterNotFoundException') continue;
      throw err;
    }
    const names = arns.map(lastSegment).filter((n) => !desiredNames.has(n));
    const { services } = await ports.ecs.describeServices(cluster, names);
    for (const s of services) {
      const pruned = s.status === 'ACTIVE' && owned(s.tags) !== undefined;
      if (pruned) state.orphans.services.push(s);
      // A service this pass does not delete keeps the revisions its deployments run from being deregistered.
      if (!pruned && s.status === 'ACTIVE') {
        for (const d of s.deployments) if (!state.taskDefinitionUsers.has(d.taskDefinition)) state.taskDefinitionUsers.set(d.taskDefinition, serviceKey(s.cluster, s.name));
      }
      // Whoever owns it, a service whose tasks resolve through a namespace keeps it from being pruned.
      const ns = serviceConnectNamespaceOf(s);
      if (ns !== undefined && !state.namespaceUsers.has(ns)) state.namespaceUsers.set(ns, serviceKey(s.cluster, s.name));
    }
  }

  const declaredFamilies = new Set(desired.flatMap((r) => (r.kind === 'TaskDefinition' ? [r.spec.family] : [])));
  const families = (await ports.ecs.listTaskDefinitionFamilies()).filter((f) => !declaredFamilies.has(f));
  await mapLimit(families, limit, async (family) => {
    const latestArn = await ports.ecs.latestTaskDefinitionArn(family);
    if (latestArn === undefined) return;
    const latest = await describeCached(ports, cache, latestArn);
    const key = owned(latest.tags);
    if (key === undefined) return;
    state.orphans.taskDefinitionFamilies.push({ family, key, arns: await ports.ecs.listTaskDefinitionArns(family), tags: latest.tags });
  });

  const declaredNamespaces = new Set(desired.filter((r) => r.kind === 'Namespace').map((r) => r.name));
  await mapLimit(
    state.namespaces.filter((n) => !declaredNamespaces.has(n.name)),
    limit,
    async (n) => {
      const tags = cache.namespaceTags.get(n.arn) ?? (await ports.cloudMap.listTags(n.arn));
      cache.namespaceTags.set(n.arn, tags);
      state.namespaceTags.set(n.arn, tags);
      const key = owned(tags);
      if (key !== undefined) state.orphans.namespaces.push({ namespace: n, key });
    },
  );
}

/**
 * The needed groups read afresh, 50 names a DescribeLogGroups (`logGroupIdentifiers`): what the
 * once-per-resync check costs. A batch that fails is left out, and its names are read one by one.
 */
async function readLogGroupsAfresh(names: readonly string[], ports: AwsPorts, cache: ObserverCache): Promise<Map<string, LiveLogGroup | null>> {
  const read = new Map<string, LiveLogGroup | null>();
  await mapLimit(chunks(names, LOG_GROUP_IDENTIFIERS_MAX), 2, async (batch) => {
    try {
      const found = await ports.logs.describeLogGroupsNamed(batch);
      for (const name of batch) {
        const live = found.find((g) => g.name === name) ?? null;
        const known = cache.logGroups.get(name);
        // The tags read before still hold for the same group (same ARN); a group deleted and made
        // again by someone else is another group, whose tags are read again if they matter.
        read.set(name, live && known?.tags !== undefined && known.arn === live.arn ? { ...live, tags: known.tags } : live);
      }
    } catch {
      // Concluding nothing from a failed read: these names are read one by one below.
    }
  });
  return read;
}

/**
 * Looks up log groups by exact name (DescribeLogGroups by prefix), remembering the ones that exist.
 * A group whose retention the plan would change also has its tags read: only a group this
 * controller owns gets its retention changed. With `afresh`, what this process remembers is read
 * again (another writer may have deleted a group: tasks then fail to start).
 */
export async function observeLogGroups(needed: readonly NeededLogGroup[], ports: AwsPorts, cache: ObserverCache, state: ObservedState, afresh = false): Promise<void> {
  const fresh = afresh && needed.length > 0 ? await readLogGroupsAfresh(needed.map((g) => g.name), ports, cache) : new Map<string, LiveLogGroup | null>();
  await mapLimit(needed, 2, async (g) => {
    const name = g.name;
    try {
      const known = afresh ? undefined : cache.logGroups.get(name);
      let live: LiveLogGroup | null = fresh.has(name)
        ? (fresh.get(name) ?? null)
        : known
          ? { name, ...known }
          : ((await ports.logs.describeLogGroups(name)).find((x) => x.name === name) ?? null);
      if (live && g.retentionInDays !== undefined && live.retentionInDays !== g.retentionInDays && live.tags === undefined && live.arn !== undefined) {
        live = { ...live, tags: await ports.logs.listTags(live.arn) };
      }
      if (live) {
        const { name: _name, ...remembered } = live;
        cache.logGroups.set(name, remembered);
      } else {
        cache.logGroups.delete(name);
      }
      state.logGroups.set(name, live);
    } catch (err) {
      state.unavailable.logGroups.set(name, asFailure(err));
    }
  });
}
