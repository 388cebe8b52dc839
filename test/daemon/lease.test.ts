/**
 * One writer at a time, with real daemons: two on one S3 source, the leader killed, the leader cut
 * off from S3, `apply` waiting for the lease. Every instance signs with its own access key, so the
 * simulator's call log says who wrote what, and when.
 */
import { DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import type { S3Client } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { clientsFor, type TestClients } from '../helpers/aws.js';
import { copyWalkthrough, tempDir } from '../helpers/fs.js';
import {
  FAST_LEASE_DURATION_MS,
  LEASE_BUCKET,
  LEASE_PREFIX,
  kill,
  leadershipOf,
  nginxWith,
  putManifest,
  reconcileWrites,
  seedWalkthrough,
  startInstance,
  testS3,
  writers,
} from '../helpers/leader.js';
import { until, type Daemon } from './helpers.js';

let sim: SimulatorHandle;
let aws: TestClients;
let s3: S3Client;
const daemons: Daemon[] = [];

beforeEach(async () => {
  sim = await startSimulator({ timeScale: 100 });
  aws = clientsFor(sim.url);
  s3 = testS3(sim);
  await seedWalkthrough(s3);
});

afterEach(async () => {
  for (const d of daemons.splice(0)) await kill(d);
  aws.destroy();
  s3.destroy();
  await sim.close();
});

async function instance(caller: string, extra: readonly string[] = []): Promise<Daemon> {
  const d = await startInstance(sim, caller, extra);
  daemons.push(d);
  return d;
}

async function desiredCount(name: string): Promise<number | undefined> {
  const res = await aws.ecs.send(new DescribeServicesCommand({ cluster: 'default', services: [name] })).catch(() => undefined);
  return res?.services?.find((s) => s.status === 'ACTIVE')?.desiredCount;
}

async function ready(d: Daemon): Promise<void> {
  // A busy daemon may drop a probe's connection (ECONNRESET): that is "not yet", not a failure.
  await until('ready', async () => (await fetch(`${d.url}/readyz`).catch(() => undefined))?.status === 200, 20_000);
}

test('two controllers on one source: exactly one writes, the other stands by; killed, the leader is replaced within the lease duration plus 5 s', async () => {
  const [a, b] = await Promise.all([instance('AKIDA'), instance('AKIDB')]);
  await Promise.all([ready(a), ready(b)]);
  await until('converged', async () => (await desiredCount('curl')) === 1, 20_000);
  const roles = await Promise.all([leadershipOf(a), leadershipOf(b)]);
  const leaderIndex = roles.findIndex((r) => r?.role === 'leader');
  expect(leaderIndex).toBeGreaterThanOrEqual(0);
  const leader = leaderIndex === 0 ? a : b;
  const standby = leaderIndex === 0 ? b : a;
  const [leaderKey, standbyKey] = leaderIndex === 0 ? ['AKIDA', 'AKIDB'] : ['AKIDB', 'AKIDA'];
  expect(roles[1 - leaderIndex]).toMatchObject({ role: 'standby' });

  // A change: the leader makes it; the standby only reads.
  await putManifest(s3, 'nginx.yaml', nginxWith(2));
  await until('nginx scaled', async () => (await desiredCount('nginx')) === 2);
  const log = sim.callLog().entries;
  expect(writers(log)).toEqual([leaderKey]);
  expect(log.filter((e) => e.caller === standbyKey && e.service === 'ecs' && e.kind === 'read').length).toBeGreaterThan(0);

  // Leader or standby, and since when, on /readyz, /status and /metrics.
  expect(await (await fetch(`${leader.url}/readyz`)).text()).toMatch(/^ready \(leader since \d{4}-\d\d-\d\dT/);
  expect(await (await fetch(`${standby.url}/readyz`)).text()).toMatch(/^ready \(standby since \d{4}-\d\d-\d\dT.*, .+ leads\)/);
  expect(await (await fetch(`${leader.url}/metrics`)).text()).toMatch(/^switchboard_leader 1$/m);
  expect(await (await fetch(`${standby.url}/metrics`)).text()).toMatch(/^switchboard_leader 0$/m);
  expect(await (await fetch(`${standby.url}/metrics`)).text()).toMatch(/^switchboard_leader_role_since_timestamp_seconds \d+/m);

  // SIGKILL: no release. The standby takes over once the lease expires and converges a change made meanwhile.
  sim.resetCalls();
  leader.child.kill('SIGKILL');
  const killedAt = Date.now();
  await leader.exited;
  await putManifest(s3, 'nginx.yaml', nginxWith(3));
  await until('nginx scaled by the new leader', async () => (await desiredCount('nginx')) === 3, 20_000);
  const after = reconcileWrites(sim.callLog().entries);
  expect(writers(after)).toEqual([standbyKey]);
  const firstWrite = after[0]?.at ?? Number.POSITIVE_INFINITY;
  expect(firstWrite - killedAt).toBeLessThanOrEqual(FAST_LEASE_DURATION_MS + 5_000);
  expect(await leadershipOf(standby)).toMatchObject({ role: 'leader' });
}, 90_000);

test('a leader cut off from S3 stops writing before its lease expires; the standby takes over after', async () => {
  const a = await instance('AKIDA', ['--resync-interval', '500ms']);
  await ready(a);
  expect(await leadershipOf(a)).toMatchObject({ role: 'leader' });
  const b = await instance('AKIDB', ['--resync-interval', '500ms']);
  await ready(b);
  // Out-of-band drift, over and over: whoever leads corrects it at every resync.
  let drifting = true;
  const drift = (async () => {
    let n = 5;
    while (drifting) {
      await aws.ecs.send(new UpdateServiceCommand({ cluster: 'default', service: 'nginx', desiredCount: n++ })).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 150));
    }
  })();
  try {
    await until('the leader corrects drift', () => reconcileWrites(sim.callLog().entries).some((e) => e.caller === 'AKIDA'), 10_000);
    sim.addFault({ service: 's3', operation: '*', caller: 'AKIDA', count: 1_000_000, effect: { type: 'error', errorType: 'ServiceUnavailable', status: 503 } });
    const cutAt = Date.now();
    await until('the standby writes', () => reconcileWrites(sim.callLog().entries).some((e) => e.caller === 'AKIDB' && e.at > cutAt), 20_000);
  } finally {
    drifting = false;
    await drift;
  }
  const log = sim.callLog().entries;
  const lastRenewal = Math.max(...log.filter((e) => e.caller === 'AKIDA' && e.service === 's3' && e.operation === 'PutObject' && e.outcome === 'ok').map((e) => e.at));
  const leaseEnd = lastRenewal + FAST_LEASE_DURATION_MS;
  const lastWriteOfA = Math.max(...reconcileWrites(log).filter((e) => e.caller === 'AKIDA').map((e) => e.at));
  const firstWriteOfB = Math.min(...reconcileWrites(log).filter((e) => e.caller === 'AKIDB').map((e) => e.at));
  expect(lastWriteOfA).toBeLessThan(leaseEnd);
  expect(firstWriteOfB).toBeGreaterThanOrEqual(leaseEnd);
  expect(await leadershipOf(a)).toMatchObject({ role: 'standby' });
  expect(a.lines.some((l) => l.action === 'lease' && l.result === 'expired')).toBe(true);
}, 90_000);

/** `switchboard apply` as a child process, signing with its own access key. */
function apply(args: readonly string[]): { done: Promise<{ code: number | null; stdout: string; stderr: string }>; stderr(): string } {
  const child = spawn(process.execPath, [path.resolve('dist/main.js'), 'apply', '--endpoint-url', sim.url, '--log-level', 'silent', ...args], {
    env: { ...process.env, AWS_ACCESS_KEY_ID: 'AKIDAPPLY', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return { done: new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr }))), stderr: () => stderr };
}

test('apply takes the same lease: it gives up naming the holder after --lease-timeout, and runs once the daemon lets go', async () => {
  const { dir, cleanup } = tempDir();
  try {
    copyWalkthrough(dir);
    const a = await instance('AKIDA');
    await ready(a);
    const holder = (await leadershipOf(a))?.holder ?? '';
    expect(holder).not.toBe('');
    const lease = `s3://${LEASE_BUCKET}/${LEASE_PREFIX}`;

    const refused = await apply(['-f', dir, '--lease', lease, '--lease-timeout', '1500ms']).done;
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`is held by ${holder}`);
    expect(sim.callLog().entries.filter((e) => e.caller === 'AKIDAPPLY' && e.kind === 'write' && e.service !== 's3')).toEqual([]);

    // During a pass of the daemon (its UpdateService takes 3 s), apply waits; SIGTERM lets the pass
    // finish and releases the lease; then apply runs.
    sim.addFault({ service: 'ecs', operation: 'UpdateService', caller: 'AKIDA', effect: { type: 'slow', ms: 3_000 } });
    await putManifest(s3, 'nginx.yaml', nginxWith(4));
    await until('the daemon is mid-pass', () => sim.engine.faults.current.targeted.length === 0, 10_000);
    const waiting = apply(['-f', dir, '--lease', lease, '--lease-timeout', '20s']);
    await until('apply waits for the lease', () => waiting.stderr().includes('waiting up to 20s for the lease'), 10_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(reconcileWrites(sim.callLog().entries).filter((e) => e.caller === 'AKIDAPPLY')).toEqual([]);
    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    const done = await waiting.done;
    if (done.code !== 0) throw new Error(`apply: exit ${String(done.code)}\n${done.stdout}\n${done.stderr}`);
    const released = a.lines.find((l) => l.action === 'lease' && l.result === 'released');
    expect(released).toBeDefined();
    const writes = reconcileWrites(sim.callLog().entries);
    expect(writes.some((e) => e.caller === 'AKIDA' && e.operation === 'UpdateService' && e.outcome === 'ok')).toBe(true);
    const applyWrites = writes.filter((e) => e.caller === 'AKIDAPPLY');
    // The walkthrough in the folder says desiredCount 1: apply changed it back, after the daemon had let go.
    expect(applyWrites.length).toBeGreaterThan(0);
    expect(Math.min(...applyWrites.map((e) => e.at))).toBeGreaterThanOrEqual(Number(released?.time));
    expect(await desiredCount('nginx')).toBe(1);
  } finally {
    cleanup();
  }
}, 90_000);
