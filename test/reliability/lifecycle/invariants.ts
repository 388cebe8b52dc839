/**
 * The invariants of the lifecycle property test, checked on the simulator's state (never on what
 * the engine believes): after every pass, no duplicate, nothing deleted that is in use or not
 * owned, and every created / configured / deleted the engine reports true of the simulator; after
 * the last command, live state equals the manifests (or the resource is stalled for a cause the
 * model expects), and one more pass writes nothing.
 */
import type { ResourceResult } from '../../../src/reconcile/apply.js';
import { TAG_MANAGED_BY } from '../../../src/reconcile/ownership.js';
import type { SimState } from '../../../src/simulator/index.js';
import { regionState } from '../../../src/simulator/state.js';
import { CONTROLLER, type PassRecord } from './harness.js';
import { CLUSTER, logGroupOf, portName, type World } from './world.js';

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';

/** One Region of the simulator's state. */
export type Region = SimState['regions'][string];
type Namespace = Region['cloudmap']['namespaces'][string];
type Service = Region['ecs']['services'][string][string];
type Revision = Region['ecs']['taskDefinitions'][string][number];

/** The test Region of a state dump (empty before anything was made there). */
function region(s: SimState): Region {
  return regionState(s, REGION);
}

/** Whether a world declares a name (the world's maps are keyed by the fixed name pools). */
const declares = (names: Map<string, unknown>, name: string): boolean => names.has(name);

const owned = (tags: Record<string, string> | undefined): boolean => tags?.[TAG_MANAGED_BY] === CONTROLLER;
const isOwnNamespace = (ns: Namespace): boolean => (ns.ResourceOwner ?? ACCOUNT) === ACCOUNT;
const liveServices = (r: Region): Service[] => Object.values(r.ecs.services).flatMap((byName) => Object.values(byName)).filter((s) => s.status !== 'INACTIVE');
const revisionsOf = (r: Region, family: string): Revision[] => (r.ecs.taskDefinitions[family] ?? []).filter((t) => t.deleted !== true);

/** Namespace ARNs some ACTIVE service's deployment uses for Service Connect (a DRAINING one's tasks are stopping). */
function namespacesUsedBy(r: Region): Set<string> {
  const out = new Set<string>();
  for (const s of liveServices(r).filter((x) => x.status === 'ACTIVE')) {
    for (const d of s.deployments) {
      const sc = d.serviceConnectConfiguration;
      if (sc?.enabled === true && typeof sc.namespace === 'string') out.add(sc.namespace);
    }
  }
  return out;
}

/** A violated invariant, with what the test needs to show it. */
export class InvariantViolation extends Error {
  constructor(
    readonly invariant: string,
    detail: string,
  ) {
    super(`${invariant}: ${detail}`);
    this.name = 'InvariantViolation';
  }
}

function fail(invariant: string, detail: string): never {
  throw new InvariantViolation(invariant, detail);
}

/** Invariants every pass keeps, faults or not; `renamed` maps renamed services' old names to their new ones. */
export function checkPass(p: PassRecord, foreign: (r: Region) => unknown, renamed: ReadonlyMap<string, string> = new Map()): void {
  const before = region(p.before);
  const after = region(p.after);
  // No duplicates: one own namespace per name; at most one revision registered per family and pass.
  const names = Object.values(after.cloudmap.namespaces).filter(isOwnNamespace).map((n) => n.Name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) fail('no duplicates', `${p.label}: two namespaces named ${dup}`);
  for (const family of Object.keys(after.ecs.taskDefinitions)) {
    const added = (after.ecs.taskDefinitions[family]?.length ?? 0) - (before.ecs.taskDefinitions[family]?.length ?? 0);
    if (added > 1) fail('no duplicates', `${p.label}: ${added} revisions of ${family} registered in one pass`);
  }
  // Nothing deleted that is in use or not owned.
  const inUse = new Set([...namespacesUsedBy(before), ...namespacesUsedBy(after)]);
  for (const ns of Object.values(before.cloudmap.namespaces)) {
    if (after.cloudmap.namespaces[ns.Id]) continue;
    if (!owned(ns.tags)) fail('nothing deleted that is not owned', `${p.label}: namespace ${ns.Name} (tags ${JSON.stringify(ns.tags)}) was deleted`);
    if (inUse.has(ns.Arn)) fail('nothing deleted that is in use', `${p.label}: namespace ${ns.Name} was deleted while a service's deployment uses it`);
    if (declares(p.world.namespaces, ns.Name)) fail('nothing deleted that is in use', `${p.label}: namespace ${ns.Name} is declared and was deleted`);
    if ([...p.world.services.values()].some((s) => s.sc !== 'off' && s.namespace === ns.Name)) fail('nothing deleted that is in use', `${p.label}: namespace ${ns.Name} is named by a declared service and was deleted`);
  }
  for (const s of liveServices(before)) {
    const now = after.ecs.services[s.clusterName]?.[s.serviceName];
    if (s.status !== 'ACTIVE' || now?.status === 'ACTIVE') continue;
    if (!owned(s.tags)) fail('nothing deleted that is not owned', `${p.label}: service ${s.serviceName} was deleted`);
    if (s.clusterName === CLUSTER && declares(p.world.services, s.serviceName)) fail('nothing deleted that is in use', `${p.label}: declared service ${s.serviceName} was deleted`);
  }
  checkRenames(p, before, after, renamed);
  const runByActive = new Set(liveServices(after).filter((s) => s.status === 'ACTIVE').flatMap((s) => s.deployments.map((d) => d.taskDefinition)));
  for (const [family, revisions] of Object.entries(before.ecs.taskDefinitions)) {
    for (const td of revisions) {
      const now = after.ecs.taskDefinitions[family]?.[td.revision - 1];
      if (td.status !== 'ACTIVE' || now?.status === 'ACTIVE') continue;
      if (!owned(td.tags)) fail('nothing deleted that is not owned', `${p.label}: ${td.arn} was deregistered`);
      if (runByActive.has(td.arn)) fail('nothing deleted that is in use', `${p.label}: ${td.arn} was deregistered while an ACTIVE service runs it`);
    }
  }
  for (const name of Object.keys(before.logs.groups)) if (!after.logs.groups[name]) fail('nothing deleted that is in use', `${p.label}: log group ${name} was deleted`);
  if (JSON.stringify(foreign(before)) !== JSON.stringify(foreign(after))) fail('nothing changed that is not owned', `${p.label}: another owner's resources changed:\n${JSON.stringify(foreign(before))}\n->\n${JSON.stringify(foreign(after))}`);
  for (const r of p.results) checkReport(p.label, r, after);
}

/** The discovery names a service's PRIMARY deployment serves, as `namespace ARN|name`. */
function servedNames(s: Service | undefined): string[] {
  const sc = s?.deployments.find((d) => d.status === 'PRIMARY')?.serviceConnectConfiguration;
  if (sc?.enabled !== true || !Array.isArray(sc.services)) return [];
  return sc.services.map((x) => `${String(sc.namespace)}|${String((x as { discoveryName?: unknown }).discoveryName)}`);
}

/**
 * A renamed service's old one is deleted only once the new one runs (issue 11 item 15: prune only
 * after the pass's creates and updates succeeded, else a rename whose new service fails to start is
 * an outage). Not when the new one needs a discovery name the old one still serves: then the old
 * must go first.
 */
function checkRenames(p: PassRecord, before: Region, after: Region, renamed: ReadonlyMap<string, string>): void {
  const services = (r: Region): Record<string, Service> => r.ecs.services[CLUSTER] ?? {};
  for (const [from, to] of renamed) {
    if (declares(p.world.services, from) || !declares(p.world.services, to)) continue;
    const old = services(before)[from];
    if (old?.status !== 'ACTIVE' || services(after)[from]?.status === 'ACTIVE') continue;
    if (services(after)[to]?.status === 'ACTIVE') continue;
    const decl = [...p.world.services].find(([name]) => name === to)?.[1];
    const wanted = decl?.sc === 'server' ? decl.discoveryName : undefined;
    if (wanted !== undefined && servedNames(old).some((n) => n.endsWith(`|${wanted}`))) continue;
    fail('nothing deleted that is in use', `${p.label}: ${from} was deleted (renamed to ${to}) while ${to} is ${services(after)[to]?.status ?? 'missing'}`);
  }
}

/** Every created / configured / deleted the engine reports is true of the simulator afterwards. */
function checkReport(label: string, res: ResourceResult, after: Region): void {
  if (res.outcome !== 'created' && res.outcome !== 'configured' && res.outcome !== 'deleted') return;
  const key = String(res.key);
  const slash = key.indexOf('/');
  const kind = key.slice(0, slash);
  const name = key.slice(slash + 1);
  const exists = ((): boolean => {
    switch (kind) {
      case 'Namespace':
        return Object.values(after.cloudmap.namespaces).some((n) => n.Name === name && isOwnNamespace(n));
      case 'Cluster':
        return after.ecs.clusters[name]?.status === 'ACTIVE';
      case 'TaskDefinition':
        return revisionsOf(after, name).some((t) => t.status === 'ACTIVE');
      case 'Service':
        return Object.values(after.ecs.services).some((byName) => byName[name]?.status === 'ACTIVE');
      case 'LogGroup':
        return after.logs.groups[name] !== undefined;
      default:
        return fail('reports match the simulator', `${label}: unknown resource kind in ${key}`);
    }
  })();
  if (res.outcome === 'deleted' ? exists : !exists) fail('reports match the simulator', `${label}: ${key} reported ${res.outcome} but it ${exists ? 'exists' : 'does not exist'} afterwards`);
}

/** Whether a reason names a resource key (as a whole word: `Service/a` is not named by `Service/ab`). */
function namesKey(reason: string, key: string): boolean {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\w./-])${escaped}(?![\\w./-])`).test(reason);
}

/** What a resource may be stalled for at the end, by key: a pattern its reason must match. */
export type AllowedStalls = Map<string, RegExp>;

/**
 * After the final passes: every resource converged (the simulator holds what the world declares)
 * unless the last pass reported it needing attention for a cause the model allows.
 */
export function checkConverged(last: PassRecord, world: World, allowed: AllowedStalls): void {
  const stalled = new Map<string, string>();
  const waiting = last.results.filter((r) => r.needsAttention || r.outcome === 'failed');
  for (const r of waiting) {
    const why = allowed.get(String(r.key));
    if (why?.test(r.reason)) stalled.set(String(r.key), r.reason);
  }
  // What waits on a resource stalled for an allowed cause, and says so, is stalled for that cause
  // too (a prune held back because a creation of the pass failed, issue 11 item 15).
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of waiting) {
      const key = String(r.key);
      if (stalled.has(key) || ![...stalled.keys()].some((k) => namesKey(r.reason, k))) continue;
      stalled.set(key, r.reason);
      grew = true;
    }
  }
  const unexplained = waiting.find((r) => !stalled.has(String(r.key)));
  if (unexplained) fail('converged within 2 passes (or stalled with its cause)', `${String(unexplained.key)} is ${unexplained.outcome}: ${unexplained.reason}${unexplained.error ? ` (${unexplained.error.message})` : ''}`);
  const r = region(last.after);
  const mismatch = (key: string, detail: string): void => {
    if (!stalled.has(key) && !allowed.has(key)) fail('converged within 2 passes (or stalled with its cause)', `${key}: ${detail}`);
  };
  const own = Object.values(r.cloudmap.namespaces).filter(isOwnNamespace);
  for (const name of world.namespaces.keys()) if (!own.some((n) => n.Name === name)) mismatch(`Namespace/${name}`, 'declared but does not exist');
  const cluster = r.ecs.clusters[CLUSTER];
  if (cluster?.status !== 'ACTIVE') mismatch(`Cluster/${CLUSTER}`, 'declared but does not exist');
  else {
    const insights = cluster.settings.find((x) => x.name === 'containerInsights')?.value;
    if (world.cluster.containerInsights !== null && insights !== world.cluster.containerInsights) mismatch(`Cluster/${CLUSTER}`, `containerInsights ${String(insights)}, declared ${world.cluster.containerInsights}`);
    const strategy = JSON.stringify(cluster.defaultCapacityProviderStrategy.map((x) => x.capacityProvider));
    if (world.cluster.defaultProvider !== null && strategy !== JSON.stringify([world.cluster.defaultProvider])) mismatch(`Cluster/${CLUSTER}`, `default strategy ${strategy}, declared ${world.cluster.defaultProvider}`);
  }
  for (const [name, td] of world.taskDefinitions) {
    const active = revisionsOf(r, name).filter((t) => t.status === 'ACTIVE');
    const image = `public.ecr.aws/docker/library/nginx:1.${td.image}`;
    const running = active.filter((t) => JSON.stringify(t.body.containerDefinitions).includes(image));
    if (running.length === 0) mismatch(`TaskDefinition/${name}`, `no ACTIVE revision runs ${image}`);
    else if (!running.some((t) => (t.tags.team ?? null) === td.team)) mismatch(`TaskDefinition/${name}`, `no ACTIVE revision running ${image} has the tags declared (team ${String(td.team)})`);
    if (td.logs && !r.logs.groups[logGroupOf(name)]) mismatch(`LogGroup/${logGroupOf(name)}`, 'its task definition logs there but it does not exist');
  }
  for (const [name, s] of world.services) {
    const live = r.ecs.services[CLUSTER]?.[name];
    const key = `Service/${name}`;
    if (live?.status !== 'ACTIVE') {
      mismatch(key, `declared but ${live?.status ?? 'missing'}`);
      continue;
    }
    const family = live.taskDefinition.slice(live.taskDefinition.lastIndexOf('/') + 1).split(':')[0];
    if (family !== s.taskDefinition) mismatch(key, `runs ${live.taskDefinition}, declared ${s.taskDefinition}`);
    if (live.desiredCount !== s.desiredCount) mismatch(key, `desiredCount ${live.desiredCount}, declared ${s.desiredCount}`);
    const onSpot = Array.isArray(live.spec.capacityProviderStrategy);
    if (onSpot !== (s.compute === 'FARGATE_SPOT')) mismatch(key, `runs on ${onSpot ? 'a capacity provider strategy' : String(live.spec.launchType)}, declared ${s.compute}`);
    const primary = live.deployments.find((d) => d.status === 'PRIMARY');
    const sc = primary?.serviceConnectConfiguration;
    const enabled = sc?.enabled === true;
    if (enabled !== (s.sc !== 'off')) mismatch(key, `Service Connect ${enabled ? 'on' : 'off'}, declared ${s.sc}`);
    if (enabled && s.sc !== 'off') {
      const ns = own.find((n) => n.Arn === sc.namespace);
      if (ns?.Name !== s.namespace) mismatch(key, `Service Connect namespace ${String(sc.namespace)}, declared ${s.namespace}`);
      const services = Array.isArray(sc.services) ? sc.services : [];
      const want = s.sc === 'server' ? [{ portName: portName(s.taskDefinition), discoveryName: s.discoveryName, clientAliases: [{ port: s.alias }] }] : [];
      if (JSON.stringify(services) !== JSON.stringify(want)) mismatch(key, `Service Connect services ${JSON.stringify(services)}, declared ${JSON.stringify(want)}`);
    }
  }
  for (const s of liveServices(r)) {
    if (s.status === 'ACTIVE' && owned(s.tags) && s.clusterName === CLUSTER && !declares(world.services, s.serviceName)) mismatch(`Service/${s.serviceName}`, 'not declared but still ACTIVE');
  }
}

/** The pass after convergence writes nothing. */
export function checkQuiet(p: PassRecord): void {
  if (p.writes !== 0) fail('a pass with zero writes after convergence', `${p.label} made ${p.writes} mutating calls: ${p.results.filter((r) => r.outcome !== 'unchanged').map((r) => `${String(r.key)} ${r.outcome} (${r.reason})`).join('; ')}`);
}
