/**
 * The commands of the lifecycle property test (fast-check model-based testing): edits of the
 * manifests (add / edit / remove / re-add of every kind, renames, Service Connect on and off,
 * client-only <-> client-server, launch type <-> capacity provider, a namespace removed while in
 * use), what another writer does out of band, injected rollout failures, and reconcile passes,
 * some under throttling and lost responses. The model is the world the manifests declare plus what
 * it allows to end stalled; the real system is the engine and the simulator (`Harness`).
 */
import { DeleteServiceCommand, DeregisterTaskDefinitionCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { DeleteLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import fc from 'fast-check';
import type { TestClients } from '../../helpers/aws.js';
import type { Harness, PassRecord } from './harness.js';
import { checkPass, type Region } from './invariants.js';
import {
  CLUSTER,
  cloneWorld,
  logGroupOf,
  NAMESPACES,
  SERVICES,
  TASK_DEFINITIONS,
  type ClusterDecl,
  type NamespaceName,
  type ServiceDecl,
  type ServiceName,
  type TaskDefinitionDecl,
  type TaskDefinitionName,
  type World,
} from './world.js';

/** The model: the declared world, and which resources may end stalled and why. */
export interface Model {
  world: World;
  /** Resource key -> the cause its stall reason must name (cleared when its manifest changes). */
  allowedStalls: Map<string, RegExp>;
  /** Services with a rollout failure armed for their next UpdateService. */
  armed: Set<ServiceName>;
  /** Keys whose manifests were removed during the sequence (a later put re-adds them). */
  removed: Set<string>;
  /**
   * Renamed services, old name -> new name, whose old service must stay until the new one runs
   * (issue 11 item 15; only when the generator has `pruneOnlyAfterSuccess`).
   */
  renamed: Map<ServiceName, ServiceName>;
}

/** The real system, and the SDK clients another writer uses. */
export interface Real {
  harness: Harness;
  aws: TestClients;
  /** What the resources another owner made look like (they must never change). */
  foreign: (region: Region) => unknown;
  /** Issue 11 items the engine has: commands that need one wait for it. */
  log: string[];
}

type Cmd = fc.AsyncCommand<Model, Real>;

function touched(m: Model, key: string): void {
  m.allowedStalls.delete(key);
}

/** The results of a pass that did or wanted something, with why for those that failed. */
export function describeResults(results: readonly { key: unknown; outcome: string; reason: string }[]): string {
  return results
    .filter((x) => x.outcome !== 'unchanged')
    .map((x) => `${String(x.key)} ${x.outcome}${x.outcome === 'failed' || x.outcome === 'skipped' ? ` (${x.reason})` : ''}`)
    .join(', ');
}

/** Runs one pass and checks the per-pass invariants; records which armed rollout faults fired. */
export async function runPass(m: Model, r: Real, label: string, faults?: Parameters<Harness['pass']>[2]): Promise<PassRecord> {
  const record = await r.harness.pass(cloneWorld(m.world), label, faults);
  r.log.push(`${label}: ${record.writes} writes; ${describeResults(record.results)}`);
  checkPass(record, r.foreign, m.renamed);
  noteFiredFaults(m, r);
  return record;
}

/**
 * Armed rollout failures that fired (in a pass, or on another writer's UpdateService): the rollout
 * was rolled back, and until its manifest changes the service may be held, stalled for that cause
 * (issue 11 item 5), or pushed again.
 */
export function noteFiredFaults(m: Model, r: Real): void {
  const pending = new Set(r.harness.sim.engine.faults.current.targeted.filter((f) => f.effect.type === 'rolloutFailure').map((f) => f.resource));
  for (const name of [...m.armed]) {
    if (pending.has(name)) continue;
    m.armed.delete(name);
    m.allowedStalls.set(`Service/${name}`, /roll(ed)?[ -]?back|rollout|circuit breaker|RolloutFailed/i);
  }
}

export class Pass implements Cmd {
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    await runPass(m, r, 'pass');
  }
  toString(): string {
    return 'pass';
  }
}

/** A pass under throttling, 5xx, resets and lost answers (seeded). */
export class FaultyPass implements Cmd {
  constructor(readonly seed: number) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    await runPass(m, r, `faulty pass (seed ${this.seed})`, { seed: this.seed, rates: { throttling: 0.15, serverError: 0.05, reset: 0.02, lostResponse: 0.05 } });
  }
  toString(): string {
    return `faultyPass(${this.seed})`;
  }
}

/** A new process: the engine's memory is lost between two passes. */
export class Restart implements Cmd {
  check(): boolean {
    return true;
  }
  async run(_m: Model, r: Real): Promise<void> {
    r.harness.restart();
    r.log.push('restart');
  }
  toString(): string {
    return 'restart';
  }
}

/** Edits the cluster's manifest: its Container Insights setting and default strategy (stated or left out). */
export class PutCluster implements Cmd {
  constructor(readonly decl: ClusterDecl) {}
  check(): boolean {
    return true;
  }
  async run(m: Model): Promise<void> {
    m.world.cluster = { ...this.decl };
    touched(m, `Cluster/${CLUSTER}`);
  }
  toString(): string {
    return `putCluster(${JSON.stringify(this.decl)})`;
  }
}

export class PutNamespace implements Cmd {
  constructor(
    readonly o: CommandOptions,
    readonly name: NamespaceName,
    readonly description: number,
  ) {}
  check(m: Model): boolean {
    return this.o.reAdd || !m.removed.has(`Namespace/${this.name}`);
  }
  async run(m: Model): Promise<void> {
    m.world.namespaces.set(this.name, { description: this.description });
    touched(m, `Namespace/${this.name}`);
  }
  toString(): string {
    return `putNamespace(${this.name}, v${this.description})`;
  }
}

/** Removes a namespace manifest — also while services still name it (they keep it in use). */
export class RemoveNamespace implements Cmd {
  constructor(
    readonly o: CommandOptions,
    readonly name: NamespaceName,
  ) {}
  check(m: Model): boolean {
    const inUse = [...m.world.services.values()].some((s) => s.sc !== 'off' && s.namespace === this.name);
    return m.world.namespaces.has(this.name) && (this.o.removeNamespaceInUse || !inUse);
  }
  async run(m: Model): Promise<void> {
    m.world.namespaces.delete(this.name);
    m.removed.add(`Namespace/${this.name}`);
    // A namespace removed before any pass created it does not exist: the services naming it cannot
    // be created and say so (one that exists is kept, and they converge).
    for (const [name, s] of m.world.services) {
      if (s.sc !== 'off' && s.namespace === this.name) m.allowedStalls.set(`Service/${name}`, /namespace \S+ does not exist/);
    }
  }
  toString(): string {
    return `removeNamespace(${this.name})`;
  }
}

export class PutTaskDefinition implements Cmd {
  constructor(
    readonly o: CommandOptions,
    readonly name: TaskDefinitionName,
    readonly decl: TaskDefinitionDecl,
  ) {}
  check(m: Model): boolean {
    // The appProtocol of a port Service Connect serves cannot change in place: that is a replace,
    // which passes here do not allow. A service running the task definition may still serve the
    // port live (its manifest turned Service Connect off, no pass yet): keep the change for task
    // definitions no declared service runs.
    const current = m.world.taskDefinitions.get(this.name);
    const run = [...m.world.services.values()].some((s) => s.taskDefinition === this.name);
    if (current && run && current.appProtocol !== this.decl.appProtocol) return false;
    const tagsOnly = current !== undefined && current.team !== this.decl.team && JSON.stringify({ ...current, team: null }) === JSON.stringify({ ...this.decl, team: null });
    return this.o.tagOnlyEdits || !tagsOnly;
  }
  async run(m: Model): Promise<void> {
    m.world.taskDefinitions.set(this.name, { ...this.decl });
    touched(m, `TaskDefinition/${this.name}`);
    for (const [s, d] of m.world.services) if (d.taskDefinition === this.name) touched(m, `Service/${s}`);
  }
  toString(): string {
    return `putTaskDefinition(${this.name}, ${JSON.stringify(this.decl)})`;
  }
}

/** Removes a task definition manifest no declared service runs. */
export class RemoveTaskDefinition implements Cmd {
  constructor(readonly name: TaskDefinitionName) {}
  check(m: Model): boolean {
    return m.world.taskDefinitions.has(this.name) && ![...m.world.services.values()].some((s) => s.taskDefinition === this.name);
  }
  async run(m: Model): Promise<void> {
    m.world.taskDefinitions.delete(this.name);
    m.removed.add(`TaskDefinition/${this.name}`);
  }
  toString(): string {
    return `removeTaskDefinition(${this.name})`;
  }
}

/** A discovery name no other declared server uses in that namespace. */
function freeDiscoveryName(w: World, service: ServiceName, decl: ServiceDecl, wanted: string): string {
  const taken = (dn: string): boolean => [...w.services].some(([n, s]) => n !== service && s.sc === 'server' && s.namespace === decl.namespace && s.discoveryName === dn);
  if (!taken(wanted)) return wanted;
  return taken(service) ? `${service}-${decl.namespace.split('.')[0] ?? 'x'}` : service;
}

/** Adds or edits a service (its task definition and namespace must be declared). */
export class PutService implements Cmd {
  constructor(
    readonly o: CommandOptions,
    readonly name: ServiceName,
    readonly decl: ServiceDecl,
  ) {}
  check(m: Model): boolean {
    const current = m.world.services.get(this.name);
    if (current && current.compute !== this.decl.compute && !this.o.computeSwitch) return false;
    if (!current && m.removed.has(`Service/${this.name}`) && !this.o.reAdd) return false;
    return m.world.taskDefinitions.has(this.decl.taskDefinition) && (this.decl.sc === 'off' || m.world.namespaces.has(this.decl.namespace));
  }
  async run(m: Model): Promise<void> {
    const decl = { ...this.decl, discoveryName: freeDiscoveryName(m.world, this.name, this.decl, this.decl.discoveryName) };
    m.world.services.set(this.name, decl);
    touched(m, `Service/${this.name}`);
  }
  toString(): string {
    return `putService(${this.name}, ${JSON.stringify(this.decl)})`;
  }
}

export class RemoveService implements Cmd {
  constructor(readonly name: ServiceName) {}
  check(m: Model): boolean {
    return m.world.services.has(this.name);
  }
  async run(m: Model): Promise<void> {
    m.world.services.delete(this.name);
    m.removed.add(`Service/${this.name}`);
    touched(m, `Service/${this.name}`);
  }
  toString(): string {
    return `removeService(${this.name})`;
  }
}

/** Renames a service: the old manifest goes, one with another name and the same spec comes. */
export class RenameService implements Cmd {
  constructor(
    readonly o: CommandOptions,
    readonly from: ServiceName,
    readonly to: ServiceName,
    readonly keepDiscoveryName: boolean,
  ) {}
  check(m: Model): boolean {
    return this.from !== this.to && m.world.services.has(this.from) && !m.world.services.has(this.to) && (this.o.reAdd || !m.removed.has(`Service/${this.to}`));
  }
  async run(m: Model): Promise<void> {
    const decl = m.world.services.get(this.from);
    if (!decl) return;
    m.world.services.delete(this.from);
    m.removed.add(`Service/${this.from}`);
    const moved = { ...decl, discoveryName: this.keepDiscoveryName ? decl.discoveryName : this.to };
    m.world.services.set(this.to, { ...moved, discoveryName: freeDiscoveryName(m.world, this.to, moved, moved.discoveryName) });
    touched(m, `Service/${this.from}`);
    touched(m, `Service/${this.to}`);
    m.renamed.delete(this.to);
    if (this.o.pruneOnlyAfterSuccess) m.renamed.set(this.from, this.to);
    if (this.keepDiscoveryName && decl.sc === 'server') {
      // The new service wants the discovery name the old one holds until it is INACTIVE.
      m.allowedStalls.set(`Service/${this.to}`, /discoveryName|already in use|drain/i);
      m.allowedStalls.set(`Service/${this.from}`, /./);
    }
  }
  toString(): string {
    return `renameService(${this.from} -> ${this.to}${this.keepDiscoveryName ? ', same discovery name' : ''})`;
  }
}

/** Another writer changes a service we manage (its desired count, or a forced deployment). */
export class OtherWriterUpdate implements Cmd {
  constructor(
    readonly name: ServiceName,
    readonly desiredCount: number | null,
  ) {}
  check(): boolean {
    return true;
  }
  async run(_m: Model, r: Real): Promise<void> {
    const update = this.desiredCount === null ? { forceNewDeployment: true } : { desiredCount: this.desiredCount };
    await r.aws.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: this.name, ...update })).catch(() => undefined);
    r.log.push(this.toString());
  }
  toString(): string {
    return `otherWriterUpdate(${this.name}, ${this.desiredCount === null ? 'forceNewDeployment' : `desiredCount ${this.desiredCount}`})`;
  }
}

/** Another writer deletes a service we manage. */
export class OutOfBandDeleteService implements Cmd {
  constructor(readonly name: ServiceName) {}
  check(): boolean {
    return true;
  }
  async run(_m: Model, r: Real): Promise<void> {
    await r.aws.ecs.send(new DeleteServiceCommand({ cluster: CLUSTER, service: this.name, force: true })).catch(() => undefined);
    r.log.push(this.toString());
  }
  toString(): string {
    return `outOfBandDeleteService(${this.name})`;
  }
}

/** Another writer deregisters the newest revision of a family we manage. */
export class OutOfBandDeregister implements Cmd {
  constructor(readonly family: TaskDefinitionName) {}
  check(): boolean {
    return true;
  }
  async run(_m: Model, r: Real): Promise<void> {
    const revisions = r.harness.sim.dumpState().regions['us-east-1']?.ecs.taskDefinitions[this.family] ?? [];
    const newest = [...revisions].reverse().find((t) => t.status === 'ACTIVE');
    if (newest) await r.aws.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: newest.arn }));
    r.log.push(this.toString());
  }
  toString(): string {
    return `outOfBandDeregister(${this.family})`;
  }
}

/** Another writer deletes a log group a task definition of ours logs to. */
export class OutOfBandDeleteLogGroup implements Cmd {
  constructor(readonly family: TaskDefinitionName) {}
  check(): boolean {
    return true;
  }
  async run(_m: Model, r: Real): Promise<void> {
    await r.aws.logs.send(new DeleteLogGroupCommand({ logGroupName: logGroupOf(this.family) })).catch(() => undefined);
    r.log.push(this.toString());
  }
  toString(): string {
    return `outOfBandDeleteLogGroup(${this.family})`;
  }
}

/**
 * CreateService of this service answers 5xx until the final passes (which clear every fault): a
 * creation that fails while the pass could prune (a renamed service's old name, issue 11 item 15).
 */
export class ArmCreateFailure implements Cmd {
  constructor(readonly name: ServiceName) {}
  check(): boolean {
    return true;
  }
  async run(_m: Model, r: Real): Promise<void> {
    r.harness.sim.addFault({ operation: 'CreateService', resource: this.name, count: 1_000, effect: { type: 'error', errorType: 'ServerException' } });
    r.log.push(this.toString());
  }
  toString(): string {
    return `armCreateFailure(${this.name})`;
  }
}

/** The next deployment an UpdateService starts for this service trips the circuit breaker. */
export class ArmRolloutFailure implements Cmd {
  constructor(readonly name: ServiceName) {}
  check(m: Model): boolean {
    return !m.armed.has(this.name);
  }
  async run(m: Model, r: Real): Promise<void> {
    r.harness.sim.addFault({ operation: 'UpdateService', resource: this.name, effect: { type: 'rolloutFailure' } });
    m.armed.add(this.name);
  }
  toString(): string {
    return `armRolloutFailure(${this.name})`;
  }
}

// --- Generators ---------------------------------------------------------------------------

const serviceName = fc.constantFrom(...SERVICES);
const nsName = fc.constantFrom(...NAMESPACES);
const tdName = fc.constantFrom(...TASK_DEFINITIONS);

const tdDecl: fc.Arbitrary<TaskDefinitionDecl> = fc.record({
  image: fc.integer({ min: 20, max: 23 }),
  logs: fc.boolean(),
  appProtocol: fc.constantFrom('http' as const, 'grpc' as const),
  team: fc.constantFrom(null, 'red', 'blue'),
  calls: fc.constantFrom(null, null, ...SERVICES),
});

const clusterDecl: fc.Arbitrary<ClusterDecl> = fc.record({
  containerInsights: fc.constantFrom(null, 'enabled' as const, 'disabled' as const),
  defaultProvider: fc.constantFrom(null, 'FARGATE' as const, 'FARGATE_SPOT' as const),
});

const serviceDecl: fc.Arbitrary<ServiceDecl> = fc.record({
  taskDefinition: tdName,
  desiredCount: fc.integer({ min: 0, max: 3 }),
  sc: fc.constantFrom('off' as const, 'client' as const, 'server' as const),
  namespace: nsName,
  alias: fc.constantFrom(80, 8080),
  discoveryName: serviceName,
  compute: fc.constantFrom('FARGATE' as const, 'FARGATE_SPOT' as const),
});

/** Which kinds of command the generator may use: those needing an engine change wait for it. */
export interface CommandOptions {
  /** Out-of-band log group deletion (issue 11 item 12). */
  deleteLogGroup: boolean;
  /** Task definition tags edited alone (issue 11 item 7). */
  tagOnlyEdits: boolean;
  /** Launch type <-> capacity provider strategy (issue 11 item 8). */
  computeSwitch: boolean;
  /** Namespaces removed while a service uses them (issue 11 item 2). */
  removeNamespaceInUse: boolean;
  /**
   * Remove then re-add with the same spec, and services deleted out of band (which the engine
   * creates again with the same spec): idempotency tokens, issue 11 item 3; DRAINING, item 4.
   */
  reAdd: boolean;
  /** A revision deregistered out of band is registered again (not an issue 11 item; see the regression test). */
  deregisterOutOfBand: boolean;
  /**
   * Creations that fail (CreateService answering 5xx), and the invariant that a renamed service's
   * old name is deleted only once its new one runs: prune only after the pass's creates and
   * updates succeeded (issue 11 item 15).
   */
  pruneOnlyAfterSuccess: boolean;
}

/** The command generators. */
export function commandArbitraries(o: CommandOptions): fc.Arbitrary<Cmd>[] {
  const arbs: fc.Arbitrary<Cmd>[] = [
    fc.constant(new Pass()),
    fc.constant(new Pass()),
    fc.integer({ min: 1, max: 1_000_000 }).map((seed) => new FaultyPass(seed)),
    fc.constant(new Restart()),
    clusterDecl.map((d) => new PutCluster(d)),
    fc.tuple(nsName, fc.integer({ min: 1, max: 3 })).map(([n, d]) => new PutNamespace(o, n, d)),
    nsName.map((n) => new RemoveNamespace(o, n)),
    fc.tuple(tdName, tdDecl).map(([n, d]) => new PutTaskDefinition(o, n, d)),
    fc.tuple(serviceName, serviceDecl).map(([n, d]) => new PutService(o, n, d)),
    fc.tuple(serviceName, serviceDecl).map(([n, d]) => new PutService(o, n, d)),
    serviceName.map((n) => new RemoveService(n)),
    tdName.map((n) => new RemoveTaskDefinition(n)),
    fc.tuple(serviceName, serviceName, fc.boolean()).map(([a, b, keep]) => new RenameService(o, a, b, keep)),
    fc.tuple(serviceName, fc.option(fc.integer({ min: 0, max: 4 }), { nil: null })).map(([n, c]) => new OtherWriterUpdate(n, c)),

    serviceName.map((n) => new ArmRolloutFailure(n)),
  ];
  if (o.reAdd) arbs.push(serviceName.map((n) => new OutOfBandDeleteService(n)));
  if (o.deregisterOutOfBand) arbs.push(tdName.map((n) => new OutOfBandDeregister(n)));
  if (o.deleteLogGroup) arbs.push(tdName.map((n) => new OutOfBandDeleteLogGroup(n)));
  if (o.pruneOnlyAfterSuccess) arbs.push(serviceName.map((n) => new ArmCreateFailure(n)));
  return arbs;
}
