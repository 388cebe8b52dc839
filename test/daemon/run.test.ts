/**
 * `switchboard run` as users run it: the built CLI in its own process, a directory source, the
 * embedded simulator as AWS, and the HTTP endpoints.
 */
import { readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { clientsFor, type TestClients } from '../helpers/aws.js';
import { copyWalkthrough, tempDir } from '../helpers/fs.js';
import { startDaemon, until, type Daemon } from './helpers.js';

let sim: SimulatorHandle;
let aws: TestClients;
let dir: string;
let cleanup: () => void;
let daemon: Daemon | undefined;

async function service(name: string) {
  const res = await aws.ecs.send(new DescribeServicesCommand({ cluster: 'default', services: [name] }));
  return res.services?.find((s) => s.status !== 'INACTIVE');
}

function ops(op: string): number {
  return sim.calls().services.ecs?.operations[op]?.calls ?? 0;
}

/** Writes through a temporary file and a rename, as editors and config tools do. */
function replaceFile(file: string, text: string): void {
  const tmp = path.join(dir, `.${path.basename(file)}.tmp`);
  writeFileSync(tmp, text);
  renameSync(tmp, path.join(dir, file));
}

async function json(url: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url);
  return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text() };
}

beforeEach(async () => {
  sim = await startSimulator({ timeScale: 100 });
  aws = clientsFor(sim.url);
  ({ dir, cleanup } = tempDir());
  copyWalkthrough(dir);
});

afterEach(async () => {
  if (daemon && daemon.child.exitCode === null) {
    daemon.child.kill('SIGKILL');
    await daemon.exited;
  }
  daemon = undefined;
  aws.destroy();
  await sim.close();
  cleanup();
});

test('the daemon converges a directory, follows edits, stalls invalid files, prunes deletions and serves its endpoints', async () => {
  daemon = await startDaemon(['--source', dir, '--endpoint-url', sim.url, '--prune', '--resync-interval', '1m']);
  await until('ready', async () => (await fetch(`${daemon?.url}/readyz`)).status === 200);
  expect((await service('nginx'))?.status).toBe('ACTIVE');
  expect((await json(`${daemon.url}/healthz`)).status).toBe(200);
  const status = (await json(`${daemon.url}/status`)).body as { summary: { stalled: number; ready: number } };
  expect(status.summary.stalled).toBe(0);
  expect(status.summary.ready).toBeGreaterThanOrEqual(6);
  const metrics = (await json(`${daemon.url}/metrics`)).body as string;
  expect(metrics).toContain('switchboard_passes_total{result="success"} 1');
  expect(metrics).toMatch(/switchboard_aws_calls_total\{service="ecs",operation="CreateService",error_code=""\} 2/);

  // An edit changes exactly what it says.
  sim.resetCalls();
  replaceFile('nginx.yaml', readFileSync(path.join(dir, 'nginx.yaml'), 'utf8').replace('desiredCount: 1', 'desiredCount: 3'));
  await until('nginx scaled', async () => (await service('nginx'))?.desiredCount === 3);
  expect(ops('UpdateService')).toBe(1);
  expect(sim.calls().mutatingCalls).toBe(1);

  // An invalid file stalls its resource only, and deletes nothing.
  sim.resetCalls();
  replaceFile('curl.yaml', readFileSync(path.join(dir, 'curl.yaml'), 'utf8').replace('launchType: FARGATE', 'launchType: FARGATEE'));
  await until('curl stalled', async () => ((await json(`${daemon?.url}/status`)).body as { summary: { stalled: number } }).summary.stalled === 1);
  const stalled = ((await json(`${daemon.url}/status`)).body as { resources: { key: string; conditions: { type: string; status: string; message: string }[] }[] }).resources.find((r) => r.key === 'Service/curl');
  expect(stalled?.conditions.find((c) => c.type === 'Stalled')).toMatchObject({ status: 'True' });
  expect(stalled?.conditions.find((c) => c.type === 'Stalled')?.message).toMatch(/curl\.yaml:\d+:\d+/);
  expect(sim.calls().mutatingCalls).toBe(0);
  expect((await service('curl'))?.status).toBe('ACTIVE');

  // Deleting a manifest with --prune deletes its resources.
  rmSync(path.join(dir, 'curl.yaml'));
  await until('curl deleted', async () => (await service('curl'))?.status !== 'ACTIVE');
  expect((await service('nginx'))?.status).toBe('ACTIVE');

  daemon.child.kill('SIGTERM');
  expect(await daemon.exited).toBe(0);
}, 60_000);

test('drift made in AWS is repaired within one resync', async () => {
  daemon = await startDaemon(['--source', dir, '--endpoint-url', sim.url, '--resync-interval', '1s']);
  await until('ready', async () => (await fetch(`${daemon?.url}/readyz`)).status === 200);
  await aws.ecs.send(new UpdateServiceCommand({ cluster: 'default', service: 'nginx', desiredCount: 5 }));
  await until('drift repaired', async () => (await service('nginx'))?.desiredCount === 1, 5000);
  daemon.child.kill('SIGTERM');
  expect(await daemon.exited).toBe(0);
}, 30_000);

test('SIGTERM during a pass exits 0 quickly and leaves nothing half-applied', async () => {
  // Slow AWS down so the first pass is still running when the signal arrives.
  sim.setLatency({ fixedMs: 150 });
  daemon = await startDaemon(['--source', dir, '--endpoint-url', sim.url]);
  await until('the first write', () => sim.calls().mutatingCalls > 0);
  const signalled = Date.now();
  daemon.child.kill('SIGTERM');
  expect(await daemon.exited).toBe(0);
  expect(Date.now() - signalled).toBeLessThan(10_000);
  expect(daemon.lines.some((l) => l.action === 'shutdown' && l.result === 'ok')).toBe(true);

  // A new run converges what is left, with no duplicate revision or service.
  sim.setLatency({ fixedMs: 0 });
  daemon = await startDaemon(['--source', dir, '--endpoint-url', sim.url]);
  await until('ready', async () => (await fetch(`${daemon?.url}/readyz`)).status === 200);
  expect(ops('RegisterTaskDefinition')).toBe(2);
  expect(ops('CreateService')).toBe(2);
  daemon.child.kill('SIGTERM');
  expect(await daemon.exited).toBe(0);
}, 60_000);

test('no secret-looking environment value appears in logs, status, the status file or metrics', async () => {
  const withSecret = (value: string): string =>
    readFileSync(path.join(dir, 'nginx.yaml'), 'utf8').replace(/ {6}essential: true\n( {6}environment:\n(?: {8}.*\n)+)?/, `      essential: true\n      environment:\n        - name: DB_PASSWORD\n          value: ${value}\n        - name: LOG_FORMAT\n          value: json\n`);
  replaceFile('nginx.yaml', withSecret('first-hunter2-value'));
  daemon = await startDaemon(['--source', dir, '--endpoint-url', sim.url, '--log-level', 'debug', '--status-to', 'source']);
  await until('ready', async () => (await fetch(`${daemon?.url}/readyz`)).status === 200);
  // A change of the secret's value, so it shows up in a change set too.
  replaceFile('nginx.yaml', withSecret('second-hunter2-value'));
  await until('the change applied', () => daemon?.lines.some((l) => l.resource === 'TaskDefinition/nginx' && l.result === 'configured') ?? false);
  const everything = [
    JSON.stringify(daemon.lines),
    daemon.stderr(),
    JSON.stringify((await json(`${daemon.url}/status`)).body),
    String((await json(`${daemon.url}/metrics`)).body),
    readFileSync(path.join(dir, '.switchboard', 'status.json'), 'utf8'),
  ].join('\n');
  expect(everything).toContain('DB_PASSWORD');
  expect(everything).not.toContain('hunter2');
  daemon.child.kill('SIGTERM');
  expect(await daemon.exited).toBe(0);
}, 30_000);
