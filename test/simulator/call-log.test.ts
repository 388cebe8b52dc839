import { CreateClusterCommand, DescribeClustersCommand, ECSClient } from '@aws-sdk/client-ecs';
import { CallCounters } from '../../src/simulator/counters.js';
import type { CallLog, SimulatorHandle } from '../../src/simulator/index.js';
import { clientConfig, startTestSimulator } from './helpers.js';

let sim: SimulatorHandle;
let ecs: ECSClient;

beforeAll(async () => {
  sim = await startTestSimulator();
  ecs = new ECSClient({ ...clientConfig(sim.url), maxAttempts: 1 });
});

afterAll(async () => {
  ecs.destroy();
  await sim.close();
});

test('the call log lists each call with its arrival time, operation, kind and outcome, and is emptied by a reset', async () => {
  sim.resetCalls();
  sim.setLatency({ fixedMs: 60 });
  const before = Date.now();
  await ecs.send(new CreateClusterCommand({ clusterName: 'logged' }));
  await ecs.send(new DescribeClustersCommand({ clusters: ['logged'] }));
  sim.setLatency({});
  sim.setThrottling({ enabled: true, overrides: { 'ecs.clusterRead': { burst: 1, ratePerSecond: 0.001 } } });
  await ecs.send(new DescribeClustersCommand({ clusters: ['logged'] }));
  await expect(ecs.send(new DescribeClustersCommand({ clusters: ['logged'] }))).rejects.toThrow(/Rate exceeded/);
  sim.setThrottling({ enabled: false, overrides: {} });

  const log = sim.callLog();
  expect(log.entries.map((e) => [e.service, e.operation, e.kind, e.outcome])).toEqual([
    ['ecs', 'CreateCluster', 'write', 'ok'],
    ['ecs', 'DescribeClusters', 'read', 'ok'],
    ['ecs', 'DescribeClusters', 'read', 'ok'],
    ['ecs', 'DescribeClusters', 'read', 'throttled'],
  ]);
  const [create, describe] = log.entries;
  // Stamped on arrival: the second call arrived only after the first one's 60 ms of latency.
  expect(create?.at).toBeGreaterThanOrEqual(before);
  expect((describe?.at ?? 0) - (create?.at ?? 0)).toBeGreaterThanOrEqual(55);
  expect(log.dropped).toBe(0);

  const viaAdmin = (await (await fetch(`${sim.url}/_sim/calls/log`)).json()) as CallLog;
  expect(viaAdmin.entries).toEqual(log.entries);

  sim.resetCalls();
  expect(sim.callLog().entries).toEqual([]);
});

test('the call log stays bounded, dropping and counting the oldest calls', () => {
  const counters = new CallCounters(100);
  for (let i = 0; i < 250; i++) counters.record('ecs', 'DescribeServices', 'read', 'ok', i);
  const log = counters.callLog();
  expect(log.entries.length).toBeLessThanOrEqual(100);
  expect(log.dropped + log.entries.length).toBe(250);
  expect(log.entries.at(-1)?.at).toBe(249);
  // Oldest first, contiguous: nothing in between was lost.
  expect(log.entries.map((e) => e.at)).toEqual(Array.from({ length: log.entries.length }, (_, i) => 250 - log.entries.length + i));
  expect(counters.snapshot().totals.calls).toBe(250);
});

test('each logged call names the access key that signed it, and a targeted fault can pick one caller among several', async () => {
  const other = new ECSClient({ ...clientConfig(sim.url), credentials: { accessKeyId: 'AKIDOTHER', secretAccessKey: 's' }, maxAttempts: 1 });
  try {
    sim.resetCalls();
    sim.addFault({ operation: '*', service: 'ecs', caller: 'AKIDOTHER', effect: { type: 'error', errorType: 'AccessDeniedException' } });
    await ecs.send(new DescribeClustersCommand({ clusters: ['logged'] }));
    await expect(other.send(new DescribeClustersCommand({ clusters: ['logged'] }))).rejects.toThrow(/Injected AccessDeniedException/);
    expect(sim.callLog().entries.map((e) => [e.caller, e.outcome])).toEqual([
      ['AKID', 'ok'],
      ['AKIDOTHER', 'fault'],
    ]);
  } finally {
    other.destroy();
  }
});
