import type { AwsPorts } from '../reconcile/ports.js';
import { createAwsClients, type AwsClientConfig } from './clients.js';
import { SdkCloudMap } from './cloudmap.js';
import { SdkEcs } from './ecs.js';
import { SdkLogs } from './logs.js';

export type { AwsClientConfig } from './clients.js';

/** Connects the reconciler's ports to AWS (or to an endpoint override such as the simulator). */
export async function connectAws(cfg: AwsClientConfig): Promise<AwsPorts & { close(): void }> {
  const clients = await createAwsClients(cfg);
  return {
    ecs: new SdkEcs(clients.ecs, clients.ecsNoRetry),
    cloudMap: new SdkCloudMap(clients.cloudMap),
    logs: new SdkLogs(clients.logs),
    region: clients.region,
    close: () => clients.destroy(),
  };
}
