import { AWS_RATE_LIMITS, type BucketLimit } from '../util/aws-rate-limits.js';

export type { BucketLimit } from '../util/aws-rate-limits.js';

/** AWS's published request-rate limits by category (the simulator's throttling defaults). */
export const defaultLimits: Readonly<Record<string, BucketLimit>> = AWS_RATE_LIMITS;

/** Throttling settings: on/off plus per-category overrides of the defaults. */
export interface ThrottleSettings {
  enabled: boolean;
  overrides: Record<string, BucketLimit>;
}

interface Bucket {
  tokens: number;
  last: number;
}

/** Token buckets keyed by Region and category, refilled in real time. */
export class Throttler {
  private buckets = new Map<string, Bucket>();
  private settings: ThrottleSettings;

  constructor(
    settings: Partial<ThrottleSettings> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.settings = { enabled: settings.enabled ?? false, overrides: { ...settings.overrides } };
  }

  /** The current settings (a copy). */
  get current(): ThrottleSettings {
    return { enabled: this.settings.enabled, overrides: { ...this.settings.overrides } };
  }

  /** Turns throttling on or off and merges overrides; buckets restart full. */
  configure(update: Partial<ThrottleSettings>): void {
    if (update.enabled !== undefined) this.settings.enabled = update.enabled;
    if (update.overrides) this.settings.overrides = { ...this.settings.overrides, ...update.overrides };
    this.buckets.clear();
  }

  /** The effective limit of a category (override, else AWS default, else none). */
  limitOf(category: string): BucketLimit | undefined {
    return this.settings.overrides[category] ?? defaultLimits[category];
  }

  /** Takes one token for `category` in `region`; false means the call is throttled. */
  take(region: string, category: string): boolean {
    if (!this.settings.enabled) return true;
    const limit = this.limitOf(category);
    if (!limit) return true;
    const key = `${region}\u0000${category}`;
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: limit.burst, last: now };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.last) / 1000) * limit.ratePerSecond);
    bucket.last = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
