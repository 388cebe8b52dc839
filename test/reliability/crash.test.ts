/**
 * Crash safety: the daemon is killed (SIGKILL) right after each mutating AWS call of a cold
 * converge in turn, then restarted. Every time it converges with no duplicate service, namespace
 * or task-definition revision, and deletes nothing.
 */
import { ListServicesCommand, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { ListNamespacesCommand } from '@aws-sdk/client-servicediscovery';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { clientsFor, type TestClients } from '../helpers/aws.js';
import { runSwitchboard } from '../helpers/cli.js';
import { copyWalkthrough, tempDir } from '../helpers/fs.js';
import { reportRow } from '../helpers/report.js';
import { startDaemon, until } from '../daemon/helpers.js';

let sim: SimulatorHandle;
let aws: TestClients;
let dir: string;
let cleanup: () => void;

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 100 });
  aws = clientsFor(sim.url);
  ({ dir, cleanup } = tempDir());
  copyWalkthrough(dir);
});

afterAll(async () => {
  aws.destroy();
  await sim.close();
  cleanup();
});

/** Runs the daemon until it converges; with `killAfter`, SIGKILLs it right after that many writes. */
async function runDaemon(killAfter?: number): Promise<{ killed: boolean; writes: number }> {
  let writes = 0;
  let killed = false;
  const daemon = await startDaemon(['--source', dir, '--endpoint-url', sim.url, '--resync-interval', '1m']);
  // The simulator runs in this process: the kill lands after AWS carried the call out and before
  // the daemon reads the answer.
  sim.engine.onChange = () => {
    writes++;
    if (killAfter !== undefined && writes === killAfter && daemon.child.pid !== undefined) {
      killed = true;
      process.kill(daemon.child.pid, 'SIGKILL');
    }
  };
  let exited = false;
  void daemon.exited.then(() => {
    exited = true;
  });
  try {
    await until('ready or gone', async () => exited || (await fetch(`${daemon.url}/readyz`).catch(() => undefined))?.status === 200, 20_000);
  } finally {
    sim.engine.onChange = () => undefined;
    if (daemon.child.exitCode === null && !killed) {
      daemon.child.kill('SIGTERM');
    }
    await daemon.exited;
  }
  return { killed, writes };
}

async function assertConvergedWithoutDuplicates(): Promise<void> {
  const plan = await runSwitchboard(['plan', '-f', dir, '--endpoint-url', sim.url, '--log-level', 'silent']);
  expect(plan.stdout).toContain('No changes.');
  for (const family of ['nginx', 'curl']) {
    const res = await aws.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family }));
    expect({ family, arns: res.taskDefinitionArns?.map((a) => a.slice(a.lastIndexOf('/') + 1)) }).toEqual({ family, arns: [`${family}:1`] });
  }
  const services = await aws.ecs.send(new ListServicesCommand({ cluster: 'default' }));
  expect(services.serviceArns?.length).toBe(2);
  const ns = await aws.cloudMap.send(new ListNamespacesCommand({}));
  expect((ns.Namespaces ?? []).filter((n) => n.Name === 'test-namespace')).toHaveLength(1);
  const ops = sim.calls().services.ecs?.operations ?? {};
  expect((ops.DeleteService?.calls ?? 0) + (ops.DeregisterTaskDefinition?.calls ?? 0)).toBe(0);
}

test('killed after each mutating call of a cold converge, the daemon restarts and converges without duplicates', async () => {
  const clean = await runDaemon();
  const total = clean.writes;
  expect(total).toBeGreaterThanOrEqual(9);
  await assertConvergedWithoutDuplicates();

  // Every crash point in the report run; every third one (and the last) in the ordinary suite.
  const all = process.env.RELIABILITY_CRASH_ALL === '1';
  const points = Array.from({ length: total }, (_, i) => i + 1).filter((k) => all || k % 3 === 1 || k === total);
  for (const k of points) {
    sim.resetState();
    sim.resetCalls();
    const crashed = await runDaemon(k);
    expect({ k, killed: crashed.killed }).toEqual({ k, killed: true });
    await runDaemon();
    await assertConvergedWithoutDuplicates();
  }
  reportRow({ test: 'crash-points', writesInColdConverge: total, crashPointsTried: points.length, all });
}, 240_000);
