/**
 * Under throttling, server errors, dropped connections and lost answers, the controller converges
 * with no duplicate service and no extra task-definition revision; an outage of one AWS service
 * holds back only what depends on it, with attempts paced by backoff.
 */
import { ListServicesCommand, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { ListNamespacesCommand } from '@aws-sdk/client-servicediscovery';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { clientsFor, type TestClients } from '../helpers/aws.js';
import { writeFleet } from '../helpers/fleet.js';
import { tempDir } from '../helpers/fs.js';
import { startLoop, until } from '../helpers/loop.js';
import { MemorySource } from '../helpers/memory-source.js';
import { reportRow } from '../helpers/report.js';
import { runSwitchboard } from '../helpers/cli.js';

let sim: SimulatorHandle;
let aws: TestClients;

beforeEach(async () => {
  sim = await startSimulator({ timeScale: 100 });
  aws = clientsFor(sim.url);
});

afterEach(async () => {
  aws.destroy();
  await sim.close();
});

const FAULTS = { seed: 7, rates: { throttling: 0.3, serverError: 0.05, reset: 0.03, lostResponse: 0.02 } };

/** Runs the loop on a folder until a pass converges with nothing failed; returns the wall time. */
async function converge(dir: string, withFaults: boolean): Promise<number> {
  if (withFaults) sim.setFaults(FAULTS);
  const started = Date.now();
  const loop = await startLoop(MemorySource.fromDir(dir), sim.url, { concurrency: 8 });
  try {
    // Converged: a pass with nothing failed or held back, confirmed by a read-only plan.
    let checkedPass = 0;
    await until('convergence', async () => {
      const last = loop.passes.at(-1);
      if (!last || last.pass === checkedPass || last.counts.failed > 0 || last.counts.skipped > 0) return false;
      checkedPass = last.pass;
      const plan = await runSwitchboard(['plan', '-f', dir, '--endpoint-url', sim.url, '--log-level', 'silent']);
      return plan.code === 0;
    }, 120_000);
  } finally {
    await loop.stop();
    sim.clearFaults();
  }
  return Date.now() - started;
}

async function assertNoDuplicates(families: string[], services: Record<string, number>): Promise<void> {
  for (const family of families) {
    const res = await aws.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family }));
    expect({ family, revisions: (res.taskDefinitionArns ?? []).filter((a) => a.includes(`/${family}:`)).length }).toEqual({ family, revisions: 1 });
  }
  for (const [cluster, count] of Object.entries(services)) {
    const res = await aws.ecs.send(new ListServicesCommand({ cluster, maxResults: 100 }));
    expect({ cluster, services: res.serviceArns?.length }).toEqual({ cluster, services: count });
  }
  const ns = await aws.cloudMap.send(new ListNamespacesCommand({}));
  const names = (ns.Namespaces ?? []).map((n) => n.Name);
  expect(names.length).toBe(new Set(names).size);
}

test('the examples converge under 30% throttling and 10% server errors, resets and lost answers', async () => {
  {
    const faultFree = await converge('manifests/examples', false);
    await sim.resetState();
    sim.resetCalls();
    const faulty = await converge('manifests/examples', true);
    const calls = sim.calls();
    await assertNoDuplicates(['nginx', 'curl', 'shop-web', 'shop-api', 'shop-worker'], { default: 2, shop: 3 });
    expect(calls.totals.faults + calls.totals.throttled).toBeGreaterThan(10);
    reportRow({ test: 'faults-examples', faultFreeMs: faultFree, faultyMs: faulty, faultsInjected: calls.totals.faults, throttled: calls.totals.throttled, calls: calls.totals.calls });
  }
}, 180_000);

// 100 services in the report run (RELIABILITY_FLEET=100); fewer in the ordinary suite, to keep it short.
const FLEET = Number(process.env.RELIABILITY_FLEET ?? 30);

test(`a ${FLEET}-service fleet converges under the same faults with no duplicates`, async () => {
  const { dir, cleanup } = tempDir();
  try {
    writeFleet(dir, { services: FLEET, namespaces: 3, clusters: 2 });
    const faulty = await converge(dir, true);
    const calls = sim.calls();
    await assertNoDuplicates(['svc-0000', `svc-${String(FLEET - 1).padStart(4, '0')}`], { 'fleet-0': Math.ceil(FLEET / 2), 'fleet-1': Math.floor(FLEET / 2) });
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await aws.ecs.send(new ListTaskDefinitionsCommand({ maxResults: 100, ...(nextToken ? { nextToken } : {}) }));
      arns.push(...(page.taskDefinitionArns ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(arns).toHaveLength(FLEET);
    expect(arns.every((a) => a.endsWith(':1'))).toBe(true);
    reportRow({ test: `faults-fleet-${FLEET}`, faultyMs: faulty, faultsInjected: calls.totals.faults, throttled: calls.totals.throttled, calls: calls.totals.calls });
  } finally {
    cleanup();
  }
}, 180_000);

test('an outage of Cloud Map holds back only what needs it, paced by backoff, and converges after', async () => {
  const source = MemorySource.fromDir('manifests/examples');
  for (const f of ['web-api-worker/api.yaml', 'web-api-worker/platform.yaml', 'web-api-worker/web.yaml', 'web-api-worker/worker.yaml']) source.set({ [f]: undefined });
  sim.setFaults({ seed: 1, rates: { serverError: 1 }, operations: ['ListNamespaces', 'CreateHttpNamespace', 'GetOperation'] });
  const loop = await startLoop(source, sim.url, { backoff: { baseMs: 100, maxMs: 800, jitter: 0 } });
  try {
    await until('task definitions registered', () => (sim.calls().services.ecs?.operations.RegisterTaskDefinition?.calls ?? 0) >= 2);
    const outageMs = 2500;
    await new Promise((r) => setTimeout(r, outageMs));
    // Unrelated resources converged; the services, which need the namespace, did not.
    const first = loop.passes[0];
    expect(first?.results.find((r) => r.key === 'TaskDefinition/nginx')?.outcome).toBe('created');
    expect(first?.results.find((r) => r.key === 'Namespace/test-namespace')?.outcome).toBe('failed');
    expect(sim.calls().services.ecs?.operations.CreateService?.calls ?? 0).toBe(0);
    // Paced: a busy loop would make hundreds of passes in this window; backoff (100 ms doubling to 800 ms) allows a handful.
    const attempts = loop.passes.filter((p) => p.results.some((r) => r.key === 'Namespace/test-namespace')).length;
    expect(attempts).toBeGreaterThan(1);
    expect(attempts).toBeLessThanOrEqual(8);
    reportRow({ test: 'outage-cloudmap', outageMs, namespaceAttempts: attempts, listNamespacesCalls: sim.calls().services.cloudmap?.operations.ListNamespaces?.calls ?? 0 });

    sim.clearFaults();
    await until('convergence after recovery', () => loop.passes.at(-1)?.counts.failed === 0 && (sim.calls().services.ecs?.operations.CreateService?.calls ?? 0) === 2, 10_000);
  } finally {
    await loop.stop();
  }
}, 60_000);
