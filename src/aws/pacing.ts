/**
 * Client-side pacing: token buckets that mirror AWS's own request-rate buckets, taken before each
 * call, so a burst of work (a cold converge of 1,000 services) is spread at the rate AWS refills
 * instead of being sent at once, throttled, and retried by the SDK until its attempts run out.
 * A throttled response (the buckets are shared with everything else in the account) still goes
 * through the SDK's standard retry: pacing only keeps us from causing it.
 */

import { AWS_RATE_LIMITS, type BucketLimit } from '../util/aws-rate-limits.js';

// AWS's published rates (ECS request throttling, CloudWatch Logs 5 TPS per operation; Cloud Map
// publishes none for these calls, so conservative stand-ins): one table shared with the simulator.
export { AWS_RATE_LIMITS, type BucketLimit };

/** Which bucket each operation we call draws from (`service:Operation` as `awsCall` names it). */
const CATEGORY_OF: Readonly<Record<string, string>> = {
  'ecs:DescribeClusters': 'ecs.clusterRead',
  'ecs:CreateCluster': 'ecs.clusterWrite',
  'ecs:UpdateCluster': 'ecs.clusterWrite',
  'ecs:PutClusterCapacityProviders': 'ecs.clusterWrite',
  'ecs:DescribeServices': 'ecs.serviceRead',
  'ecs:ListServices': 'ecs.serviceRead',
  'ecs:CreateService': 'ecs.serviceWrite',
  'ecs:UpdateService': 'ecs.serviceWrite',
  'ecs:DeleteService': 'ecs.serviceWrite',
  'ecs:DescribeTaskDefinition': 'ecs.taskDefinitionRead',
  'ecs:ListTaskDefinitions': 'ecs.taskDefinitionRead',
  'ecs:ListTaskDefinitionFamilies': 'ecs.taskDefinitionRead',
  'ecs:RegisterTaskDefinition': 'ecs.taskDefinitionWrite',
  'ecs:DeregisterTaskDefinition': 'ecs.taskDefinitionWrite',
  'ecs:ListTagsForResource': 'ecs.tagRead',
  'ecs:TagResource': 'ecs.tagWrite',
  'ecs:UntagResource': 'ecs.tagWrite',
  'servicediscovery:ListNamespaces': 'cloudmap.read',
  'servicediscovery:GetOperation': 'cloudmap.read',
  'servicediscovery:ListTagsForResource': 'cloudmap.read',
  'servicediscovery:CreateHttpNamespace': 'cloudmap.write',
  'servicediscovery:CreatePrivateDnsNamespace': 'cloudmap.write',
  'servicediscovery:UpdatePrivateDnsNamespace': 'cloudmap.write',
  'servicediscovery:GetNamespace': 'cloudmap.read',
  'servicediscovery:UpdateHttpNamespace': 'cloudmap.write',
  'servicediscovery:DeleteNamespace': 'cloudmap.write',
  'servicediscovery:TagResource': 'cloudmap.write',
  'servicediscovery:UntagResource': 'cloudmap.write',
  'logs:CreateLogGroup': 'logs.CreateLogGroup',
  'logs:DescribeLogGroups': 'logs.DescribeLogGroups',
  'logs:DeleteLogGroup': 'logs.DeleteLogGroup',
  'logs:PutRetentionPolicy': 'logs.PutRetentionPolicy',
  'logs:ListTagsForResource': 'logs.tags',
  'logs:TagResource': 'logs.tags',
};

/** The throttle category of an operation (`ecs:RegisterTaskDefinition`), or undefined when unpaced. */
export function categoryOf(operation: string): string | undefined {
  return CATEGORY_OF[operation];
}

/** Time, injectable so tests run on a fake clock. */
export interface PacingClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: PacingClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * One token bucket whose callers take turns: each waits for the one before it, then for a token
 * to have refilled, measured when it wakes. A token is never promised ahead of time, because
 * timers that fire late (an event loop busy for a few hundred ms) would then release every call
 * whose turn had passed at once, more than AWS's bucket holds. So callers are served in the order
 * they asked, and the calls let through never exceed `burst + rate x elapsed` in any window of
 * real time, however late their timers fire.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  /** The turn of the caller who asked last: the next caller waits for it. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly limit: BucketLimit,
    private readonly clock: PacingClock = realClock,
  ) {
    if (!(limit.burst >= 1) || !(limit.ratePerSecond > 0)) throw new RangeError(`a bucket needs burst >= 1 and a positive rate, got ${JSON.stringify(limit)}`);
    this.tokens = limit.burst;
    this.last = clock.now();
  }

  /** Takes one token, waiting (after every caller before it) until one has refilled. */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.takeWhenRefilled());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.last) / 1000) * this.limit.ratePerSecond);
    this.last = now;
  }

  private async takeWhenRefilled(): Promise<void> {
    this.refill();
    // A hair under one token counts as one: the sleep was computed to refill exactly that.
    while (this.tokens < 1 - 1e-9) {
      await this.clock.sleep(((1 - this.tokens) / this.limit.ratePerSecond) * 1000);
      this.refill();
    }
    this.tokens -= 1;
  }
}

/** Pacing settings: off, or on with AWS's limits and optional per-category overrides. */
export interface PacingOptions {
  enabled?: boolean;
  /** Per-category limits replacing AWS's defaults (keys as in AWS_RATE_LIMITS). */
  overrides?: Record<string, BucketLimit>;
  /**
   * How much earlier than its turn a call may reach AWS without being throttled, ms (default 100).
   * Sending at exactly AWS's refill rate leaves its bucket empty, so a call that travels faster
   * than the one before it (latency jitter) would find no token; each bucket therefore keeps
   * ceil(rate x allowance) tokens of its burst unused: 2 at 20/s, 1 at 5/s or 1/s.
   */
  jitterAllowanceMs?: number;
  clock?: PacingClock;
}

const DEFAULT_JITTER_ALLOWANCE_MS = 100;

/** Paces AWS calls by operation, one token bucket per throttle category. */
export class Pacer {
  private readonly buckets = new Map<string, TokenBucket>();
  readonly enabled: boolean;

  constructor(private readonly options: PacingOptions = {}) {
    this.enabled = options.enabled ?? true;
  }

  /** Resolves when `operation` may be sent; at once when pacing is off or the operation is unpaced. */
  async acquire(operation: string): Promise<void> {
    if (!this.enabled) return;
    const category = categoryOf(operation);
    if (category === undefined) return;
    let bucket = this.buckets.get(category);
    if (!bucket) {
      const limit = this.options.overrides?.[category] ?? AWS_RATE_LIMITS[category];
      if (!limit) return;
      const reserve = Math.ceil((limit.ratePerSecond * (this.options.jitterAllowanceMs ?? DEFAULT_JITTER_ALLOWANCE_MS)) / 1000);
      bucket = new TokenBucket({ burst: Math.max(1, limit.burst - reserve), ratePerSecond: limit.ratePerSecond }, this.options.clock);
      this.buckets.set(category, bucket);
    }
    await bucket.take();
  }
}

/** A pacer that never waits (adapters built without one). */
export const NO_PACING = new Pacer({ enabled: false });

/**
 * Whether pacing is on when the caller does not say: `SWITCHBOARD_AWS_PACING=on|off` wins; else on
 * for AWS, off for a loopback endpoint (the embedded simulator or an emulator, which share no
 * account-wide buckets and throttle only when a test asks them to, and then it turns pacing on).
 */
export function defaultPacingEnabled(loopback: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  const setting = env.SWITCHBOARD_AWS_PACING?.trim().toLowerCase();
  if (setting === 'on' || setting === 'true' || setting === '1') return true;
  if (setting === 'off' || setting === 'false' || setting === '0') return false;
  return !loopback;
}
