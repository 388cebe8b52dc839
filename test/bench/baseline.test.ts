/**
 * The per-resource baseline the benchmark compares against: the same plan as the batched observer,
 * at one DescribeServices per service and one DescribeTaskDefinition per task definition per pass.
 */
import { connectAws } from '../../src/aws/index.js';
import { loadManifests } from '../../src/cli/common.js';
import { createLogger } from '../../src/observe/logger.js';
import { ReconcileState } from '../../src/reconcile/state.js';
import { applyPass, planPass, type PassOptions } from '../../src/reconcile/engine.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
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

const options: PassOptions = {
  controllerId: 'switchboard',
  defaultCluster: 'default',
  prune: false,
  allowReplace: false,
  allowEmpty: false,
  maxPrune: 10,
  sourceHealthy: true,
  concurrency: 8,
};

function readCounts(): Record<string, number> {
  const ops = sim.calls().services.ecs.operations;
  return Object.fromEntries(Object.entries(ops).map(([op, c]) => [op, c.calls]));
}

test('a per-resource pass plans the same as a batched one, at one describe per service and per task definition', async () => {
  writeFleet(dir, { services: 12, namespaces: 2, clusters: 1 });
  const { resources } = await loadManifests([dir]);
  const aws = await connectAws({ endpoint: sim.url });
  try {
    const applied = await applyPass(resources, aws, new ReconcileState(), { ...options, logger: createLogger({ level: 'silent' }), wait: false });
    expect(applied.result.results.filter((r) => r.outcome === 'created')).toHaveLength(12 * 2 + 2 + 1);

    sim.resetCalls();
    const batched = await planPass(resources, aws, new ReconcileState(), options);
    expect(readCounts()).toEqual({ DescribeServices: 2, DescribeClusters: 1 });

    // One cache over both passes: the baseline remembers nothing that saves it a call.
    const cache = new ReconcileState();
    for (let pass = 0; pass < 2; pass++) {
      sim.resetCalls();
      const perResource = await planPass(resources, aws, cache, { ...options, observeStrategy: 'per-resource' });
      expect(readCounts()).toEqual({ DescribeServices: 12, DescribeTaskDefinition: 12, DescribeClusters: 1 });
      expect(perResource.plan.resources.map((r) => [r.key, r.outcome])).toEqual(batched.plan.resources.map((r) => [r.key, r.outcome]));
    }
    expect(batched.plan.resources.every((r) => r.outcome === 'unchanged')).toBe(true);
    expect(sim.calls().mutatingCalls).toBe(0);
  } finally {
    aws.close();
  }
});
