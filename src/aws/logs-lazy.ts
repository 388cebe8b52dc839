/**
 * The CloudWatch Logs port, with the SDK's CloudWatch Logs module (about 9 MB of resident memory)
 * and the adapter loaded on the first call: a fleet without awslogs log groups never makes one.
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { LiveLogGroup, LogsPort, TagMap } from '../reconcile/ports.js';
import { lazily } from '../util/lazy.js';
import type { Pacer } from './pacing.js';

export class LazyLogs implements LogsPort {
  private readonly port: () => Promise<LogsPort>;

  constructor(client: () => Promise<CloudWatchLogsClient>, pacer: Pacer) {
    this.port = lazily(async () => {
      const [{ SdkLogs }, logs] = await Promise.all([import('./logs.js'), client()]);
      return new SdkLogs(logs, pacer);
    });
  }

  async describeLogGroups(prefix: string): Promise<LiveLogGroup[]> {
    return (await this.port()).describeLogGroups(prefix);
  }

  async describeLogGroupsNamed(names: readonly string[]): Promise<LiveLogGroup[]> {
    return (await this.port()).describeLogGroupsNamed(names);
  }

  async createLogGroup(name: string, tags: TagMap): Promise<boolean> {
    return (await this.port()).createLogGroup(name, tags);
  }

  async putRetentionPolicy(name: string, days: number): Promise<void> {
    await (await this.port()).putRetentionPolicy(name, days);
  }

  async listTags(arn: string): Promise<TagMap> {
    return (await this.port()).listTags(arn);
  }

  async tagResource(arn: string, tags: TagMap): Promise<void> {
    await (await this.port()).tagResource(arn, tags);
  }
}
