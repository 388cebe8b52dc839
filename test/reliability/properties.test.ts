/**
 * Property tests (fast-check, fixed seeds printed on failure):
 * - for random valid desired states and random live states (empty, an earlier partial apply, or
 *   out-of-band drift made through the SDK), apply then plan yields an empty plan, against the
 *   simulator; and every registered task definition, as DescribeTaskDefinition returns it,
 *   normalises equal to its manifest;
 * - normalisation is idempotent and removes exactly what AWS adds on read;
 * - the planner never plans the deletion of a resource it does not own.
 * Replay a failure with PROPERTY_SEED=<seed> (and the printed path) in the environment.
 */
import { RegisterTaskDefinitionCommand, TagResourceCommand, UntagResourceCommand, UpdateServiceCommand, type RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { connectAws } from '../../src/aws/index.js';
import type { DesiredResource, ResourceKey } from '../../src/manifests/model.js';
import { validateSnapshot } from '../../src/manifests/validate.js';
import { silentLogger } from '../../src/observe/logger.js';
import { ReconcileState } from '../../src/reconcile/state.js';
import { asJson, isJsonObject } from '../../src/reconcile/canonical.js';
import { indexTaskDefinitions } from '../../src/reconcile/desired.js';
import { applyPass, planPass, type PassOptions } from '../../src/reconcile/engine.js';
import { canonicalServiceConnect, namespaceIndex } from '../../src/reconcile/normalize-service.js';
import { canonicalTaskDefinition, registrationInput } from '../../src/reconcile/normalize-task-definition.js';
import { emptyObservedState, serviceKey, type ObservedState } from '../../src/reconcile/observed.js';
import { TAG_MANAGED_BY, TAG_RESOURCE } from '../../src/reconcile/ownership.js';
import { planChanges } from '../../src/reconcile/plan.js';
import { isChange, type Plan } from '../../src/reconcile/plan-types.js';
import type { AwsPorts, JsonObject, LiveService, TagMap } from '../../src/reconcile/ports.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { reportRow } from '../helpers/report.js';
import { clientsFor, type TestClients } from '../helpers/aws.js';

const SEED = Number(process.env.PROPERTY_SEED ?? 7_2024);
// Random desired and live states applied against the simulator (more in the report run).
const APPLY_RUNS = Number(process.env.PROPERTY_RUNS ?? (process.env.RELIABILITY_FULL === '1' ? 60 : 20));
const CONTROLLER = 'switchboard';

// --- Random desired states ------------------------------------------------------------------

// Valid Fargate task sizes: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
const FARGATE_SIZES: readonly (readonly [string, string])[] = [
  ['256', '512'],
  ['256', '2048'],
  ['512', '1024'],
  ['512', '4096'],
  ['1024', '2048'],
  ['1024', '8192'],
  ['2048', '16384'],
  ['1 vCPU', '3 GB'],
];
const IMAGES = ['public.ecr.aws/nginx/nginx:1.27', 'public.ecr.aws/docker/library/alpine:3.20', 'public.ecr.aws/docker/library/busybox:1.36'];

interface ContainerGen {
  image: string;
  env: [string, string][];
  ports: ('http' | 'http2' | 'grpc' | 'tcp')[];
  essential: boolean;
  logs: boolean;
}
interface ServiceGen {
  td: number;
  desiredCount: number;
  mode: 'none' | 'client' | 'server';
  ns: number;
  port: number;
  alias: number | null;
  tags: Record<string, string> | null;
}
interface StateGen {
  namespaces: number;
  clusterDefaultNamespace: boolean;
  tds: { size: number; containers: ContainerGen[]; tags: Record<string, string> | null }[];
  services: ServiceGen[];
}

const tagsArb = fc.option(fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9-]{0,7}$/), fc.stringMatching(/^[A-Za-z0-9 ._-]{0,10}$/), { maxKeys: 2 }), { nil: null });
const containerArb: fc.Arbitrary<ContainerGen> = fc.record({
  image: fc.constantFrom(...IMAGES),
  env: fc.uniqueArray(fc.tuple(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,8}$/), fc.string({ maxLength: 12 })), { maxLength: 3, selector: (e) => e[0] }),
  ports: fc.array(fc.constantFrom('http' as const, 'http2' as const, 'grpc' as const, 'tcp' as const), { maxLength: 2 }),
  essential: fc.boolean(),
  logs: fc.boolean(),
});
const stateArb: fc.Arbitrary<StateGen> = fc.record({
  namespaces: fc.integer({ min: 1, max: 3 }),
  clusterDefaultNamespace: fc.boolean(),
  tds: fc.array(fc.record({ size: fc.nat({ max: FARGATE_SIZES.length - 1 }), containers: fc.array(containerArb, { minLength: 1, maxLength: 3 }), tags: tagsArb }), { minLength: 1, maxLength: 3 }),
  services: fc.array(
    fc.record({
      td: fc.nat(),
      desiredCount: fc.integer({ min: 0, max: 3 }),
      mode: fc.constantFrom('none' as const, 'client' as const, 'server' as const),
      ns: fc.nat(),
      port: fc.nat(),
      alias: fc.option(fc.integer({ min: 1024, max: 65_000 }), { nil: null }),
      tags: tagsArb,
    }),
    { maxLength: 4 },
  ),
});

const nsName = (i: number): string => `prop-ns-${i}`;

/** The port names of a generated task definition, in order. */
function portsOf(td: StateGen['tds'][number], i: number): string[] {
  return td.containers.flatMap((c, ci) => c.ports.map((_, pi) => `td${i}-c${ci}-p${pi}`));
}

/** Manifest documents for a generated state; `variant` changes values the way an earlier version would have. */
function manifests(s: StateGen, variant = false): JsonObject[] {
  const docs: JsonObject[] = [];
  const meta = (kind: string, name: string): JsonObject => ({ apiVersion: 'switchboard.dev/v1alpha1', kind, metadata: { name } });
  for (let i = 0; i < s.namespaces; i++) docs.push({ ...meta('Namespace', nsName(i)), spec: { type: 'HTTP' } });
  docs.push({ ...meta('Cluster', 'default'), spec: s.clusterDefaultNamespace ? { serviceConnectDefaults: { namespace: nsName(0) } } : {} });
  s.tds.forEach((td, i) => {
    const [cpu, memory] = FARGATE_SIZES[td.size] ?? ['256', '512'];
    let port = 8000;
    const containers = td.containers.map((c, ci) => ({
      name: `c${ci}`,
      image: variant && ci === 0 ? 'public.ecr.aws/docker/library/busybox:1.35' : c.image,
      essential: ci === 0 ? true : c.essential,
      ...(c.env.length > 0 || variant ? { environment: [...c.env, ...(variant ? [['OLD', '1'] as [string, string]] : [])].map(([name, value]) => ({ name, value })) } : {}),
      ...(c.ports.length > 0
        ? { portMappings: c.ports.map((p, pi) => ({ name: `td${i}-c${ci}-p${pi}`, containerPort: port++, ...(p === 'tcp' ? {} : { appProtocol: p }) })) }
        : {}),
      ...(c.logs ? { logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': `/ecs/prop-td${i}`, 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': `c${ci}` } } } : {}),
    }));
    docs.push({
      ...meta('TaskDefinition', `prop-td${i}`),
      spec: {
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu,
        memory,
        // Fargate's awslogs driver needs the task execution role.
        ...(td.containers.some((c) => c.logs) ? { executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole' } : {}),
        containerDefinitions: containers,
        ...(td.tags ? { tags: td.tags } : {}),
      },
    });
  });
  s.services.forEach((svc, i) => {
    const tdIndex = svc.td % s.tds.length;
    const td = s.tds[tdIndex];
    const ports = td ? portsOf(td, tdIndex) : [];
    const ns = nsName((svc.ns + (variant ? 1 : 0)) % s.namespaces);
    const name = `prop-svc${i}`;
    const mode = svc.mode === 'server' && ports.length === 0 ? 'client' : svc.mode;
    let sc: JsonObject | undefined;
    if (mode === 'client') {
      // With a cluster default namespace, a client may leave the namespace out.
      sc = s.clusterDefaultNamespace && svc.ns % 2 === 0 ? { enabled: true } : { enabled: true, namespace: ns };
    } else if (mode === 'server') {
      const portName = ports[svc.port % ports.length] ?? '';
      sc = { enabled: true, namespace: ns, services: [{ portName, discoveryName: `${name}-${portName}`, ...(svc.alias !== null ? { clientAliases: [{ port: svc.alias }] } : {}) }] };
    }
    docs.push({
      ...meta('Service', name),
      spec: {
        cluster: 'default',
        taskDefinition: `prop-td${tdIndex}`,
        desiredCount: variant ? (svc.desiredCount + 1) % 4 : svc.desiredCount,
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0123456789abcdef0'], securityGroups: ['sg-0123456789abcdef0'] } },
        ...(sc ? { serviceConnectConfiguration: sc } : {}),
        ...(svc.tags ? { tags: svc.tags } : {}),
      },
    });
  });
  return docs;
}

/** Loads generated manifests through the real validator; a generator that makes invalid input fails loudly. */
function load(docs: readonly JsonObject[]): DesiredResource[] {
  const text = docs.map((d) => stringify(d)).join('---\n');
  const result = validateSnapshot([{ path: 'generated.yaml', content: Buffer.from(text) }]);
  const errors = result.problems.filter((p) => p.severity === 'error').map((p) => `${p.line}:${p.column} ${p.resource ?? ''} ${p.path ?? ''}: ${p.message}`);
  if (errors.length > 0) throw new Error(`generated manifests are invalid:\n${errors.join('\n')}\n---\n${text}`);
  return result.resources;
}

// --- Random live states ----------------------------------------------------------------------

type Drift = 'none' | 'scale' | 'disable-service-connect' | 'untag' | 'retag' | 'hand-deployed-revision';
interface LiveGen {
  kind: 'empty' | 'partial' | 'drift';
  /** Which resources an earlier apply had (partial). */
  keep: boolean[];
  drifts: Drift[];
}
const liveArb: fc.Arbitrary<LiveGen> = fc.record({
  kind: fc.constantFrom('empty' as const, 'partial' as const, 'drift' as const),
  keep: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
  drifts: fc.array(fc.constantFrom('none' as const, 'scale' as const, 'disable-service-connect' as const, 'untag' as const, 'retag' as const), { minLength: 4, maxLength: 4 }),
});

/**
 * What an interrupted earlier apply of an older version left behind: the namespaces and the cluster,
 * some task definitions and the services on them, all with older values (image, env, desiredCount).
 */
function partialEarlier(s: StateGen, keep: readonly boolean[]): DesiredResource[] {
  const all = load(manifests(s, true));
  const keptTds = new Set(all.filter((r) => r.kind === 'TaskDefinition').filter((_, i) => keep[i] ?? true).map((r) => r.name));
  return all.filter((r) => {
    if (r.kind === 'TaskDefinition') return keptTds.has(r.name);
    if (r.kind === 'Service') return keptTds.has(r.spec.taskDefinition ?? '') && (keep[3 + Number(r.name.replace('prop-svc', ''))] ?? true);
    return true;
  });
}

// --- The simulator round trip ---------------------------------------------------------------

let sim: SimulatorHandle;
let ports: AwsPorts & { close(): void };
let aws: TestClients;

const passOptions: PassOptions = { controllerId: CONTROLLER, defaultCluster: 'default', prune: false, allowReplace: false, allowEmpty: false, maxPrune: 10, sourceHealthy: true, concurrency: 4 };
const fastWaits = { intervalMs: 5, maxIntervalMs: 20, timeoutMs: 10_000 };

async function apply(desired: readonly DesiredResource[], cache: ReconcileState): Promise<void> {
  const { result } = await applyPass(desired, ports, cache, { ...passOptions, logger: silentLogger(), wait: false, waits: fastWaits });
  const bad = result.results.filter((r) => r.outcome === 'failed' || r.needsAttention);
  if (bad.length > 0) throw new Error(`apply did not converge: ${JSON.stringify(bad.map((r) => ({ key: r.key, outcome: r.outcome, reason: r.reason, error: r.error })))}`);
}

function pending(plan: Plan): string[] {
  return plan.resources.filter((r) => isChange(r) || r.steps.length > 0 || r.outcome !== 'unchanged').map((r) => `${r.key}: ${r.outcome}: ${r.reason} ${JSON.stringify(r.changes)}`);
}

async function drift(desired: readonly DesiredResource[], drifts: readonly Drift[]): Promise<void> {
  const services = desired.filter((r) => r.kind === 'Service');
  for (const [i, r] of services.entries()) {
    const d = drifts[i] ?? 'none';
    const live = (await ports.ecs.describeServices('default', [r.name])).services[0];
    if (!live) throw new Error(`${r.key} was not created`);
    switch (d) {
      case 'none':
        break;
      case 'scale':
        await aws.ecs.send(new UpdateServiceCommand({ cluster: 'default', service: r.name, desiredCount: live.desiredCount + 2 }));
        break;
      case 'disable-service-connect':
        await aws.ecs.send(new UpdateServiceCommand({ cluster: 'default', service: r.name, serviceConnectConfiguration: { enabled: false } }));
        break;
      case 'untag': {
        const keys = Object.keys(live.tags).filter((k) => !k.startsWith('switchboard.dev/'));
        if (keys.length > 0) await aws.ecs.send(new UntagResourceCommand({ resourceArn: live.arn, tagKeys: keys }));
        break;
      }
      case 'retag':
        await aws.ecs.send(new TagResourceCommand({ resourceArn: live.arn, tags: [{ key: 'added-by-hand', value: 'yes' }] }));
        break;
      case 'hand-deployed-revision': {
        // Someone registers a changed revision of the family by hand (untagged) and points the service at it.
        const current = await ports.ecs.describeTaskDefinition(live.taskDefinition);
        const input = registrationInput(canonicalTaskDefinition(current.definition));
        const containers = Array.isArray(input.containerDefinitions) ? input.containerDefinitions : [];
        input.containerDefinitions = containers.map((c, ci) => (isJsonObject(c) && ci === 0 ? { ...c, image: 'public.ecr.aws/docker/library/busybox:hand-made' } : c));
        input.family = current.family;
        const registered = await aws.ecs.send(new RegisterTaskDefinitionCommand(input as unknown as RegisterTaskDefinitionCommandInput));
        await aws.ecs.send(new UpdateServiceCommand({ cluster: 'default', service: r.name, taskDefinition: registered.taskDefinition?.taskDefinitionArn }));
        break;
      }
      default: {
        const never: never = d;
        throw new Error(`unknown drift ${String(never)}`);
      }
    }
  }
}

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 1000 });
  ports = await connectAws({ endpoint: sim.url, region: 'us-east-1' });
  aws = clientsFor(sim.url);
});

afterAll(async () => {
  aws.destroy();
  ports.close();
  await sim.close();
});

test('for random desired and live states, apply then plan is empty, and described task definitions normalise equal to their manifests', async () => {
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(stateArb, liveArb, async (state, live) => {
      runs++;
      sim.resetState();
      const desired = load(manifests(state));
      const cache = new ReconcileState();
      if (live.kind === 'partial') await apply(partialEarlier(state, live.keep), new ReconcileState());
      if (live.kind === 'drift') {
        await apply(desired, new ReconcileState());
        await drift(desired, live.drifts);
      }
      await apply(desired, cache);

      // The same cache the apply used (what the daemon does next) and a cold one (a new process) agree: nothing to do.
      expect(pending((await planPass(desired, ports, cache, passOptions)).plan)).toEqual([]);
      const cold = await planPass(desired, ports, new ReconcileState(), passOptions);
      expect(pending(cold.plan)).toEqual([]);

      // The revision the plan reuses, as DescribeTaskDefinition returns it, is the manifest once normalised.
      for (const td of indexTaskDefinitions(desired).values()) {
        const arn = cold.observed.taskDefinitions.get(td.key)?.matchingArn;
        expect([td.key, arn]).toEqual([td.key, expect.any(String)]);
        const described = await ports.ecs.describeTaskDefinition(arn ?? td.family);
        expect(canonicalTaskDefinition(described.definition)).toEqual(td.canonical);
      }
    }),
    { numRuns: APPLY_RUNS, seed: SEED, endOnFailure: true },
  );
  expect(runs).toBe(APPLY_RUNS);
}, 60_000);

// --- Normalisation --------------------------------------------------------------------------

/** What DescribeTaskDefinition adds to a registered definition: read-only fields and filled-in defaults. */
function asAwsReturnsIt(input: JsonObject, reorder: boolean): JsonObject {
  const containers = Array.isArray(input.containerDefinitions) ? input.containerDefinitions : [];
  const described = containers.map((c) => {
    if (!isJsonObject(c)) return c;
    const out: JsonObject = { cpu: 0, essential: true, mountPoints: [], volumesFrom: [], systemControls: [], environment: [], ...c };
    if (Array.isArray(c.portMappings)) out.portMappings = c.portMappings.map((pm) => (isJsonObject(pm) ? { protocol: 'tcp', hostPort: pm.containerPort ?? null, ...pm } : pm));
    if (reorder && Array.isArray(out.environment)) out.environment = [...out.environment].reverse();
    return out;
  });
  return {
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/x:1',
    revision: 1,
    status: 'ACTIVE',
    compatibilities: ['EC2', 'FARGATE'],
    requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.docker-remote-api.1.18' }],
    registeredAt: '2024-01-01T00:00:00.000Z',
    ...input,
    containerDefinitions: reorder ? [...described].reverse() : described,
  };
}

test('task definition normalisation is idempotent and erases what AWS adds on read', () => {
  fc.assert(
    fc.property(stateArb, fc.boolean(), (state, reorder) => {
      for (const td of indexTaskDefinitions(load(manifests(state).filter((d) => d.kind === 'TaskDefinition'))).values()) {
        const once = canonicalTaskDefinition(td.input);
        expect(canonicalTaskDefinition(once)).toEqual(once);
        expect(canonicalTaskDefinition(asAwsReturnsIt(td.input, reorder))).toEqual(once);
      }
    }),
    { numRuns: 150, seed: SEED },
  );
});

const scArb = fc.record({
  enabled: fc.boolean(),
  namespace: fc.option(fc.constantFrom('ns-a', 'ns-b', 'arn:aws:servicediscovery:us-east-1:000000000000:namespace/ns-c-id', 'unknown-ns', ''), { nil: undefined }),
  services: fc.option(
    fc.array(
      fc.record({
        portName: fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/),
        discoveryName: fc.option(fc.oneof(fc.constant(''), fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/)), { nil: undefined }),
        clientAliases: fc.option(fc.array(fc.record({ port: fc.integer({ min: 1, max: 65_535 }), dnsName: fc.option(fc.stringMatching(/^[a-z][a-z0-9.-]{0,8}$/), { nil: undefined }) }), { maxLength: 1 }), { nil: undefined }),
      }),
      { maxLength: 3 },
    ),
    { nil: undefined },
  ),
  accessLogConfiguration: fc.option(fc.record({ format: fc.constantFrom('TEXT', 'JSON'), includeQueryParameters: fc.constantFrom('DISABLED', 'ENABLED') }), { nil: undefined }),
  defaultNamespace: fc.option(fc.constantFrom('ns-a', 'ns-b'), { nil: undefined }),
});

test('Service Connect normalisation is idempotent', () => {
  const index = namespaceIndex([
    { name: 'ns-a', arn: 'arn:aws:servicediscovery:us-east-1:000000000000:namespace/ns-a-id' },
    { name: 'ns-b', arn: 'arn:aws:servicediscovery:us-east-1:000000000000:namespace/ns-b-id' },
    { name: 'ns-c', arn: 'arn:aws:servicediscovery:us-east-1:000000000000:namespace/ns-c-id' },
  ]);
  fc.assert(
    fc.property(scArb, ({ defaultNamespace, ...sc }) => {
      const raw = asJson(sc);
      const once = canonicalServiceConnect(raw, index, defaultNamespace);
      expect(canonicalServiceConnect(once, index, defaultNamespace)).toEqual(once);
    }),
    { numRuns: 300, seed: SEED },
  );
});

// --- Prune never deletes what is not ours ---------------------------------------------------

type Owner = 'ours' | 'other' | 'none';
const ownerArb = fc.constantFrom<Owner>('ours', 'other', 'none');
const tagsFor = (owner: Owner, key: string): TagMap =>
  owner === 'ours' ? { [TAG_MANAGED_BY]: CONTROLLER, [TAG_RESOURCE]: key } : owner === 'other' ? { [TAG_MANAGED_BY]: 'another-controller', [TAG_RESOURCE]: key } : {};

interface InventoryGen {
  services: { owner: Owner; declared: boolean }[];
  namespaces: { owner: Owner; declared: boolean; serviceCount: number }[];
  healthy: boolean;
  maxPrune: number;
}
const inventoryArb: fc.Arbitrary<InventoryGen> = fc.record({
  services: fc.array(fc.record({ owner: ownerArb, declared: fc.boolean() }), { maxLength: 6 }),
  namespaces: fc.array(fc.record({ owner: ownerArb, declared: fc.boolean(), serviceCount: fc.integer({ min: 0, max: 2 }) }), { maxLength: 4 }),
  healthy: fc.boolean(),
  maxPrune: fc.integer({ min: 0, max: 12 }),
});

function liveService(name: string, tags: TagMap): LiveService {
  const arn = `arn:aws:ecs:us-east-1:000000000000:service/default/${name}`;
  return {
    cluster: 'default',
    clusterArn: 'arn:aws:ecs:us-east-1:000000000000:cluster/default',
    name,
    arn,
    status: 'ACTIVE',
    taskDefinition: 'arn:aws:ecs:us-east-1:000000000000:task-definition/other:1',
    desiredCount: 1,
    runningCount: 1,
    raw: { serviceName: name, serviceArn: arn, launchType: 'FARGATE' },
    deployments: [],
    events: [],
    tags,
  };
}

/** A synthetic observation: every undeclared live resource is listed as an orphan, whatever its tags say. */
function observation(inv: InventoryGen, declaredNames: Set<string>): ObservedState {
  const observed = emptyObservedState();
  inv.services.forEach((s, i) => {
    const name = `svc-${i}`;
    const live = liveService(name, tagsFor(s.owner, `Service/${name}`));
    if (declaredNames.has(`Service/${name}`)) observed.services.set(serviceKey('default', name), live);
    else observed.orphans.services.push(live);
  });
  inv.namespaces.forEach((n, i) => {
    const name = `ns-${i}`;
    const namespace = { id: `ns-id-${i}`, arn: `arn:aws:servicediscovery:us-east-1:000000000000:namespace/ns-id-${i}`, name, type: 'HTTP', serviceCount: n.serviceCount };
    observed.namespaces.push(namespace);
    observed.namespaceTags.set(namespace.arn, tagsFor(n.owner, `Namespace/${name}`));
    if (!declaredNames.has(`Namespace/${name}`)) observed.orphans.namespaces.push({ namespace, key: `Namespace/${name}` });
  });
  return observed;
}

function declaredResources(inv: InventoryGen): DesiredResource[] {
  const docs: JsonObject[] = [];
  inv.namespaces.forEach((n, i) => {
    if (n.declared) docs.push({ apiVersion: 'switchboard.dev/v1alpha1', kind: 'Namespace', metadata: { name: `ns-${i}` }, spec: { type: 'HTTP' } });
  });
  if (docs.length === 0) docs.push({ apiVersion: 'switchboard.dev/v1alpha1', kind: 'Namespace', metadata: { name: 'always-declared' }, spec: { type: 'HTTP' } });
  return load(docs);
}

/** Every delete in the plan, with the tags of what it deletes. */
function deletions(plan: Plan, observed: ObservedState): { key: ResourceKey; tags: TagMap | undefined }[] {
  return plan.resources
    .filter((r) => r.outcome === 'delete')
    .map((r) => {
      const step = r.steps[0];
      let tags: TagMap | undefined;
      if (step?.op === 'deleteService') tags = observed.orphans.services.find((s) => s.name === step.service)?.tags;
      if (step?.op === 'deleteNamespace') tags = observed.namespaceTags.get(observed.namespaces.find((n) => n.id === step.id)?.arn ?? '');
      return { key: r.key, tags };
    });
}

test('prune deletes only owned orphans, never more than --max-prune, nothing from an unhealthy source, and no namespace that still has services', () => {
  fc.assert(
    fc.property(inventoryArb, (inv) => {
      // An observation as observe() builds it: only undeclared resources tagged as ours are orphans.
      const desired = declaredResources(inv);
      const declaredKeys = new Set(desired.map((r) => r.key));
      const observed = observation(inv, declaredKeys);
      observed.orphans.services = observed.orphans.services.filter((s) => s.tags[TAG_MANAGED_BY] === CONTROLLER);
      observed.orphans.namespaces = observed.orphans.namespaces.filter((n) => observed.namespaceTags.get(n.namespace.arn)?.[TAG_MANAGED_BY] === CONTROLLER);
      const plan = planChanges(desired, observed, { ...passOptions, prune: true, sourceHealthy: inv.healthy, maxPrune: inv.maxPrune });
      const deleted = deletions(plan, observed);
      for (const d of deleted) {
        expect(d.tags?.[TAG_MANAGED_BY]).toBe(CONTROLLER);
        expect(declaredKeys.has(d.key)).toBe(false);
      }
      if (!inv.healthy) expect(deleted).toEqual([]);
      expect(deleted.length).toBeLessThanOrEqual(inv.maxPrune);
      for (const r of plan.resources.filter((x) => x.outcome === 'delete' && x.kind === 'Namespace')) {
        const step = r.steps[0];
        expect(step?.op === 'deleteNamespace' ? observed.namespaces.find((n) => n.id === step.id)?.serviceCount : -1).toBe(0);
      }
    }),
    { numRuns: 300, seed: SEED },
  );
});

// The planner re-checks `switchboard.dev/managed-by` on every orphan it is handed, so a wrong or
// stale observation can never turn into a deletion of someone else's resource.
test('the planner itself never plans the deletion of a resource tagged for another controller or for none', () => {
  fc.assert(
    fc.property(inventoryArb, (inv) => {
      const desired = declaredResources(inv);
      const observed = observation(inv, new Set(desired.map((r) => r.key)));
      const plan = planChanges(desired, observed, { ...passOptions, prune: true, sourceHealthy: true, maxPrune: 100 });
      for (const d of deletions(plan, observed)) expect([d.key, d.tags?.[TAG_MANAGED_BY]]).toEqual([d.key, CONTROLLER]);
    }),
    { numRuns: 300, seed: SEED },
  );
});

// A cold cache (after a restart, and in every one-shot `plan`/`apply`) plans what a warm one does:
// the service's own tag names the revision we set, so a revision registered by hand on top of the
// family does not make the family look unmanaged.
test('after a restart, a revision registered by hand in an owned family is planned the same as before the restart', async () => {
  sim.resetState();
  const state: StateGen = {
    namespaces: 1,
    clusterDefaultNamespace: false,
    tds: [{ size: 0, containers: [{ image: IMAGES[0] ?? '', env: [], ports: ['http'], essential: true, logs: false }], tags: null }],
    services: [{ td: 0, desiredCount: 1, mode: 'server', ns: 0, port: 0, alias: null, tags: null }],
  };
  const desired = load(manifests(state));
  const warmCache = new ReconcileState();
  await apply(desired, warmCache);
  await drift(desired, ['hand-deployed-revision']);
  const warm = pending((await planPass(desired, ports, warmCache, passOptions)).plan);
  expect(warm).toEqual([expect.stringMatching(/^Service\/prop-svc0: update: /)]);
  const cold = pending((await planPass(desired, ports, new ReconcileState(), passOptions)).plan);
  expect(cold).toEqual(warm);
});

test('the property runs are reported', () => {
  reportRow({ test: 'properties', seed: SEED, 'apply-then-plan runs': APPLY_RUNS, 'normalisation runs': 450, 'prune-ownership runs': 600 });
  expect(APPLY_RUNS).toBeGreaterThan(0);
});
