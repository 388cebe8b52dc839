import { connectAws } from '../../src/aws/index.js';
import { AWS_RATE_LIMITS, categoryOf, defaultPacingEnabled, Pacer, TokenBucket, type PacingClock } from '../../src/aws/pacing.js';
import { startSimulator } from '../../src/simulator/index.js';

/** A clock that only moves when a caller sleeps: `sleep` jumps time forward (plus any lateness set). */
class FakeClock implements PacingClock {
  t = 0;
  readonly sleeps: number[] = [];
  /** Extra ms the next sleeps oversleep, one entry per sleep: a timer that fires late. */
  readonly lateness: number[] = [];
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.t += ms + (this.lateness.shift() ?? 0);
  }
}

/** Takes `n` tokens, all asked for at once, and returns the clock time each was granted. */
async function grantTimes(bucket: TokenBucket, clock: FakeClock, n: number): Promise<number[]> {
  const times: number[] = [];
  await Promise.all(Array.from({ length: n }, () => bucket.take().then(() => times.push(clock.t))));
  return times;
}

/** Whether no window of time lets through more than burst + rate x its length. */
function withinRate(times: readonly number[], limit: { burst: number; ratePerSecond: number }): boolean {
  for (let i = 0; i < times.length; i++) {
    for (let j = i; j < times.length; j++) {
      const window = ((times[j] as number) - (times[i] as number)) / 1000;
      if (j - i + 1 > limit.burst + Math.floor(window * limit.ratePerSecond + 1e-9)) return false;
    }
  }
  return true;
}

test('a bucket lets its burst through at once, then one call per refill interval', async () => {
  const clock = new FakeClock();
  const bucket = new TokenBucket({ burst: 20, ratePerSecond: 1 }, clock);
  const times = await grantTimes(bucket, clock, 23);
  expect(times.slice(0, 20)).toEqual(Array(20).fill(0));
  expect(times.slice(20)).toEqual([1000, 2000, 3000]);
});

test('callers are served in order and never faster than burst plus rate times elapsed time', async () => {
  const clock = new FakeClock();
  const limit = { burst: 5, ratePerSecond: 4 };
  const bucket = new TokenBucket(limit, clock);
  const times: number[] = [];
  // Irregular arrivals: bursts and pauses.
  const gaps = [0, 0, 0, 10, 0, 0, 0, 0, 700, 0, 0, 0, 0, 0, 3000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 50, 0];
  for (const gap of gaps) {
    clock.t += gap;
    await bucket.take();
    times.push(clock.t);
  }
  for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1] as number);
  expect(withinRate(times, limit)).toBe(true);
  expect(times.slice(0, 6)).toEqual([0, 0, 0, 10, 10, 250]);
});

test('a timer that fires late does not release the callers queued behind it together', async () => {
  const clock = new FakeClock();
  const limit = { burst: 1, ratePerSecond: 40 };
  const bucket = new TokenBucket(limit, clock);
  // The first wait oversleeps by 300 ms, as when the event loop was busy: 12 turns passed meanwhile.
  clock.lateness.push(300);
  const times = await grantTimes(bucket, clock, 12);
  expect(times.slice(0, 3)).toEqual([0, 325, 350]);
  expect(withinRate(times, limit)).toBe(true);
});

test('an idle bucket refills only up to its burst', async () => {
  const clock = new FakeClock();
  const bucket = new TokenBucket({ burst: 3, ratePerSecond: 10 }, clock);
  clock.t += 3_600_000;
  await grantTimes(bucket, clock, 4);
  expect(clock.sleeps).toEqual([100]);
});

test('the pacer waits per throttle category, with AWS limits unless overridden, and not at all when off or unpaced', async () => {
  const clock = new FakeClock();
  const pacer = new Pacer({ clock, overrides: { 'ecs.serviceWrite': { burst: 1, ratePerSecond: 2 } } });
  // AWS's burst of 20 less one token kept for jitter.
  for (let i = 0; i < 20; i++) await pacer.acquire('ecs:RegisterTaskDefinition');
  // DeregisterTaskDefinition shares RegisterTaskDefinition's bucket.
  await pacer.acquire('ecs:DeregisterTaskDefinition');
  await pacer.acquire('ecs:UpdateService');
  await pacer.acquire('ecs:CreateService');
  await pacer.acquire('ecs:SomethingUnpaced');
  expect(clock.sleeps).toEqual([1000, 1000, 500]);

  const exact = new FakeClock();
  const noHeadroom = new Pacer({ clock: exact, jitterAllowanceMs: 0 });
  for (let i = 0; i < 21; i++) await noHeadroom.acquire('ecs:RegisterTaskDefinition');
  expect(exact.sleeps).toEqual([1000]);

  const off = new FakeClock();
  const disabled = new Pacer({ enabled: false, clock: off });
  for (let i = 0; i < 100; i++) await disabled.acquire('ecs:RegisterTaskDefinition');
  expect(off.sleeps).toEqual([]);
});

test('a fast bucket keeps more of its burst for jitter: 100 ms worth of its refill', async () => {
  const clock = new FakeClock();
  const pacer = new Pacer({ clock });
  // DescribeServices: AWS burst 100 at 20/s; 2 tokens (100 ms) kept back.
  for (let i = 0; i < 99; i++) await pacer.acquire('ecs:DescribeServices');
  expect(clock.sleeps).toEqual([50]);
});

test('every operation the adapters call maps to a category with a published or stand-in limit', () => {
  expect(categoryOf('ecs:RegisterTaskDefinition')).toBe('ecs.taskDefinitionWrite');
  expect(AWS_RATE_LIMITS['ecs.taskDefinitionWrite']).toEqual({ burst: 20, ratePerSecond: 1 });
  expect(AWS_RATE_LIMITS[categoryOf('ecs:UpdateService') ?? '']).toEqual({ burst: 50, ratePerSecond: 5 });
  expect(AWS_RATE_LIMITS[categoryOf('ecs:DescribeServices') ?? '']).toEqual({ burst: 100, ratePerSecond: 20 });
  expect(AWS_RATE_LIMITS[categoryOf('ecs:DescribeTaskDefinition') ?? '']).toEqual({ burst: 50, ratePerSecond: 20 });
  expect(AWS_RATE_LIMITS[categoryOf('ecs:TagResource') ?? '']).toEqual({ burst: 20, ratePerSecond: 10 });
  expect(AWS_RATE_LIMITS[categoryOf('logs:CreateLogGroup') ?? '']).toEqual({ burst: 5, ratePerSecond: 5 });
  expect(AWS_RATE_LIMITS[categoryOf('logs:DescribeLogGroups') ?? '']).toEqual({ burst: 5, ratePerSecond: 5 });
  expect(categoryOf('servicediscovery:ListNamespaces')).toBe('cloudmap.read');
});

test('pacing is on for AWS and off for a loopback endpoint unless SWITCHBOARD_AWS_PACING says otherwise', () => {
  expect(defaultPacingEnabled(false, {})).toBe(true);
  expect(defaultPacingEnabled(true, {})).toBe(false);
  expect(defaultPacingEnabled(true, { SWITCHBOARD_AWS_PACING: 'on' })).toBe(true);
  expect(defaultPacingEnabled(false, { SWITCHBOARD_AWS_PACING: 'off' })).toBe(false);
});

describe('against a throttling simulator', () => {
  const limit = { burst: 3, ratePerSecond: 40 };
  const register = (i: number) => ({
    family: `paced-${i}`,
    containerDefinitions: [{ name: 'app', image: 'nginx', memory: 128 }],
  });

  test('paced calls are never throttled, and take the refill time the bucket imposes', async () => {
    // Latency jitter: calls do not arrive in the rhythm they were sent.
    const sim = await startSimulator({ throttling: { overrides: { 'ecs.taskDefinitionWrite': limit } }, latency: { fixedMs: 5, jitterMs: 15 } });
    const aws = await connectAws({ endpoint: sim.url, pacing: { enabled: true, overrides: { 'ecs.taskDefinitionWrite': limit } } });
    try {
      const started = Date.now();
      await Promise.all(Array.from({ length: 12 }, (_, i) => aws.ecs.registerTaskDefinition(register(i), {})));
      // 1 at once (4 tokens, 100 ms at 40/s, of the burst kept for jitter), then 11 more at 40 per second.
      expect(Date.now() - started).toBeGreaterThanOrEqual(240);
      const ops = sim.calls().services.ecs.operations;
      expect(ops.RegisterTaskDefinition).toMatchObject({ calls: 12, throttled: 0 });
    } finally {
      aws.close();
      await sim.close();
    }
  });

  test('the same calls unpaced are throttled by the simulator', async () => {
    const sim = await startSimulator({ throttling: { overrides: { 'ecs.taskDefinitionWrite': limit } } });
    const aws = await connectAws({ endpoint: sim.url, pacing: { enabled: false } });
    try {
      await Promise.allSettled(Array.from({ length: 12 }, (_, i) => aws.ecs.registerTaskDefinition(register(i), {})));
      expect(sim.calls().services.ecs.operations.RegisterTaskDefinition?.throttled).toBeGreaterThan(0);
    } finally {
      aws.close();
      await sim.close();
    }
  });
});
