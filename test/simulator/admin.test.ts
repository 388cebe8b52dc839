import {
  CreateClusterCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  ECSClient,
  ListClustersCommand,
  RegisterTaskDefinitionCommand,
  ServiceNotFoundException,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { CloudWatchLogsClient, CreateLogGroupCommand, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { CallCounts, SimState } from '../../src/simulator/index.js';
import { clientConfig, useSimulator } from './helpers.js';

const env = useSimulator();
/** A client that never retries, so each injected fault surfaces as it is. */
let once: ECSClient;

beforeAll(async () => {
  once = new ECSClient({ ...clientConfig(env.sim.url), maxAttempts: 1 });
});

afterEach(() => {
  env.sim.clearFaults();
  env.sim.setThrottling({ enabled: false });
  env.sim.setLatency({});
});

afterAll(async () => {
  once.destroy();
});

async function admin<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${env.sim.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

test('call counters split reads and writes per service and operation, and reset', async () => {
  await admin('POST', '/_sim/calls/reset');
  await env.c.ecs.send(new CreateClusterCommand({ clusterName: 'count' }));
  await env.c.ecs.send(new DescribeClustersCommand({ clusters: ['count'] }));
  await env.c.ecs.send(new DescribeClustersCommand({ clusters: ['count'] }));
  await env.c.logs.send(new DescribeLogGroupsCommand({}));
  const counts = await admin<CallCounts>('GET', '/_sim/calls');
  expect(counts.services.ecs.operations.DescribeClusters).toEqual({ kind: 'read', calls: 2, throttled: 0, errors: 0, faults: 0 });
  expect(counts.services.ecs.operations.CreateCluster?.kind).toBe('write');
  expect(counts.services.ecs).toMatchObject({ reads: 2, writes: 1 });
  expect(counts.services.logs).toMatchObject({ reads: 1, writes: 0 });
  expect(counts.totals).toMatchObject({ calls: 4, reads: 3, writes: 1 });
  expect(counts.mutatingCalls).toBe(1);
  await admin('POST', '/_sim/calls/reset');
  expect(env.sim.calls().totals.calls).toBe(0);
});

test('a targeted fault fails the next call of that operation on that resource with the modelled exception', async () => {
  await env.c.ecs.send(new CreateClusterCommand({ clusterName: 'faulty' }));
  await admin('POST', '/_sim/faults', { targeted: [{ operation: 'UpdateService', resource: 'orders', error: 'ServiceNotFoundException', message: 'Service not found.' }] });
  // Another resource is not affected: the fault waits for its match.
  await expect(env.c.ecs.send(new UpdateServiceCommand({ cluster: 'faulty', service: 'other' }))).rejects.toThrow('Service not found.');
  expect(env.sim.engine.faults.current.targeted).toHaveLength(1);
  const err: unknown = await env.c.ecs.send(new UpdateServiceCommand({ cluster: 'faulty', service: 'orders', desiredCount: 1 })).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ServiceNotFoundException);
  expect(env.sim.engine.faults.current.targeted).toHaveLength(0);
  expect(env.sim.calls().services.ecs.operations.UpdateService?.faults).toBe(1);
});

test('an injected 5xx is retried by the SDK and the call then succeeds', async () => {
  env.sim.addFault({ operation: 'ListClusters', effect: { type: 'error', errorType: 'ServiceUnavailableException' } });
  env.sim.resetCalls();
  const out = await env.c.ecs.send(new ListClustersCommand({}));
  expect(out.$metadata.attempts).toBe(2);
  expect(env.sim.calls().services.ecs.operations.ListClusters).toMatchObject({ calls: 2, faults: 1 });
});

test('a connection reset surfaces as a network error when the client does not retry', async () => {
  env.sim.addFault({ operation: 'ListClusters', effect: { type: 'reset' } });
  await expect(once.send(new ListClustersCommand({}))).rejects.toThrow(/socket hang up|ECONNRESET/);
  await expect(once.send(new ListClustersCommand({}))).resolves.toBeDefined();
});

test('a lost response carries the call out but gives the caller no answer', async () => {
  env.sim.addFault({ operation: 'CreateCluster', resource: 'lost-answer', effect: { type: 'lostResponse' } });
  await expect(once.send(new CreateClusterCommand({ clusterName: 'lost-answer' }))).rejects.toThrow(/socket hang up|ECONNRESET/);
  const described = await once.send(new DescribeClustersCommand({ clusters: ['lost-answer'] }));
  expect(described.clusters?.[0]?.status).toBe('ACTIVE');
});

test('random faults are reproducible for a given seed', async () => {
  const run = async (): Promise<boolean[]> => {
    env.sim.setFaults({ seed: 42, rates: { serverError: 0.5 } });
    const out: boolean[] = [];
    for (let i = 0; i < 12; i++) out.push(await once.send(new ListClustersCommand({})).then(() => true, () => false));
    env.sim.clearFaults();
    return out;
  };
  const a = await run();
  const b = await run();
  expect(a).toEqual(b);
  expect(a).toContain(true);
  expect(a).toContain(false);
});

// Throttled calls answer ThrottlingException with HTTP 400, which the SDK retries with backoff:
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html
test('throttling by token bucket produces ThrottlingException and counts throttled calls', async () => {
  await admin('POST', '/_sim/throttling', { enabled: true, overrides: { 'ecs.clusterRead': { burst: 2, ratePerSecond: 0.001 } } });
  env.sim.resetCalls();
  await once.send(new DescribeClustersCommand({}));
  await once.send(new DescribeClustersCommand({}));
  const err: unknown = await once.send(new DescribeClustersCommand({})).catch((e: unknown) => e);
  expect(err).toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
  expect(env.sim.calls().services.ecs.operations.DescribeClusters).toMatchObject({ calls: 3, throttled: 1 });
});

test('CloudWatch Logs CreateLogGroup is limited to 5 calls per second by default', async () => {
  env.sim.setThrottling({ enabled: true });
  env.sim.resetCalls();
  const logs = new CloudWatchLogsClient({ ...clientConfig(env.sim.url), maxAttempts: 1 });
  const results = await Promise.all(
    Array.from({ length: 7 }, (_, i) => logs.send(new CreateLogGroupCommand({ logGroupName: `/burst/${i}` })).then(() => 'ok', (e: unknown) => (e instanceof Error ? e.name : 'error'))),
  );
  logs.destroy();
  expect(results.filter((r) => r === 'ok')).toHaveLength(5);
  expect(results.filter((r) => r === 'ThrottlingException')).toHaveLength(2);
  expect(env.sim.calls().services.logs.operations.CreateLogGroup).toMatchObject({ calls: 7, throttled: 2 });
});

test('latency delays every call by at least the fixed amount', async () => {
  await admin('POST', '/_sim/latency', { fixedMs: 40, jitterMs: 10 });
  const t0 = Date.now();
  await env.c.ecs.send(new ListClustersCommand({}));
  expect(Date.now() - t0).toBeGreaterThanOrEqual(38);
});

test('the state dump shows what the API created, and reset empties it', async () => {
  await env.c.ecs.send(
    new RegisterTaskDefinitionCommand({ family: 'dumped', containerDefinitions: [{ name: 'a', image: 'x', memory: 128 }] }),
  );
  const dump = await admin<SimState>('GET', '/_sim/state');
  expect(dump.regions['us-east-1']?.ecs.taskDefinitions.dumped?.[0]?.arn).toBe('arn:aws:ecs:us-east-1:123456789012:task-definition/dumped:1');
  await admin('POST', '/_sim/reset');
  expect(env.sim.dumpState().regions).toEqual({});
  await expect(env.c.ecs.send(new DescribeServicesCommand({ cluster: 'faulty', services: ['x'] }))).rejects.toThrow('Cluster not found.');
});

test('the time scale can be changed at run time', async () => {
  const out = await admin<{ timeScale: number }>('POST', '/_sim/time-scale', { timeScale: 100 });
  expect(out.timeScale).toBe(100);
  expect(env.sim.engine.clock.timeScale).toBe(100);
  const bad = await fetch(`${env.sim.url}/_sim/time-scale`, { method: 'POST', body: '{"timeScale":0}' });
  expect(bad.status).toBe(400);
  env.sim.setTimeScale(50);
});

test('unknown admin routes are 404', async () => {
  expect((await fetch(`${env.sim.url}/_sim/nothing`)).status).toBe(404);
});
