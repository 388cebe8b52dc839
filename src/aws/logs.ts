import {
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand,
  PutRetentionPolicyCommand,
  TagResourceCommand,
  type CloudWatchLogsClient,
} from '@aws-sdk/client-cloudwatch-logs';
import { LOG_GROUP_IDENTIFIERS_MAX, type LiveLogGroup, type LogsPort, type TagMap } from '../reconcile/ports.js';
import { AwsCallError, awsCall } from './errors.js';
import { NO_PACING, type Pacer } from './pacing.js';

/** The CloudWatch Logs adapter over the SDK client. */
export class SdkLogs implements LogsPort {
  constructor(
    private readonly client: CloudWatchLogsClient,
    private readonly pacer: Pacer = NO_PACING,
  ) {}

  /** Waits for the pacer's token, then makes the call (the wait is not part of the call's duration). */
  private async call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    await this.pacer.acquire(operation);
    return awsCall(operation, send);
  }

  async describeLogGroups(prefix: string): Promise<LiveLogGroup[]> {
    return this.describeAll({ logGroupNamePrefix: prefix });
  }

  /**
   * The groups of these names (at most 50: `logGroupIdentifiers` takes that many, and no prefix
   * with it: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogGroups.html).
   * Every page is read, and only the names asked for are kept, so a server that ignored the filter
   * would cost pages, never a wrong answer.
   */
  async describeLogGroupsNamed(names: readonly string[]): Promise<LiveLogGroup[]> {
    if (names.length === 0) return [];
    if (names.length > LOG_GROUP_IDENTIFIERS_MAX) throw new RangeError(`at most ${LOG_GROUP_IDENTIFIERS_MAX} log groups a call, not ${names.length}`);
    const wanted = new Set(names);
    return (await this.describeAll({ logGroupIdentifiers: [...names] })).filter((g) => wanted.has(g.name));
  }

  private async describeAll(filter: { logGroupNamePrefix: string } | { logGroupIdentifiers: string[] }): Promise<LiveLogGroup[]> {
    const out: LiveLogGroup[] = [];
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const res = await this.call('logs:DescribeLogGroups', () =>
        this.client.send(new DescribeLogGroupsCommand({ ...filter, limit: 50, ...(token ? { nextToken: token } : {}) })),
      );
      for (const g of res.logGroups ?? []) {
        // `logGroupArn` is the ARN without the trailing `:*` that `arn` carries, the form the
        // tagging calls take: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_LogGroup.html
        const arn = g.logGroupArn ?? g.arn?.replace(/:\*$/, '');
        out.push({
          name: g.logGroupName ?? '',
          ...(arn ? { arn } : {}),
          ...(g.retentionInDays !== undefined ? { retentionInDays: g.retentionInDays } : {}),
        });
      }
      nextToken = res.nextToken;
    } while (nextToken);
    return out;
  }

  async createLogGroup(name: string, tags: TagMap): Promise<boolean> {
    try {
      await this.call('logs:CreateLogGroup', () => this.client.send(new CreateLogGroupCommand({ logGroupName: name, tags })));
      return true;
    } catch (err) {
      // Creating is the check: an existing group is what we wanted.
      if (err instanceof AwsCallError && err.code === 'ResourceAlreadyExistsException') return false;
      throw err;
    }
  }

  // https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_ListTagsForResource.html
  async listTags(arn: string): Promise<TagMap> {
    const res = await this.call('logs:ListTagsForResource', () => this.client.send(new ListTagsForResourceCommand({ resourceArn: arn })));
    return { ...(res.tags ?? {}) };
  }

  // https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_TagResource.html
  async tagResource(arn: string, tags: TagMap): Promise<void> {
    await this.call('logs:TagResource', () => this.client.send(new TagResourceCommand({ resourceArn: arn, tags })));
  }

  async putRetentionPolicy(name: string, days: number): Promise<void> {
    await this.call('logs:PutRetentionPolicy', () =>
      this.client.send(new PutRetentionPolicyCommand({ logGroupName: name, retentionInDays: days })),
    );
  }
}
