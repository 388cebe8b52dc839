/**
 * The lease through the real SDK S3 client against the simulator's S3, with an injected clock:
 * who takes it, when a standby may take over, when a holder that cannot renew stops writing.
 */
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SdkLeaseStore } from '../../src/aws/s3-lease.js';
import { Lease, type LeaseClock, type LeaseStatus, type LeaseTimings } from '../../src/lease/lease.js';
import { parseLeaseRecord } from '../../src/lease/record.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';

const BUCKET = 'leases';
const TIMINGS: LeaseTimings = { durationMs: 15_000, renewIntervalMs: 5_000, retryIntervalMs: 2_000 };
let sim: SimulatorHandle;
const clients: S3Client[] = [];
let keyCount = 0;

/** A clock the test moves by hand; `sleep` is not used by step(). */
class ManualClock implements LeaseClock {
  constructor(
    public t = 1_000,
    public wallOffset = Date.UTC(2026, 0, 1),
  ) {}
  monotonic(): number {
    return this.t;
  }
  wall(): number {
    return this.wallOffset + this.t;
  }
  sleep(): Promise<void> {
    return Promise.resolve();
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

function s3For(accessKeyId: string): S3Client {
  const c = new S3Client({ endpoint: sim.url, region: 'us-east-1', forcePathStyle: true, maxAttempts: 1, credentials: { accessKeyId, secretAccessKey: 's' } });
  clients.push(c);
  return c;
}

interface Candidate {
  lease: Lease;
  clock: ManualClock;
  changes: LeaseStatus[];
}

function candidate(name: string, key: string, clock = new ManualClock()): Candidate {
  const changes: LeaseStatus[] = [];
  const lease = new Lease(new SdkLeaseStore(s3For(name), BUCKET, key), {
    identity: name,
    controllerId: 'switchboard',
    timings: TIMINGS,
    clock,
    onChange: (s) => changes.push(s),
  });
  return { lease, clock, changes };
}

function newKey(): string {
  return `.switchboard/lease-${++keyCount}`;
}

async function holderOf(key: string): Promise<string | undefined> {
  const res = await (clients[0] ?? s3For('reader')).send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return parseLeaseRecord((await res.Body?.transformToString()) ?? '')?.holder;
}

beforeAll(async () => {
  sim = await startSimulator();
  await s3For('admin').send(new CreateBucketCommand({ Bucket: BUCKET }));
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await sim.close();
});

afterEach(() => sim.clearFaults());

test('the first candidate creates the lease and leads; the second stands by and names the holder', async () => {
  const key = newKey();
  const a = candidate('a', key);
  const b = candidate('b', key);
  await a.lease.step();
  await b.lease.step();
  expect(a.lease.status).toMatchObject({ role: 'leader', holder: 'a' });
  expect(a.lease.writesAllowed()).toBe(true);
  expect(b.lease.status).toMatchObject({ role: 'standby', holder: 'a' });
  expect(b.lease.writesAllowed()).toBe(false);
  expect(await holderOf(key)).toBe('a');
});

test('of candidates racing for a free lease exactly one leads', async () => {
  const key = newKey();
  const all = ['r1', 'r2', 'r3', 'r4'].map((n) => candidate(n, key));
  sim.setLatency({ fixedMs: 5, jitterMs: 30 });
  try {
    await Promise.all(all.map((c) => c.lease.step()));
  } finally {
    sim.setLatency({});
  }
  expect(all.filter((c) => c.lease.writesAllowed())).toHaveLength(1);
});

test('a standby takes over only once the lease went unchanged for a whole duration on its own clock', async () => {
  const key = newKey();
  const a = candidate('a', key);
  const b = candidate('b', key);
  await a.lease.step();
  await b.lease.step(); // first sight of a's lease
  b.clock.advance(TIMINGS.durationMs - 1);
  await b.lease.step();
  expect(b.lease.status.role).toBe('standby');
  // A renewal resets the standby's count.
  await a.lease.step();
  b.clock.advance(2);
  await b.lease.step();
  b.clock.advance(TIMINGS.durationMs - 1);
  await b.lease.step();
  expect(b.lease.status.role).toBe('standby');
  b.clock.advance(1);
  await b.lease.step();
  expect(b.lease.status).toMatchObject({ role: 'leader', holder: 'b' });
  expect(await holderOf(key)).toBe('b');
  // The old holder's late renewal loses (its If-Match names a replaced ETag): it stands by.
  await a.lease.step();
  expect(a.lease.status).toMatchObject({ role: 'standby', holder: 'b' });
  expect(a.changes.map((s) => [s.role, s.holder])).toEqual([
    ['leader', 'a'],
    ['standby', 'b'],
  ]);
});

test('timestamps written by another machine do not matter: a holder whose wall clock is an hour behind keeps its lease', async () => {
  const key = newKey();
  const behind = candidate('behind', key, new ManualClock(1_000, Date.UTC(2026, 0, 1) - 3_600_000));
  const b = candidate('b', key);
  await behind.lease.step();
  await b.lease.step();
  b.clock.advance(TIMINGS.renewIntervalMs);
  await behind.lease.step();
  await b.lease.step();
  expect(b.lease.status.role).toBe('standby');
  expect(behind.lease.writesAllowed()).toBe(true);
});

test('a holder that cannot renew stops allowing writes renew-interval before a standby may take over, then stands by', async () => {
  const key = newKey();
  const a = candidate('a', key);
  const b = candidate('b', key);
  await a.lease.step(); // renewal started at t0
  await b.lease.step(); // b sees it at t0 (or later)
  sim.addFault({ service: 's3', operation: '*', caller: 'a', count: 1000, effect: { type: 'error', errorType: 'ServiceUnavailable', status: 503 } });
  // Renewal attempts every second fail; one millisecond before its deadline the holder may still write.
  for (let elapsed = 1_000; elapsed < TIMINGS.durationMs - TIMINGS.renewIntervalMs; elapsed += 1_000) {
    a.clock.advance(1_000);
    await a.lease.step();
  }
  a.clock.advance(999);
  expect(a.lease.writesAllowed()).toBe(true);
  a.clock.advance(1);
  expect(a.lease.writesAllowed()).toBe(false);
  expect(a.lease.status.role).toBe('standby');
  // The standby, by its own clock, may take over only renew-interval later.
  b.clock.advance(TIMINGS.durationMs - TIMINGS.renewIntervalMs);
  await b.lease.step();
  expect(b.lease.status.role).toBe('standby');
  b.clock.advance(TIMINGS.renewIntervalMs);
  await b.lease.step();
  expect(b.lease.status.role).toBe('leader');
});

test('a renewal whose answer was lost does not cost the lease: the holder finds itself in the object and renews again', async () => {
  const key = newKey();
  const a = candidate('a', key);
  await a.lease.step();
  sim.addFault({ service: 's3', operation: 'PutObject', caller: 'a', effect: { type: 'lostResponse' } });
  a.clock.advance(TIMINGS.renewIntervalMs);
  await a.lease.step(); // carried out, answer lost
  expect(a.lease.status.role).toBe('leader');
  a.clock.advance(TIMINGS.retryIntervalMs);
  await a.lease.step(); // If-Match names the old ETag: 412, read, ours, renewed
  expect(a.lease.status.role).toBe('leader');
  expect(a.changes.map((s) => s.role)).toEqual(['leader']);
});

test('a released lease is taken at once, without waiting for it to expire', async () => {
  const key = newKey();
  const a = candidate('a', key);
  const b = candidate('b', key);
  await a.lease.step();
  await b.lease.step();
  await a.lease.release();
  expect(a.lease.status.role).toBe('standby');
  expect(await holderOf(key)).toBe('');
  await b.lease.step();
  expect(b.lease.status).toMatchObject({ role: 'leader', holder: 'b' });
  const record = parseLeaseRecord((await (await s3For('reader2').send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body?.transformToString()) ?? '');
  expect(record?.transitions).toBe(1);
});

test('an object at the lease key that is not a lease record is held by nobody known: it is taken over only after a whole duration', async () => {
  const key = newKey();
  await s3For('someone').send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'not a lease' }));
  const a = candidate('a', key);
  await a.lease.step();
  expect(a.lease.status).toMatchObject({ role: 'standby', holder: undefined });
  a.clock.advance(TIMINGS.durationMs);
  await a.lease.step();
  expect(a.lease.status.role).toBe('leader');
});

test('S3 denying access keeps a candidate standby and reports the error, never a leader', async () => {
  const key = newKey();
  const errors: unknown[] = [];
  const lease = new Lease(new SdkLeaseStore(s3For('denied'), BUCKET, key), { identity: 'denied', controllerId: 'switchboard', timings: TIMINGS, clock: new ManualClock(), onError: (e) => errors.push(e) });
  sim.addFault({ service: 's3', operation: '*', caller: 'denied', count: 10, effect: { type: 'error', errorType: 'AccessDenied', status: 403 } });
  await lease.step();
  expect(lease.status.role).toBe('standby');
  expect(String(errors[0])).toContain('AccessDenied');
});
