/**
 * The controller loop against the simulator, fed by an in-memory source, on a clock the tests
 * advance: resyncs, backoffs and rechecks happen when a test moves time, never by sleeping.
 */
import { DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { connectAws } from '../../src/aws/index.js';
import { Controller, type PassSummary } from '../../src/controller/controller.js';
import { silentLogger } from '../../src/observe/logger.js';
import { StatusStore } from '../../src/observe/status.js';
import type { ResourceResult } from '../../src/reconcile/apply.js';
import { ReconcileState } from '../../src/reconcile/state.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { clientsFor, type TestClients } from '../helpers/aws.js';
import { ManualClock } from '../helpers/clock.js';
import { MemorySource } from '../helpers/memory-source.js';

let sim: SimulatorHandle;
let aws: TestClients;
let abort: AbortController;
let running: Promise<void>;
let passes: PassSummary[];
let stalled: string[];
let source: MemorySource;
let clock: ManualClock;

function ops(op: string): number {
  return sim.calls().services.ecs?.operations[op]?.calls ?? 0;
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Lets in-flight work (a pass, the simulator's real-time rollouts) run for a moment of real time. */
function settle(ms = 100): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Advances the clock by `ms` and waits for the pass that starts. */
async function advanceToPass(ms: number): Promise<PassSummary> {
  const before = passes.length;
  clock.advance(ms);
  await until('a pass after advancing the clock', () => passes.length > before);
  const last = passes.at(-1);
  if (!last) throw new Error('no pass');
  return last;
}

async function start(
  options: { prune?: boolean; resyncIntervalMs?: number; rolloutCheckMs?: number; dryRun?: boolean; onResult?: (r: ResourceResult, revision: string) => void } = {},
): Promise<void> {
  const ports = await connectAws({ endpoint: sim.url, region: 'us-east-1' });
  passes = [];
  stalled = [];
  clock = new ManualClock();
  abort = new AbortController();
  const controller = new Controller({
    source,
    ports,
    state: new ReconcileState(),
    logger: silentLogger(),
    pass: { controllerId: 'switchboard', defaultCluster: 'default', prune: options.prune ?? false, allowReplace: false, allowEmpty: false, maxPrune: 10, concurrency: 4 },
    resyncIntervalMs: options.resyncIntervalMs ?? 60_000,
    dryRun: options.dryRun ?? false,
    backoff: { baseMs: 50, maxMs: 500, jitter: 0 },
    rolloutCheckMs: options.rolloutCheckMs ?? 60_000,
    hooks: { onPass: (p) => passes.push(p), onStalled: (k) => stalled.push(k), ...(options.onResult ? { onResult: options.onResult } : {}) },
    clock,
  });
  running = controller.run(abort.signal).finally(() => ports.close());
  await until('the first pass', () => passes.length > 0);
}

async function service(name: string) {
  const res = await aws.ecs.send(new DescribeServicesCommand({ cluster: 'default', services: [name] }));
  return res.services?.find((s) => s.status !== 'INACTIVE');
}

beforeEach(async () => {
  sim = await startSimulator({ timeScale: 100 });
  aws = clientsFor(sim.url);
  source = MemorySource.fromDir('manifests/examples');
  // Only the walkthrough: drop the multi-service example.
  for (const f of ['web-api-worker/api.yaml', 'web-api-worker/platform.yaml', 'web-api-worker/web.yaml', 'web-api-worker/worker.yaml']) source.set({ [f]: undefined });
});

afterEach(async () => {
  abort.abort();
  await running;
  aws.destroy();
  await sim.close();
});

test('the first pass converges the source', async () => {
  await start();
  expect(passes[0]?.counts.failed).toBe(0);
  expect((await service('nginx'))?.status).toBe('ACTIVE');
  expect((await service('curl'))?.status).toBe('ACTIVE');
});

test('a dry run plans and reports but writes nothing', async () => {
  await start({ dryRun: true });
  expect(sim.calls().mutatingCalls).toBe(0);
  const nginx = passes[0]?.results.find((r) => r.key === 'Service/nginx');
  expect(nginx).toMatchObject({ outcome: 'skipped' });
  expect(nginx?.reason).toMatch(/^dry run: would create/);
});

test('editing one manifest reconciles exactly that change', async () => {
  await start();
  sim.resetCalls();
  const before = passes.length;
  source.set({ 'nginx.yaml': source.get('nginx.yaml').replace('desiredCount: 1', 'desiredCount: 3') });
  await until('a pass for the change', () => passes.length > before);
  expect((await service('nginx'))?.desiredCount).toBe(3);
  expect(ops('UpdateService')).toBe(1);
  expect(ops('RegisterTaskDefinition')).toBe(0);
  expect(sim.calls().mutatingCalls).toBe(1);
  // Only nginx (and what it depends on) was looked at: curl was not in the pass.
  const last = passes.at(-1);
  expect(last?.results.map((r) => r.key)).not.toContain('Service/curl');
});

test('an image change reads only its service batch and the namespaces, and the family once per process', async () => {
  await start();
  // A fresh process over the converged account, as after a restart.
  abort.abort();
  await running;
  await start();
  const reads = (): Record<string, number> =>
    Object.fromEntries(
      Object.entries(sim.calls().services).flatMap(([svc, c]) =>
        Object.entries(c?.operations ?? {})
          .filter(([op]) => /^(Describe|List|Get)/.test(op))
          .map(([op, v]) => [`${svc}:${op}`, v.calls]),
      ),
    );
  for (const [round, image] of ['nginx:1.27.1', 'nginx:1.27.2'].entries()) {
    sim.resetCalls();
    const before = passes.length;
    source.set({ 'nginx.yaml': source.get('nginx.yaml').replace(/image: \S+/, `image: public.ecr.aws/nginx/${image}`) });
    await until('a pass for the change', () => passes.length > before);
    expect(passes.at(-1)?.counts.failed).toBe(0);
    expect(ops('RegisterTaskDefinition')).toBe(1);
    expect(ops('UpdateService')).toBe(1);
    // The plan still shows what changed in the revision.
    const td = passes.at(-1)?.results.find((r) => r.key === 'TaskDefinition/nginx');
    expect(td?.changes.find((c) => c.path.endsWith('.image'))?.new).toBe(`public.ecr.aws/nginx/${image}`);
    // The cluster it runs in is known from the last pass, and what the old revision holds from its
    // manifest: no DescribeClusters, no DescribeTaskDefinition. The family's newest revision is
    // listed the first time this process changes it, then followed through its own registrations;
    // so are the two log groups the task definition and its Service Connect proxy write to.
    expect(reads()).toEqual({
      'ecs:DescribeServices': 1,
      'cloudmap:ListNamespaces': 1,
      ...(round === 0 ? { 'ecs:ListTaskDefinitions': 1, 'logs:DescribeLogGroups': 2 } : {}),
    });
  }
  const nginx = await service('nginx');
  expect(nginx?.taskDefinition).toMatch(/nginx:3$/);
});

test('an invalid manifest stalls only its resource and deletes nothing, even with prune on', async () => {
  await start({ prune: true });
  sim.resetCalls();
  const before = passes.length;
  source.set({
    'curl.yaml': source.get('curl.yaml').replace('desiredCount: 1', 'desiredCount: "one"'),
    'nginx.yaml': source.get('nginx.yaml').replace('desiredCount: 1', 'desiredCount: 2'),
  });
  await until('a pass', () => passes.length > before);
  expect(stalled).toContain('Service/curl');
  expect((await service('nginx'))?.desiredCount).toBe(2);
  expect((await service('curl'))?.desiredCount).toBe(1);
  expect(ops('DeleteService') + ops('DeregisterTaskDefinition')).toBe(0);
});

test('a file caught half-written is never taken as a deletion', async () => {
  await start({ prune: true });
  sim.resetCalls();
  const full = source.get('curl.yaml');
  source.set({ 'curl.yaml': full.slice(0, Math.floor(full.length / 2)) + '\n  bad: [unclosed' });
  await new Promise((r) => setTimeout(r, 300));
  expect(ops('DeleteService') + ops('DeregisterTaskDefinition')).toBe(0);
  source.set({ 'curl.yaml': full });
  await new Promise((r) => setTimeout(r, 200));
  expect((await service('curl'))?.status).toBe('ACTIVE');
  expect(sim.calls().mutatingCalls).toBe(0);
});

test('deleting a manifest with prune deletes its resources', async () => {
  await start({ prune: true });
  const before = passes.length;
  source.set({ 'curl.yaml': undefined });
  await until('the prune pass', () => passes.length > before && passes.at(-1)?.counts.deleted === 2);
  expect((await service('curl'))?.status ?? 'INACTIVE').not.toBe('ACTIVE');
  expect((await service('nginx'))?.status).toBe('ACTIVE');
});

test('a source whose listing was incomplete never prunes', async () => {
  await start({ prune: true });
  const before = passes.length;
  source.complete = false;
  source.set({ 'curl.yaml': undefined });
  await until('a pass', () => passes.length > before);
  await new Promise((r) => setTimeout(r, 200));
  expect(ops('DeleteService') + ops('DeregisterTaskDefinition')).toBe(0);
  expect((await service('curl'))?.status).toBe('ACTIVE');
});

test('drift made out of band is repaired within one resync', async () => {
  await start({ resyncIntervalMs: 300_000 });
  await aws.ecs.send(new UpdateServiceCommand({ cluster: 'default', service: 'nginx', desiredCount: 4 }));
  const resync = await advanceToPass(330_000);
  expect(resync).toMatchObject({ trigger: 'resync', counts: { configured: 1 } });
  expect((await service('nginx'))?.desiredCount).toBe(1);
});

test('a failed resource is retried with backoff until it converges', async () => {
  sim.addFault({ operation: 'CreateService', resource: 'curl', count: 2, effect: { type: 'error', errorType: 'ClusterNotFoundException', message: 'transient in this test' } });
  await start();
  expect(passes[0]?.results.find((r) => r.key === 'Service/curl')?.outcome).toBe('failed');
  // Backoff 50 ms, then 100 ms: the retries come when the clock passes them, not before.
  await settle();
  expect(passes).toHaveLength(1);
  expect((await advanceToPass(50)).results.find((r) => r.key === 'Service/curl')?.outcome).toBe('failed');
  expect((await advanceToPass(100)).results.find((r) => r.key === 'Service/curl')?.outcome).toBe('created');
  expect((await service('curl'))?.status).toBe('ACTIVE');
  expect(ops('CreateService')).toBe(4); // nginx once, curl three times (two injected failures)
});

test('a CloudWatch Logs quota error (LimitExceededException) is terminal, not retried for ever', async () => {
  // LimitExceededException in CloudWatch Logs means too many log groups, not a request rate:
  // https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html
  sim.addFault({ operation: 'CreateLogGroup', resource: '/ecs/curl', count: 100, effect: { type: 'error', errorType: 'LimitExceededException', message: 'Resource limit exceeded.' } });
  await start();
  const result = passes[0]?.results.find((r) => r.key === 'LogGroup//ecs/curl');
  expect(result).toMatchObject({ outcome: 'failed', error: { code: 'LimitExceededException', category: 'QuotaExceeded' } });
  const attempts = sim.calls().services.logs?.operations.CreateLogGroup?.calls ?? 0;
  // Well past every backoff (at most 500 ms here), short of the resync: nothing is retried.
  clock.advance(30_000);
  await settle();
  expect(sim.calls().services.logs?.operations.CreateLogGroup?.calls ?? 0).toBe(attempts);
  expect(passes).toHaveLength(1);
  expect((await service('nginx'))?.status).toBe('ACTIVE');
});

test('a failure that retrying cannot fix is not retried in a loop', async () => {
  sim.addFault({ operation: 'CreateService', resource: 'curl', count: 1, effect: { type: 'error', errorType: 'InvalidParameterException', message: 'bad input' } });
  await start();
  expect(passes[0]?.results.find((r) => r.key === 'Service/curl')?.outcome).toBe('failed');
  clock.advance(30_000);
  await settle();
  expect(ops('CreateService')).toBe(2); // nginx, and curl's one failed attempt: no backoff retries
  expect(passes).toHaveLength(1);
});

/** Waits (in real time: the simulator's rollouts run on it) until the circuit breaker has rolled `name` back. */
async function rolledBack(name: string): Promise<void> {
  await until(`${name} rolled back`, async () => {
    const s = await service(name);
    const primary = s?.deployments?.find((d) => d.status === 'PRIMARY');
    return (s?.events ?? []).some((e) => /rolling back/.test(e.message ?? '')) && primary?.rolloutState === 'COMPLETED';
  });
}

function nginxResult(p: PassSummary) {
  return p.results.find((r) => r.key === 'Service/nginx');
}

test('a rollout the circuit breaker rolled back is reported and not retried until the manifest changes', async () => {
  await start({ resyncIntervalMs: 300_000, rolloutCheckMs: 60_000 });
  sim.addFault({ operation: 'UpdateService', resource: 'nginx', effect: { type: 'rolloutFailure' } });
  sim.resetCalls();
  const before = passes.length;
  source.set({ 'nginx.yaml': source.get('nginx.yaml').replace('nginx/nginx:1.27', 'nginx/nginx:broken') });
  await until('the change applied', () => passes.length > before);
  expect(nginxResult(passes.at(-1) as PassSummary)?.decision).toMatchObject({ type: 'recheck', reason: 'RolloutInProgress', afterMs: 60_000 });
  await rolledBack('nginx');
  // The look again once the rollout had time: the failure is found and the spec held.
  const check = nginxResult(await advanceToPass(60_000));
  expect(check).toMatchObject({ outcome: 'failed', decision: { type: 'terminal', reason: 'RolloutFailed' } });
  expect(check?.reason).toMatch(/deployment failed.*rolled back to nginx:1/);
  // Resyncs later, the same spec has not been rolled out again.
  for (let i = 0; i < 2; i++) expect(nginxResult(await advanceToPass(330_000))?.decision).toMatchObject({ type: 'terminal', reason: 'RolloutFailed' });
  expect(ops('UpdateService')).toBe(1);
  expect((await service('nginx'))?.taskDefinition).toMatch(/nginx:1$/);

  // A new spec is rolled out.
  source.set({ 'nginx.yaml': source.get('nginx.yaml').replace('nginx/nginx:broken', 'nginx/nginx:1.28') });
  await until('the fixed spec rolled out', async () => /nginx:3$/.test((await service('nginx'))?.taskDefinition ?? ''));
});

test('a rolled-back change that kept the task definition (a Service Connect alias) is held too, Stalled with the reason', async () => {
  const status = new StatusStore();
  await start({ resyncIntervalMs: 300_000, rolloutCheckMs: 60_000, onResult: (r, rev) => status.recordResult(r.key, rev, r) });
  sim.addFault({ operation: 'UpdateService', resource: 'nginx', effect: { type: 'rolloutFailure' } });
  sim.resetCalls();
  const before = passes.length;
  source.set({ 'nginx.yaml': source.get('nginx.yaml').replace('          - port: 80', '          - port: 8080') });
  await until('the change applied', () => passes.length > before);
  await rolledBack('nginx');
  await advanceToPass(60_000);
  for (let i = 0; i < 3; i++) await advanceToPass(330_000);
  // Fails on main: every resync pushed the alias again (failures were remembered per revision only).
  expect(ops('UpdateService')).toBe(1);
  const stalledCondition = status.get('Service/nginx')?.conditions.find((c) => c.type === 'Stalled');
  expect(stalledCondition).toMatchObject({ status: 'True', reason: 'RolloutFailed' });
  expect(stalledCondition?.message).toMatch(/deployment failed/);
});
