/**
 * The once-per-resync checks (issue 11 item 12), through the engine against the simulator: what a
 * process takes to exist without reading it — the revision it knows for a manifest, the log groups
 * its task definitions log to — is read again on a verifying pass, and repaired when another writer
 * removed it; a pass that does not verify costs none of those reads. The daemon's timing of those
 * passes is in test/daemon/verify-assumed.test.ts.
 */
import { DeleteLogGroupCommand, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DeregisterTaskDefinitionCommand, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { connectAws } from '../../src/aws/index.js';
import type { DesiredResource } from '../../src/manifests/model.js';
import { silentLogger } from '../../src/observe/logger.js';
import { applyPass, type ApplyPassOptions } from '../../src/reconcile/engine.js';
import type { AwsPorts } from '../../src/reconcile/ports.js';
import { ReconcileState } from '../../src/reconcile/state.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { clientsFor, type TestClients } from '../helpers/aws.js';
import { CLUSTER, manifests, service } from './plan-fixtures.js';

let sim: SimulatorHandle;
let aws: TestClients;
let ports: AwsPorts & { close(): void };

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 1000 });
  aws = clientsFor(sim.url);
  ports = await connectAws({ endpoint: sim.url, region: 'us-east-1' });
});

afterAll(async () => {
  ports.close();
  aws.destroy();
  await sim.close();
});

beforeEach(() => sim.resetState());

const options: ApplyPassOptions = {
  controllerId: 'switchboard',
  defaultCluster: 'default',
  prune: false,
  allowReplace: false,
  allowEmpty: false,
  maxPrune: 10,
  sourceHealthy: true,
  concurrency: 4,
  logger: silentLogger(),
  wait: false,
  waits: { intervalMs: 2, maxIntervalMs: 10, timeoutMs: 5_000 },
};

const NS = 'kind: Namespace\nmetadata: {name: apps}\nspec: {type: HTTP}\n';

/** A task definition whose container logs to `/ecs/<name>` through the awslogs driver. */
function loggingTaskDefinition(name: string): string {
  return `kind: TaskDefinition
metadata: {name: ${name}}
spec:
  requiresCompatibilities: [FARGATE]
  networkMode: awsvpc
  cpu: "256"
  memory: "512"
  executionRoleArn: arn:aws:iam::123456789012:role/ecsTaskExecutionRole
  containerDefinitions:
    - name: ${name}
      image: nginx:1
      portMappings: [{name: ${name}-http, containerPort: 80, appProtocol: http}]
      logConfiguration:
        logDriver: awslogs
        options: {awslogs-group: /ecs/${name}, awslogs-region: us-east-1, awslogs-stream-prefix: ${name}}
`;
}

const world = (...names: string[]): DesiredResource[] => manifests(NS, CLUSTER, ...names.flatMap((n) => [loggingTaskDefinition(n), service(n, { server: true })]));

async function pass(state: ReconcileState, desired: DesiredResource[], verifyAssumed: boolean | 'log-groups'): Promise<Map<string, string>> {
  const { result } = await applyPass(desired, ports, state, { ...options, ...(verifyAssumed !== false ? { verifyAssumed } : {}) });
  return new Map(result.results.map((r) => [r.key, r.outcome]));
}

const calls = (service: 'ecs' | 'logs', op: string): number => sim.calls().services[service]?.operations[op]?.calls ?? 0;
const logGroupExists = async (name: string): Promise<boolean> =>
  ((await aws.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }))).logGroups ?? []).some((g) => g.logGroupName === name);
const activeRevisions = async (family: string): Promise<string[]> =>
  (await aws.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family, status: 'ACTIVE' }))).taskDefinitionArns ?? [];

test('a log group deleted out of band is created again by a verifying pass, reported created only once it exists', async () => {
  const state = new ReconcileState();
  expect((await pass(state, world('web'), false)).get('LogGroup//ecs/web')).toBe('created');
  await aws.logs.send(new DeleteLogGroupCommand({ logGroupName: '/ecs/web' }));

  // A pass that does not verify takes the group on trust: nothing is read, nothing planned.
  sim.resetCalls();
  expect((await pass(state, world('web'), false)).has('LogGroup//ecs/web')).toBe(false);
  expect(calls('logs', 'DescribeLogGroups')).toBe(0);
  expect(await logGroupExists('/ecs/web')).toBe(false);

  const repaired = await pass(state, world('web'), true);
  expect(repaired.get('LogGroup//ecs/web')).toBe('created');
  expect(await logGroupExists('/ecs/web')).toBe(true);
  // Nothing else was touched: the task definition and the service stay as they were.
  expect(repaired.get('TaskDefinition/web')).toBe('unchanged');
  expect(repaired.get('Service/web')).toBe('unchanged');

  sim.resetCalls();
  expect((await pass(state, world('web'), true)).get('LogGroup//ecs/web')).toBe('unchanged');
  expect(sim.calls().mutatingCalls).toBe(0);
});

test('a revision another writer deregistered is registered again by a verifying pass, in this process and in a new one', async () => {
  const state = new ReconcileState();
  await pass(state, world('web'), false);
  const [first] = await activeRevisions('web');
  if (first === undefined) throw new Error('no revision registered');
  await aws.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: first }));

  expect((await pass(state, world('web'), false)).get('TaskDefinition/web')).toBe('unchanged');
  expect((await pass(state, world('web'), true)).get('TaskDefinition/web')).toBe('created');
  const [again] = await activeRevisions('web');
  expect(again).toBeDefined();
  expect(again).not.toBe(first);

  // A new process knows the revision only from the service's tag: the same check catches it.
  await aws.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: again ?? '' }));
  const fresh = new ReconcileState();
  expect((await pass(fresh, world('web'), true)).get('TaskDefinition/web')).toBe('created');
  expect(await activeRevisions('web')).toHaveLength(1);
  sim.resetCalls();
  await pass(fresh, world('web'), true);
  expect(sim.calls().mutatingCalls).toBe(0);
});

test('a verifying pass with nothing to repair costs one ListTaskDefinitions per family and one DescribeLogGroups per 50 log groups, and writes nothing', async () => {
  const names = Array.from({ length: 3 }, (_, i) => `svc${i}`);
  const state = new ReconcileState();
  await pass(state, world(...names), false);
  await pass(state, world(...names), false);

  sim.resetCalls();
  await pass(state, world(...names), false);
  const steady = sim.calls().totals.calls;
  expect(calls('ecs', 'ListTaskDefinitions')).toBe(0);
  expect(calls('logs', 'DescribeLogGroups')).toBe(0);

  sim.resetCalls();
  await pass(state, world(...names), true);
  expect(calls('ecs', 'ListTaskDefinitions')).toBe(names.length);
  expect(calls('logs', 'DescribeLogGroups')).toBe(1);
  expect(sim.calls().totals.calls).toBe(steady + names.length + 1);
  expect(sim.calls().mutatingCalls).toBe(0);
});

test('a revision still ACTIVE but no longer the newest is kept, not registered again', async () => {
  const state = new ReconcileState();
  await pass(state, world('web'), false);
  const [ours] = await activeRevisions('web');
  // Another writer registers a newer revision of the family (say, by hand).
  const { RegisterTaskDefinitionCommand } = await import('@aws-sdk/client-ecs');
  await aws.ecs.send(new RegisterTaskDefinitionCommand({ family: 'web', containerDefinitions: [{ name: 'web', image: 'nginx:2' }], requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '256', memory: '512' }));
  sim.resetCalls();
  expect((await pass(state, world('web'), true)).get('TaskDefinition/web')).toBe('unchanged');
  expect(calls('ecs', 'RegisterTaskDefinition')).toBe(0);
  expect(await activeRevisions('web')).toContain(ours);
});

test('checking only the log groups (a one-shot apply) repairs a deleted group without reading any family', async () => {
  const state = new ReconcileState();
  await pass(state, world('web'), false);
  await aws.logs.send(new DeleteLogGroupCommand({ logGroupName: '/ecs/web' }));
  sim.resetCalls();
  expect((await pass(state, world('web'), 'log-groups')).get('LogGroup//ecs/web')).toBe('created');
  expect(calls('ecs', 'ListTaskDefinitions')).toBe(0);
  expect(calls('logs', 'DescribeLogGroups')).toBe(1);
  expect(await logGroupExists('/ecs/web')).toBe(true);
});
