import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';

export interface TestClients {
  ecs: ECSClient;
  cloudMap: ServiceDiscoveryClient;
  logs: CloudWatchLogsClient;
  destroy(): void;
}

/**
 * Real SDK clients pointed at a simulator URL, with fixed test credentials; one attempt per call
 * unless `maxAttempts` says otherwise.
 */
export function clientsFor(url: string, { maxAttempts = 1 }: { maxAttempts?: number } = {}): TestClients {
  const config = { endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' }, maxAttempts };
  const ecs = new ECSClient(config);
  const cloudMap = new ServiceDiscoveryClient(config);
  const logs = new CloudWatchLogsClient(config);
  return {
    ecs,
    cloudMap,
    logs,
    destroy() {
      ecs.destroy();
      cloudMap.destroy();
      logs.destroy();
    },
  };
}
