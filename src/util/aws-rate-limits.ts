/**
 * AWS's published request-rate limits: one table, used by the client-side pacing in src/aws and by
 * the embedded simulator's throttling, so the two can never disagree.
 */

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
export const AWS_RATE_LIMITS: Readonly<Record<string, BucketLimit>> = {
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
