/**
 * Leader changes under random faults: controllers on one S3 source are killed or cut off from S3
 * while leading, over and over, with random faults on every AWS call; the simulator's call log
 * must never show reconcile writes from two instances in the same second. `npm test` runs a few
 * changes; `npm run reliability` runs 100 (RELIABILITY_LEADER_CHANGES).
 */
import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parseLeaseRecord } from '../../src/lease/record.js';
import { startSimulator, type CallLogEntry, type SimulatorHandle } from '../../src/simulator/index.js';
import { clientsFor, type TestClients } from '../helpers/aws.js';
import { LEASE_BUCKET, LEASE_PREFIX, kill, leadershipOf, reconcileWrites, secondsWithTwoWriters, seedWalkthrough, startInstance, testS3 } from '../helpers/leader.js';
import { reportRow } from '../helpers/report.js';
import { until, type Daemon } from '../daemon/helpers.js';

const CHANGES = Number(process.env.RELIABILITY_LEADER_CHANGES ?? '2');
const SEED = 16;
/** The holder stops writing `renewInterval` (1.5 s) before a standby may take over: more than a second apart. */
const LEASE = ['--lease-duration', '4s', '--lease-renew-interval', '1500ms', '--lease-retry-interval', '300ms'];
const FAULTS = { seed: SEED, rates: { serverError: 0.03, throttling: 0.03, reset: 0.01, lostResponse: 0.01, slow: 0.01 }, slowMs: 300 };

let sim: SimulatorHandle;
let aws: TestClients;
let s3: S3Client;
const running = new Map<string, Daemon>();
/** Every instance ever started, so none outlives the test whatever happens. */
const started: Daemon[] = [];
let nextId = 0;

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 100 });
  aws = clientsFor(sim.url);
  s3 = testS3(sim);
  await seedWalkthrough(s3);
});

afterAll(async () => {
  for (const d of started) await kill(d);
  aws.destroy();
  s3.destroy();
  await sim.close();
});

/** A seeded PRNG (mulberry32), so a failing run can be repeated. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function startOne(): Promise<void> {
  const caller = `AKIDI${++nextId}`;
  const d = await startInstance(sim, caller, ['--resync-interval', '500ms', '--poll-interval', '500ms', ...LEASE]);
  started.push(d);
  running.set(caller, d);
}

/** The caller of the instance that says it leads, once exactly one does. */
async function currentLeader(): Promise<string> {
  let leader = '';
  await until(
    'one leader',
    async () => {
      const roles = await Promise.all([...running].map(async ([caller, d]) => [caller, (await leadershipOf(d))?.role] as const));
      const leaders = roles.filter(([, role]) => role === 'leader');
      leader = leaders.length === 1 ? (leaders[0]?.[0] ?? '') : '';
      return leader !== '';
    },
    30_000,
  );
  return leader;
}

/** The access key of the instance whose process holds the lease (holder ids are host:pid:random). */
function callerOfHolder(holderId: string): string | undefined {
  const pid = Number(holderId.split(':')[1]);
  return [...running].find(([, d]) => d.child.pid === pid)?.[0];
}

async function holder(): Promise<string> {
  try {
    const res = await s3.send(new GetObjectCommand({ Bucket: LEASE_BUCKET, Key: `${LEASE_PREFIX}.switchboard/lease-switchboard` }));
    return parseLeaseRecord((await res.Body?.transformToString()) ?? '')?.holder ?? '';
  } catch {
    return '';
  }
}

test(`${CHANGES} leader changes under random faults: never two writers in the same second`, async () => {
  const log: CallLogEntry[] = [];
  const collect = (): void => {
    // The call log is bounded: take what is there and empty it, in one synchronous step.
    log.push(...sim.callLog().entries);
    sim.resetCalls();
  };
  const collector = setInterval(collect, 1_000);
  // Out-of-band drift, all the time: whoever leads corrects it at every resync.
  let drifting = true;
  const drift = (async () => {
    for (let n = 2; drifting; n = (n % 5) + 2) {
      await aws.ecs.send(new UpdateServiceCommand({ cluster: 'default', service: 'nginx', desiredCount: n })).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  const rng = random(SEED);
  const actions = { kill: 0, cutOff: 0 };
  const started = Date.now();
  try {
    await Promise.all([startOne(), startOne(), startOne()]);
    sim.setFaults(FAULTS);
    for (let change = 0; change < CHANGES; change++) {
      const leader = await currentLeader();
      const before = await holder();
      const d = running.get(leader);
      if (rng() < 0.5) {
        actions.kill++;
        d?.child.kill('SIGKILL');
      } else {
        // Cut off from S3: its renewals fail until it steps down; then it is stopped for good.
        actions.cutOff++;
        sim.addFault({ service: 's3', operation: '*', caller: leader, count: 1_000_000, effect: { type: 'error', errorType: 'ServiceUnavailable', status: 503 } });
      }
      // The replacement starts while the others wait for the lease to expire.
      running.delete(leader);
      const replacement = startOne();
      let next = '';
      await until('another holder', async () => {
        next = await holder();
        return next !== '' && next !== before;
      }, 30_000);
      await kill(d);
      await replacement;
      // Each leader writes in turn before the next change (it corrects the drift on its first pass).
      const since = Date.now();
      await until('the new leader writes', () => {
        collect();
        const caller = callerOfHolder(next);
        return caller !== undefined && reconcileWrites(log).some((e) => e.caller === caller && e.at >= since - 5_000);
      }, 30_000);
    }
  } finally {
    drifting = false;
    await drift;
    clearInterval(collector);
    collect();
  }
  const instances = new Set(log.flatMap((e) => (e.caller?.startsWith('AKIDI') ? [e.caller] : [])));
  const writes = reconcileWrites(log).filter((e) => e.caller !== undefined && instances.has(e.caller));
  const collisions = secondsWithTwoWriters(log, instances);
  const writerCount = new Set(writes.map((e) => e.caller)).size;
  reportRow({
    test: 'leader-changes',
    changes: CHANGES,
    kills: actions.kill,
    cutOffs: actions.cutOff,
    seconds: Math.round((Date.now() - started) / 1000),
    writes: writes.length,
    writers: writerCount,
    faults: log.filter((e) => e.outcome === 'fault' || e.outcome === 'throttled').length,
    secondsWithTwoWriters: collisions.length,
  });
  expect(collisions).toEqual([]);
  // The measure means something: writes happened, by more than one leader in turn.
  expect(writes.length).toBeGreaterThan(CHANGES);
  expect(writerCount).toBeGreaterThan(1);
}, 60_000 + CHANGES * 30_000);
