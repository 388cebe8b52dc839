/**
 * The steady-state cost of a pass with nothing to change: ceil(N/10) DescribeServices per cluster,
 * one ListNamespaces page per 100 namespaces, one DescribeClusters per 100 declared clusters, and
 * nothing else — also in a fresh process, which knows the task definitions from the services' tags.
 */
import { DeleteServiceCommand } from '@aws-sdk/client-ecs';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { runSwitchboard } from '../helpers/cli.js';
import { clientsFor } from '../helpers/aws.js';
import { fleetCluster, writeFleet } from '../helpers/fleet.js';
import { tempDir } from '../helpers/fs.js';

let sim: SimulatorHandle;
let dir: string;
let cleanup: () => void;

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 1000 });
  ({ dir, cleanup } = tempDir());
});

afterAll(async () => {
  await sim.close();
  cleanup();
});

test('a no-change pass over 100 services in 2 clusters costs 10 DescribeServices, 1 ListNamespaces, 1 DescribeClusters', async () => {
  writeFleet(dir, { services: 100, namespaces: 3, clusters: 2 });
  const args = ['-f', dir, '--endpoint-url', sim.url, '--log-level', 'silent', '--concurrency', '8'];
  const first = await runSwitchboard(['apply', ...args]);
  expect(first.stderr).toBe('');
  expect(first.code).toBe(0);
  expect(sim.calls().services.ecs?.operations.RegisterTaskDefinition?.calls).toBe(100);
  expect(sim.calls().services.ecs?.operations.CreateService?.calls).toBe(100);
  // A cold start asks once which families exist instead of listing each of the 100.
  expect(sim.calls().services.ecs?.operations.ListTaskDefinitionFamilies?.calls).toBe(1);
  expect(sim.calls().services.ecs?.operations.ListTaskDefinitions?.calls ?? 0).toBe(0);

  sim.resetCalls();
  const plan = await runSwitchboard(['plan', ...args]);
  expect(plan.code).toBe(0);
  const counts = sim.calls();
  const ops = Object.fromEntries(
    Object.entries(counts.services).flatMap(([svc, c]) => Object.entries(c?.operations ?? {}).map(([op, v]) => [`${svc}:${op}`, v.calls])),
  );
  // 50 services per cluster -> 5 batches of 10 each.
  expect(ops).toEqual({ 'ecs:DescribeServices': 10, 'ecs:DescribeClusters': 1, 'cloudmap:ListNamespaces': 1 });
  expect(counts.mutatingCalls).toBe(0);
}, 120_000);

test('a restart that finds many revisions but not their services reuses every revision instead of registering again', async () => {
  // A simulator of its own: the fleet above uses the same names.
  const sim = await startSimulator({ timeScale: 1000 });
  const { dir: fleetDir, cleanup: done } = tempDir();
  try {
    writeFleet(fleetDir, { services: 12, namespaces: 1, clusters: 1 });
    const args = ['-f', fleetDir, '--endpoint-url', sim.url, '--log-level', 'silent'];
    expect((await runSwitchboard(['apply', ...args])).code).toBe(0);
    expect(sim.calls().services.ecs?.operations.RegisterTaskDefinition?.calls).toBe(12);
    // The services (and their tags naming the revisions) vanish — drained at once, so their names
    // are free again — and the revisions stay.
    sim.setTimings({ drainMs: 0 });
    const aws = clientsFor(sim.url);
    try {
      for (let i = 0; i < 12; i++) await aws.ecs.send(new DeleteServiceCommand({ cluster: fleetCluster(i, 1), service: `svc-${String(i).padStart(4, '0')}`, force: true }));
    } finally {
      aws.destroy();
    }
    sim.resetCalls();
    const again = await runSwitchboard(['apply', ...args]);
    expect(again.code).toBe(0);
    const ecs = sim.calls().services.ecs?.operations;
    expect(ecs?.ListTaskDefinitionFamilies?.calls).toBe(1);
    // Each existing family is still looked at one by one, and its revision reused.
    expect(ecs?.ListTaskDefinitions?.calls).toBe(12);
    expect(ecs?.RegisterTaskDefinition?.calls ?? 0).toBe(0);
    expect(ecs?.CreateService?.calls).toBe(12);
  } finally {
    done();
    await sim.close();
  }
}, 120_000);
