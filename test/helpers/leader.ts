/**
 * Several controllers on one source, as the lease tests run them: the S3 source in the simulator,
 * one access key per instance (so the simulator's call log tells them apart), and the analysis of
 * who wrote when.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { CallLogEntry, SimulatorHandle } from '../../src/simulator/index.js';
import { startDaemon, type Daemon } from '../daemon/helpers.js';

export const LEASE_BUCKET = 'manifests';
export const LEASE_PREFIX = 'app/';
/**
 * Short lease timings for tests: a standby may take over 3 s after the last renewal it saw; the
 * holder has 2 s (two renewals) to renew, so a loaded machine does not make it step down.
 */
export const FAST_LEASE = ['--lease-duration', '3s', '--lease-renew-interval', '1s', '--lease-retry-interval', '300ms'];
export const FAST_LEASE_DURATION_MS = 3_000;

/** An S3 client of the test itself (its own access key, so its calls are not counted for any instance). */
export function testS3(sim: SimulatorHandle): S3Client {
  return new S3Client({ endpoint: sim.url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' } });
}

/** Creates the bucket and uploads the walkthrough manifests under the prefix. */
export async function seedWalkthrough(s3: S3Client): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: LEASE_BUCKET })).catch(() => undefined);
  for (const f of ['namespace.yaml', 'cluster.yaml', 'nginx.yaml', 'curl.yaml']) await putManifest(s3, f, readFileSync(path.join('manifests', 'examples', f), 'utf8'));
}

/** Writes one manifest into the watched prefix. */
export async function putManifest(s3: S3Client, file: string, body: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: LEASE_BUCKET, Key: `${LEASE_PREFIX}${file}`, Body: body }));
}

/** The nginx example with another desiredCount. */
export function nginxWith(desiredCount: number): string {
  return readFileSync(path.join('manifests', 'examples', 'nginx.yaml'), 'utf8').replace('desiredCount: 1', `desiredCount: ${desiredCount}`);
}

/** One controller instance: a daemon on the S3 source, signing with access key `caller`. */
export async function startInstance(sim: SimulatorHandle, caller: string, extra: readonly string[] = []): Promise<Daemon> {
  return startDaemon(['--source', `s3://${LEASE_BUCKET}/${LEASE_PREFIX}`, '--endpoint-url', sim.url, '--poll-interval', '200ms', ...FAST_LEASE, ...extra], {
    AWS_ACCESS_KEY_ID: caller,
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
  });
}

/** The leadership part of an instance's /status, or undefined when it cannot be read. */
export async function leadershipOf(d: Daemon): Promise<{ role: string; holder?: string; since: string } | undefined> {
  try {
    const doc = (await (await fetch(`${d.url}/status`)).json()) as { controller?: { leadership?: { role: string; holder?: string; since: string } } };
    return doc.controller?.leadership;
  } catch {
    return undefined;
  }
}

/** Writes to ECS, Cloud Map and CloudWatch Logs (the lease object's own S3 writes are not reconcile writes). */
export function reconcileWrites(entries: readonly CallLogEntry[]): CallLogEntry[] {
  return entries.filter((e) => e.kind === 'write' && e.service !== 's3');
}

/** Callers with at least one reconcile write. */
export function writers(entries: readonly CallLogEntry[]): string[] {
  return [...new Set(reconcileWrites(entries).flatMap((e) => (e.caller === undefined ? [] : [e.caller])))].sort();
}

/** The calendar seconds in which more than one instance sent a reconcile write, with who. */
export function secondsWithTwoWriters(entries: readonly CallLogEntry[], instances: ReadonlySet<string>): { second: number; callers: string[] }[] {
  const bySecond = new Map<number, Set<string>>();
  for (const e of reconcileWrites(entries)) {
    if (e.caller === undefined || !instances.has(e.caller)) continue;
    const second = Math.floor(e.at / 1000);
    const set = bySecond.get(second) ?? new Set<string>();
    set.add(e.caller);
    bySecond.set(second, set);
  }
  return [...bySecond].filter(([, set]) => set.size > 1).map(([second, set]) => ({ second, callers: [...set].sort() }));
}

/** Stops a daemon the hard way if it is still running (test cleanup). */
export async function kill(d: Daemon | undefined): Promise<void> {
  if (d && d.child.exitCode === null && d.child.signalCode === null) {
    d.child.kill('SIGKILL');
    await d.exited;
  }
}
