/** A token bucket's size and refill rate. */
export interface BucketLimit {
  burst: number;
  ratePerSecond: number;
}

/**
 * AWS's published request-rate limits per account and Region, by category. ECS:
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html ;
 * CloudWatch Logs: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html .
 * Cloud Map publishes no rate for these operations (only DiscoverInstances), so its values are
 * conservative stand-ins.
 */
export const defaultLimits: Readonly<Record<string, BucketLimit>> = {
  'ecs.clusterRead': { burst: 50, ratePerSecond: 20 },
  'ecs.clusterWrite': { burst: 20, ratePerSecond: 1 },
  'ecs.serviceRead': { burst: 100, ratePerSecond: 20 },
  'ecs.serviceWrite': { burst: 50, ratePerSecond: 5 },
  'ecs.taskDefinitionRead': { burst: 50, ratePerSecond: 20 },
  'ecs.taskDefinitionWrite': { burst: 20, ratePerSecond: 1 },
  'ecs.listServicesByNamespace': { burst: 10, ratePerSecond: 1 },
  'ecs.tagRead': { burst: 50, ratePerSecond: 20 },
  'ecs.tagWrite': { burst: 20, ratePerSecond: 10 },
  'cloudmap.read': { burst: 100, ratePerSecond: 20 },
  'cloudmap.write': { burst: 20, ratePerSecond: 5 },
  'logs.CreateLogGroup': { burst: 5, ratePerSecond: 5 },
  'logs.DescribeLogGroups': { burst: 5, ratePerSecond: 5 },
  'logs.DeleteLogGroup': { burst: 5, ratePerSecond: 5 },
  'logs.PutRetentionPolicy': { burst: 5, ratePerSecond: 5 },
  'logs.tags': { burst: 10, ratePerSecond: 10 },
  'logs.streamWrite': { burst: 50, ratePerSecond: 50 },
  'logs.PutLogEvents': { burst: 5000, ratePerSecond: 5000 },
  'logs.read': { burst: 25, ratePerSecond: 25 },
};

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
