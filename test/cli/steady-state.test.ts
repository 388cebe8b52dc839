/**
 * The steady-state cost of a pass with nothing to change: ceil(N/10) DescribeServices per cluster,
 * one ListNamespaces page per 100 namespaces, one DescribeClusters per 100 declared clusters, and
 * nothing else — also in a fresh process, which knows the task definitions from the services' tags.
 */
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { runSwitchboard } from '../helpers/cli.js';
import { writeFleet } from '../helpers/fleet.js';
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
