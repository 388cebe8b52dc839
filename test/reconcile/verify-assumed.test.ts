/**
 * The once-per-resync checks (issue 11 item 12), through the engine against the simulator: what a
 * process takes to exist without reading it — the revision it knows for a manifest, the log groups
 * its task definitions log to — is read again on a verifying pass, and repaired when another writer
 * removed it; a pass that does not verify costs none of those reads. The daemon's timing of those
 * passes is in test/daemon/verify-assumed.test.ts.
 */
import { DeleteLogGroupCommand, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DeregisterTaskDefinitionCommand, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import type { DesiredResource } from '../../src/manifests/model.js';
import { applyPass } from '../../src/reconcile/engine.js';
import { ENGINE_PASS, useEngineSimulator } from '../helpers/engine.js';
import { ReconcileState } from '../../src/reconcile/state.js';
import { CLUSTER, loggingTaskDefinition, manifests, service } from './plan-fixtures.js';

const env = useEngineSimulator();
const options = ENGINE_PASS;

beforeEach(() => env.sim.resetState());

const NS = 'kind: Namespace\nmetadata: {name: apps}\nspec: {type: HTTP}\n';

const world = (...names: string[]): DesiredResource[] => manifests(NS, CLUSTER, ...names.flatMap((n) => [loggingTaskDefinition(n), service(n, { server: true })]));

async function pass(state: ReconcileState, desired: DesiredResource[], verifyAssumed: boolean | 'log-groups'): Promise<Map<string, string>> {
  const { result } = await applyPass(desired, env.ports, state, { ...options, ...(verifyAssumed !== false ? { verifyAssumed } : {}) });
  return new Map(result.results.map((r) => [r.key, r.outcome]));
}

const calls = (service: 'ecs' | 'logs', op: string): number => env.sim.calls().services[service]?.operations[op]?.calls ?? 0;
const logGroupExists = async (name: string): Promise<boolean> =>
  ((await env.aws.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }))).logGroups ?? []).some((g) => g.logGroupName === name);
const activeRevisions = async (family: string): Promise<string[]> =>
  (await env.aws.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family, status: 'ACTIVE' }))).taskDefinitionArns ?? [];

test('a log group deleted out of band is created again by a verifying pass, reported created only once it exists', async () => {
  const state = new ReconcileState();
  expect((await pass(state, world('web'), false)).get('LogGroup//ecs/web')).toBe('created');
  await env.aws.logs.send(new DeleteLogGroupCommand({ logGroupName: '/ecs/web' }));

  // A pass that does not verify takes the group on trust: nothing is read, nothing planned.
  env.sim.resetCalls();
  expect((await pass(state, world('web'), false)).has('LogGroup//ecs/web')).toBe(false);
  expect(calls('logs', 'DescribeLogGroups')).toBe(0);
  expect(await logGroupExists('/ecs/web')).toBe(false);

  const repaired = await pass(state, world('web'), true);
  expect(repaired.get('LogGroup//ecs/web')).toBe('created');
  expect(await logGroupExists('/ecs/web')).toBe(true);
  // Nothing else was touched: the task definition and the service stay as they were.
  expect(repaired.get('TaskDefinition/web')).toBe('unchanged');
  expect(repaired.get('Service/web')).toBe('unchanged');

  env.sim.resetCalls();
  expect((await pass(state, world('web'), true)).get('LogGroup//ecs/web')).toBe('unchanged');
  expect(env.sim.calls().mutatingCalls).toBe(0);
});

test('a revision another writer deregistered is registered again by a verifying pass, in this process and in a new one', async () => {
  const state = new ReconcileState();
  await pass(state, world('web'), false);
  const [first] = await activeRevisions('web');
  if (first === undefined) throw new Error('no revision registered');
  await env.aws.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: first }));

  expect((await pass(state, world('web'), false)).get('TaskDefinition/web')).toBe('unchanged');
  expect((await pass(state, world('web'), true)).get('TaskDefinition/web')).toBe('created');
  const [again] = await activeRevisions('web');
  expect(again).toBeDefined();
  expect(again).not.toBe(first);

  // A new process knows the revision only from the service's tag: the same check catches it.
  await env.aws.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: again ?? '' }));
  const fresh = new ReconcileState();
  expect((await pass(fresh, world('web'), true)).get('TaskDefinition/web')).toBe('created');
  expect(await activeRevisions('web')).toHaveLength(1);
  env.sim.resetCalls();
  await pass(fresh, world('web'), true);
  expect(env.sim.calls().mutatingCalls).toBe(0);
});

test('a verifying pass with nothing to repair costs one ListTaskDefinitions per family and one DescribeLogGroups per 50 log groups, and writes nothing', async () => {
  const names = Array.from({ length: 3 }, (_, i) => `svc${i}`);
  const state = new ReconcileState();
  await pass(state, world(...names), false);
  await pass(state, world(...names), false);

  env.sim.resetCalls();
  await pass(state, world(...names), false);
  const steady = env.sim.calls().totals.calls;
  expect(calls('ecs', 'ListTaskDefinitions')).toBe(0);
  expect(calls('logs', 'DescribeLogGroups')).toBe(0);

  env.sim.resetCalls();
  await pass(state, world(...names), true);
  expect(calls('ecs', 'ListTaskDefinitions')).toBe(names.length);
  expect(calls('logs', 'DescribeLogGroups')).toBe(1);
  expect(env.sim.calls().totals.calls).toBe(steady + names.length + 1);
  expect(env.sim.calls().mutatingCalls).toBe(0);
});

test('a revision still ACTIVE but no longer the newest is kept, not registered again', async () => {
  const state = new ReconcileState();
  await pass(state, world('web'), false);
  const [ours] = await activeRevisions('web');
  // Another writer registers a newer revision of the family (say, by hand).
  const { RegisterTaskDefinitionCommand } = await import('@aws-sdk/client-ecs');
  await env.aws.ecs.send(new RegisterTaskDefinitionCommand({ family: 'web', containerDefinitions: [{ name: 'web', image: 'nginx:2' }], requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '256', memory: '512' }));
  env.sim.resetCalls();
  expect((await pass(state, world('web'), true)).get('TaskDefinition/web')).toBe('unchanged');
  expect(calls('ecs', 'RegisterTaskDefinition')).toBe(0);
  expect(await activeRevisions('web')).toContain(ours);
});

test('checking only the log groups (a one-shot apply) repairs a deleted group without reading any family', async () => {
  const state = new ReconcileState();
  await pass(state, world('web'), false);
  await env.aws.logs.send(new DeleteLogGroupCommand({ logGroupName: '/ecs/web' }));
  env.sim.resetCalls();
  expect((await pass(state, world('web'), 'log-groups')).get('LogGroup//ecs/web')).toBe('created');
  expect(calls('ecs', 'ListTaskDefinitions')).toBe(0);
  expect(calls('logs', 'DescribeLogGroups')).toBe(1);
  expect(await logGroupExists('/ecs/web')).toBe(true);
});
