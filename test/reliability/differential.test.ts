/**
 * Differential test of `validate` against the simulator: for a generated corpus of manifests, each
 * a valid set of a namespace, a cluster, a task definition and a Service Connect service with one
 * value changed to a generated one (a name, a port, a tag, a timeout, a Fargate size, a missing
 * execution role, ...), `validate` reports an error if and only if the simulator refuses a request
 * the controller sends for it when validation is bypassed (the documents go straight to the
 * planner and apply). Both directions count: a value AWS accepts must validate, and one it refuses
 * must not.
 *
 * The corpus covers AWS's rules. Rules of the manifest format itself (the `metadata.name` alphabet,
 * `switchboard.dev/` tag keys reserved for the controller, a kind/name declared twice) have no AWS
 * request to compare with and are tested in test/manifests; so has what only the account knows
 * (whether a namespace no manifest declares exists), which validate reports as a warning.
 *
 * Replay with DIFFERENTIAL_SEED=<seed>; DIFFERENTIAL_VALUES sets how many values each mutation draws.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { connectAws } from '../../src/aws/index.js';
import { isKind, type DesiredResource, type Metadata } from '../../src/manifests/model.js';
import { toDesiredResource } from '../../src/manifests/normalize.js';
import { validateSnapshot } from '../../src/manifests/validate.js';
import { silentLogger } from '../../src/observe/logger.js';
import { ReconcileState } from '../../src/reconcile/state.js';
import { applyPass, type PassOptions } from '../../src/reconcile/engine.js';
import type { AwsPorts } from '../../src/reconcile/ports.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { reportRow } from '../helpers/report.js';

const SEED = Number(process.env.DIFFERENTIAL_SEED ?? 13);
const VALUES = Number(process.env.DIFFERENTIAL_VALUES ?? (process.env.RELIABILITY_FULL === '1' ? 25 : 2));

type Doc = { apiVersion: string; kind: string; metadata: Metadata; spec: Record<string, unknown> };
type Docs = { ns: Doc; cluster: Doc; td: Doc; svc: Doc };
type Container = Record<string, unknown>;

const ROLE = 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole';

/** The valid starting point every mutation changes one thing of. */
function base(): Docs {
  const head = (kind: string, name: string): Pick<Doc, 'apiVersion' | 'kind' | 'metadata'> => ({ apiVersion: 'switchboard.dev/v1alpha1', kind, metadata: { name } });
  return {
    ns: { ...head('Namespace', 'diff-ns'), spec: { type: 'HTTP', tags: { team: 'mesh' } } },
    cluster: { ...head('Cluster', 'diff-cluster'), spec: { tags: { team: 'mesh' } } },
    td: {
      ...head('TaskDefinition', 'diff-td'),
      spec: {
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        executionRoleArn: ROLE,
        containerDefinitions: [
          {
            name: 'app',
            image: 'public.ecr.aws/nginx/nginx:1.27',
            portMappings: [{ name: 'http', containerPort: 8080, appProtocol: 'http' }],
            logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/diff', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'app' } },
          },
        ],
        tags: { team: 'mesh' },
      },
    },
    svc: {
      ...head('Service', 'diff-svc'),
      spec: {
        cluster: 'diff-cluster',
        taskDefinition: 'diff-td',
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0123456789abcdef0'] } },
        serviceConnectConfiguration: {
          enabled: true,
          namespace: 'diff-ns',
          services: [{ portName: 'http', clientAliases: [{ port: 80 }] }],
        },
        tags: { team: 'mesh' },
      },
    },
  };
}

const container = (d: Docs): Container => (d.td.spec.containerDefinitions as Container[])[0] as Container;
const scService = (d: Docs): Record<string, unknown> => ((d.svc.spec.serviceConnectConfiguration as Record<string, unknown>).services as Record<string, unknown>[])[0] as Record<string, unknown>;
const alias = (d: Docs): Record<string, unknown> => (scService(d).clientAliases as Record<string, unknown>[])[0] as Record<string, unknown>;
const tagMap = (n: number, prefix = 'k'): Record<string, string> => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, 'v']));

/** Integers biased to the edges of AWS's ranges. */
const edgy = (edges: number[], min: number, max: number): fc.Arbitrary<number> =>
  fc.oneof(fc.constantFrom(...edges.flatMap((e) => [e - 1, e, e + 1])), fc.integer({ min, max }));
const text = (chars: string, min: number, max: number): fc.Arbitrary<string> => fc.string({ unit: fc.constantFrom(...chars.split('')), minLength: min, maxLength: max });
const NAME_CHARS = 'abcXYZ019_-.';
/** Names that start like `metadata.name` must (the manifest format's rule, not AWS's). */
const envelopeName = (min: number, max: number): fc.Arbitrary<string> => fc.tuple(text('abZ09', 1, 1), text(NAME_CHARS, min - 1, max - 1)).map(([a, b]) => a + b);

interface Mutation {
  name: string;
  values: fc.Arbitrary<unknown>;
  apply(d: Docs, value: never): void;
}
const mutation = <T>(name: string, values: fc.Arbitrary<T>, apply: (d: Docs, value: T) => void): Mutation => ({ name, values, apply: apply as Mutation['apply'] });

const MUTATIONS: Mutation[] = [
  // Names.
  mutation('task definition family', envelopeName(1, 12), (d, v) => void (d.td.spec.family = v)),
  mutation('service name', envelopeName(1, 12), (d, v) => void (d.svc.metadata.name = v)),
  mutation('cluster name', envelopeName(1, 12), (d, v) => {
    d.cluster.spec.clusterName = v;
    d.svc.spec.cluster = v;
  }),
  mutation('container name', text('abc AZ09_-.!', 0, 10), (d, v) => void (container(d).name = v)),
  mutation('port mapping name', text('abcAZ09_-', 1, 8), (d, v) => {
    (container(d).portMappings as Record<string, unknown>[])[0] = { name: v, containerPort: 8080, appProtocol: 'http' };
    scService(d).portName = v;
  }),
  mutation('discovery name', text('abcAZ09_-.', 1, 8), (d, v) => void (scService(d).discoveryName = v)),
  mutation('client alias dnsName', text('abcZ09_-.', 1, 10), (d, v) => void (alias(d).dnsName = v)),
  mutation('service name length', fc.integer({ min: 236, max: 255 }), (d, n) => void (d.svc.metadata.name = `s${'x'.repeat(n - 1)}`)),
  // validate leaves room in the services' `<hash>@<family>:<revision>` tag for a 7-digit revision; AWS refuses the tag
  // only once a revision has that many digits, so a family of 232-237 characters (fine up to revision 9, 99, ...)
  // cannot disagree within a test's few revisions and is left out.
  mutation('task definition name length', fc.oneof(fc.integer({ min: 225, max: 231 }), fc.integer({ min: 238, max: 255 })), (d, n) => {
    d.td.metadata.name = `t${'x'.repeat(n - 1)}`;
    d.svc.spec.taskDefinition = d.td.metadata.name;
  }),
  mutation('namespace name length', fc.integer({ min: 236, max: 255 }), (d, n) => {
    d.ns.metadata.name = `n${'x'.repeat(n - 1)}`;
    (d.svc.spec.serviceConnectConfiguration as Record<string, unknown>).namespace = d.ns.metadata.name;
  }),
  // Tags, counting the controller's own.
  mutation('task definition tag count', fc.integer({ min: 44, max: 50 }), (d, n) => void (d.td.spec.tags = tagMap(n))),
  mutation('service tag count', fc.integer({ min: 44, max: 50 }), (d, n) => void (d.svc.spec.tags = tagMap(n))),
  mutation('cluster tag count', fc.integer({ min: 44, max: 50 }), (d, n) => void (d.cluster.spec.tags = tagMap(n))),
  mutation('namespace tag count', fc.integer({ min: 44, max: 51 }), (d, n) => void (d.ns.spec.tags = tagMap(n))),
  mutation('task definition tag key', fc.oneof(text('abAZ09 _.:/=+-@!*é', 1, 12), text('ab', 1, 4).map((k) => `aws:${k}`), text('ab', 1, 4).map((k) => `AWS:${k}`)), (d, k) => void (d.td.spec.tags = { [k]: 'v' })),
  mutation('service tag value', fc.oneof(text('abAZ09 _.:/=+-@!*', 0, 12), fc.integer({ min: 250, max: 262 }).map((n) => 'v'.repeat(n)), text('ab', 0, 3).map((v) => `aws:${v}`)), (d, v) => void (d.svc.spec.tags = { note: v })),
  mutation('namespace tag key', fc.oneof(fc.integer({ min: 125, max: 131 }).map((n) => 'k'.repeat(n)), text('ab', 1, 4).map((k) => `aws:${k}`)), (d, k) => void (d.ns.spec.tags = { [k]: 'v' })),
  // Ports.
  mutation('client alias port', edgy([0, 65535], -70000, 140000), (d, v) => void (alias(d).port = v)),
  mutation('ingressPortOverride', edgy([0, 65535], -70000, 140000), (d, v) => void (scService(d).ingressPortOverride = v)),
  mutation('containerPort', fc.oneof(edgy([0, 65535], -70000, 140000), fc.constant(undefined)), (d, v) => {
    (container(d).portMappings as Record<string, unknown>[])[0] = { name: 'http', ...(v === undefined ? {} : { containerPort: v }), appProtocol: 'http' };
  }),
  mutation('awsvpc hostPort', fc.constantFrom(8080, 8081, 80, 0), (d, v) => {
    (container(d).portMappings as Record<string, unknown>[])[0] = { name: 'http', containerPort: 8080, hostPort: v, appProtocol: 'http' };
  }),
  mutation('containerPortRange', fc.tuple(edgy([1, 65535], -5, 70000), edgy([1, 65535], -5, 70000)), (d, [a, b]) => {
    (container(d).portMappings as Record<string, unknown>[]).push({ containerPortRange: `${a}-${b}` });
  }),
  // Timeouts, health checks, counts.
  mutation('idleTimeoutSeconds', edgy([0], -20, 20), (d, v) => void (scService(d).timeout = { idleTimeoutSeconds: v })),
  mutation('perRequestTimeoutSeconds', edgy([0], -20, 20), (d, v) => void (scService(d).timeout = { perRequestTimeoutSeconds: v })),
  mutation('perRequestTimeoutSeconds on a TCP port', fc.boolean(), (d, tcp) => {
    scService(d).timeout = { perRequestTimeoutSeconds: 10 };
    if (tcp) (container(d).portMappings as Record<string, unknown>[])[0] = { name: 'http', containerPort: 8080 };
  }),
  mutation('health check interval', edgy([5, 300], 0, 400), (d, v) => void (container(d).healthCheck = { command: ['CMD', 'true'], interval: v })),
  mutation('health check timeout', edgy([2, 60], 0, 100), (d, v) => void (container(d).healthCheck = { command: ['CMD', 'true'], timeout: v })),
  mutation('health check retries', edgy([1, 10], -2, 20), (d, v) => void (container(d).healthCheck = { command: ['CMD', 'true'], retries: v })),
  mutation('health check startPeriod', edgy([0, 300], -5, 400), (d, v) => void (container(d).healthCheck = { command: ['CMD', 'true'], startPeriod: v })),
  mutation('ephemeral storage', edgy([21, 200], 0, 300), (d, v) => void (d.td.spec.ephemeralStorage = { sizeInGiB: v })),
  mutation('health check grace period', edgy([0], -10, 10), (d, v) => void (d.svc.spec.healthCheckGracePeriodSeconds = v)),
  mutation('deployment percentages', fc.tuple(edgy([0], -5, 300), edgy([0], -5, 300)), (d, [min, max]) => void (d.svc.spec.deploymentConfiguration = { minimumHealthyPercent: min, maximumPercent: max })),
  mutation('client aliases', fc.integer({ min: 0, max: 3 }), (d, n) => void (scService(d).clientAliases = Array.from({ length: n }, (_, i) => ({ port: 80 + i })))),
  // Task definitions.
  mutation(
    'Fargate size',
    fc.tuple(fc.constantFrom('128', '256', '300', '512', '1024', '2048', '4096', '8192', '16384', '1 vCPU'), fc.constantFrom('256', '512', '1024', '2048', '3072', '4096', '5000', '8192', '16384', '30720', '32768', '61440', '122880', '2 GB')),
    (d, [cpu, memory]) => {
      d.td.spec.cpu = cpu;
      d.td.spec.memory = memory;
    },
  ),
  mutation(
    'execution role',
    fc.record({ role: fc.boolean(), awslogs: fc.boolean(), secrets: fc.boolean(), credentials: fc.boolean(), ecr: fc.boolean() }),
    (d, v) => {
      if (!v.role) delete d.td.spec.executionRoleArn;
      const c = container(d);
      if (!v.awslogs) delete c.logConfiguration;
      if (v.secrets) c.secrets = [{ name: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf' }];
      if (v.credentials) c.repositoryCredentials = { credentialsParameter: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:registry-AbCdEf' };
      if (v.ecr) c.image = '123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.0';
    },
  ),
  mutation('EC2 memory settings', fc.record({ task: fc.boolean(), memory: fc.boolean(), reservation: fc.boolean() }), (d, v) => {
    delete d.td.spec.requiresCompatibilities;
    delete d.td.spec.cpu;
    if (v.task) d.td.spec.memory = '1024';
    else delete d.td.spec.memory;
    d.svc.spec.launchType = 'EC2';
    if (v.memory) container(d).memory = 512;
    if (v.reservation) container(d).memoryReservation = 256;
  }),
  mutation('memory and reservation', fc.tuple(fc.integer({ min: 128, max: 512 }), fc.integer({ min: 128, max: 512 })), (d, [memory, reservation]) => {
    container(d).memory = memory;
    container(d).memoryReservation = reservation;
  }),
  mutation('essential containers', fc.tuple(fc.boolean(), fc.boolean()), (d, [first, second]) => {
    container(d).essential = first;
    (d.td.spec.containerDefinitions as Container[]).push({ name: 'sidecar', image: 'public.ecr.aws/docker/library/busybox:1.36', essential: second });
  }),
  mutation('second container name', text('apx', 1, 3), (d, v) => void (d.td.spec.containerDefinitions as Container[]).push({ name: v, image: 'public.ecr.aws/docker/library/busybox:1.36', essential: false })),
  mutation('awslogs group', fc.oneof(text('ab/_-.#:*', 1, 10), fc.constant(undefined)), (d, g) => {
    const options = (container(d).logConfiguration as Record<string, Record<string, unknown>>).options as Record<string, unknown>;
    if (g === undefined) delete options['awslogs-group'];
    else options['awslogs-group'] = g;
  }),
  mutation('awsfirelens router', fc.boolean(), (d, router) => {
    container(d).logConfiguration = { logDriver: 'awsfirelens', options: { Name: 'cloudwatch' } };
    if (router) (d.td.spec.containerDefinitions as Container[]).push({ name: 'router', image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable', essential: false, firelensConfiguration: { type: 'fluentbit' } });
  }),
  mutation('Fargate network mode', fc.constantFrom('awsvpc', 'bridge', 'host'), (d, m) => void (d.td.spec.networkMode = m)),
  // Service Connect.
  mutation('access logs', fc.record({ access: fc.boolean(), proxyLogs: fc.boolean() }), (d, v) => {
    const sc = d.svc.spec.serviceConnectConfiguration as Record<string, unknown>;
    if (v.access) sc.accessLogConfiguration = { format: 'JSON' };
    if (v.proxyLogs) sc.logConfiguration = { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/diff-proxy', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'proxy' } };
  }),
  // A namespace named like a declared one: a typo. (A name far from any declared one may be an
  // existing namespace, which only AWS knows: validate warns that it must exist.)
  mutation('namespace reference', fc.constantFrom('diff-ns', 'diff-nss', 'dif-ns'), (d, v) => void ((d.svc.spec.serviceConnectConfiguration as Record<string, unknown>).namespace = v)),
  mutation('container image', fc.constantFrom('public.ecr.aws/nginx/nginx:1.27', '', undefined), (d, v) => {
    if (v === undefined) delete container(d).image;
    else container(d).image = v;
  }),
  // A strategy may name only providers its cluster has (a cluster the controller creates has those it states).
  mutation(
    'capacity providers',
    fc.record({
      cluster: fc.subarray(['FARGATE', 'FARGATE_SPOT']),
      defaults: fc.subarray(['FARGATE', 'FARGATE_SPOT']),
      service: fc.subarray(['FARGATE', 'FARGATE_SPOT'], { minLength: 1 }),
    }),
    (d, v) => {
      d.cluster.spec.capacityProviders = v.cluster;
      if (v.defaults.length > 0) d.cluster.spec.defaultCapacityProviderStrategy = v.defaults.map((p) => ({ capacityProvider: p, weight: 1 }));
      delete d.svc.spec.launchType;
      d.svc.spec.capacityProviderStrategy = v.service.map((p) => ({ capacityProvider: p, weight: 1 }));
    },
  ),
  mutation('cluster default strategy numbers', fc.tuple(edgy([0, 1000], -5, 1200), edgy([0, 100000], -5, 100100)), (d, [weight, base]) => {
    d.cluster.spec.capacityProviders = ['FARGATE'];
    d.cluster.spec.defaultCapacityProviderStrategy = [{ capacityProvider: 'FARGATE', weight, base }];
  }),
  // Enums, anywhere in the shape.
  mutation('launch type', fc.constantFrom('FARGATE', 'FARGATEE', 'fargate'), (d, v) => void (d.svc.spec.launchType = v)),
  mutation('app protocol', fc.constantFrom('http', 'http2', 'grpc', 'HTTP', 'tcp'), (d, v) => void ((container(d).portMappings as Record<string, unknown>[])[0] = { name: 'http', containerPort: 8080, appProtocol: v })),
  mutation('access log format', fc.constantFrom('JSON', 'TEXT', 'XML'), (d, v) => {
    const sc = d.svc.spec.serviceConnectConfiguration as Record<string, unknown>;
    sc.accessLogConfiguration = { format: v };
    sc.logConfiguration = { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/diff-proxy', 'awslogs-region': 'us-east-1' } };
  }),
];

let sim: SimulatorHandle;
let ports: AwsPorts & { close(): void };
const passOptions: PassOptions = { controllerId: 'switchboard', defaultCluster: 'default', prune: false, allowReplace: false, allowEmpty: false, maxPrune: 10, sourceHealthy: true, concurrency: 4 };

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 1000 });
  ports = await connectAws({ endpoint: sim.url, region: 'us-east-1' });
});

afterAll(async () => {
  ports.close();
  await sim.close();
});

/** The documents as the planner gets them when validation is bypassed: neither schema nor rules. */
function bypassingValidation(docs: readonly Doc[]): DesiredResource[] {
  return docs.map((d) => {
    if (!isKind(d.kind)) throw new Error(`not a kind: ${d.kind}`);
    return toDesiredResource(d.kind, d.metadata, d.spec, { file: 'corpus.yaml', line: 1, column: 1 });
  });
}

/** The AWS errors the simulator answered while the controller applied `docs` to an empty account. */
async function simulatorRefusals(docs: readonly Doc[]): Promise<string[]> {
  sim.resetState();
  const { result } = await applyPass(bypassingValidation(docs), ports, new ReconcileState(), { ...passOptions, logger: silentLogger(), wait: false, waits: { intervalMs: 5, maxIntervalMs: 20, timeoutMs: 10_000 } });
  // A Service naming a namespace that neither exists nor is declared is held by the planner before
  // any call (MissingDependency), exactly where CreateService would answer NamespaceNotFoundException
  // (test/simulator/ecs-services.test.ts checks the simulator's answer): a refusal all the same.
  const held = (r: (typeof result.results)[number]): boolean => r.decision.type === 'terminal' && r.decision.reason === 'MissingDependency' && /^namespace \S+ does not exist/.test(r.reason);
  return result.results.filter((r) => r.outcome === 'failed' || held(r)).map((r) => `${r.key}: ${r.error?.code ?? '?'}: ${r.error?.message ?? r.reason}`);
}

test('validate flags a generated manifest if and only if the simulator refuses what the controller sends for it', async () => {
  const baseDocs = Object.values(base());
  // The starting point is valid on both sides, or the comparison means nothing.
  expect(validateSnapshot([{ path: 'base.yaml', content: Buffer.from(baseDocs.map((d) => stringify(d)).join('---\n')) }]).problems).toEqual([]);
  expect(await simulatorRefusals(baseDocs)).toEqual([]);

  const disagreements: string[] = [];
  let cases = 0;
  let flagged = 0;
  for (const [i, m] of MUTATIONS.entries()) {
    for (const value of fc.sample(m.values, { seed: SEED + i, numRuns: VALUES })) {
      const docs = base();
      m.apply(docs, value as never);
      const list = Object.values(docs);
      const text = list.map((d) => stringify(d)).join('---\n');
      const errors = validateSnapshot([{ path: 'corpus.yaml', content: Buffer.from(text) }]).problems.filter((p) => p.severity === 'error');
      const refusals = await simulatorRefusals(list);
      cases++;
      if (errors.length > 0) flagged++;
      if (errors.length > 0 !== refusals.length > 0) {
        disagreements.push(`${m.name} = ${JSON.stringify(value)}: validate ${errors.length > 0 ? `flags it (${errors.map((p) => `${p.code}: ${p.message}`).join('; ')})` : 'accepts it'}, the simulator ${refusals.length > 0 ? `refuses it (${refusals.join('; ')})` : 'accepts it'}`);
      }
    }
  }
  reportRow({ test: 'differential', cases, flagged, disagreements: disagreements.length, mutations: MUTATIONS.length, seed: SEED });
  process.stderr.write(`differential: ${cases} manifests (${flagged} invalid) over ${MUTATIONS.length} mutations, ${disagreements.length} disagreements\n`);
  expect(disagreements).toEqual([]);
  // The corpus exercises both sides.
  expect(flagged).toBeGreaterThan(cases / 5);
  expect(flagged).toBeLessThan(cases);
}, 240_000);
