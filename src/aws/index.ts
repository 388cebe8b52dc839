import type { AwsPorts } from '../reconcile/ports.js';
import { createAwsClients, isLoopbackEndpoint, type AwsClientConfig } from './clients.js';
import { SdkCloudMap } from './cloudmap.js';
import { SdkEcs } from './ecs.js';
import { LazyLogs } from './logs-lazy.js';
import { defaultPacingEnabled, Pacer } from './pacing.js';

export type { AwsClientConfig } from './clients.js';
export { AWS_RATE_LIMITS, Pacer, type BucketLimit, type PacingOptions } from './pacing.js';

/** Connects the reconciler's ports to AWS (or to an endpoint override such as the simulator). */
export async function connectAws(cfg: AwsClientConfig): Promise<AwsPorts & { close(): void }> {
  const clients = await createAwsClients(cfg);
  // One pacer for the three adapters: its buckets are per category, as AWS's are per account and Region.
  const loopback = isLoopbackEndpoint(cfg.endpoint ?? process.env.AWS_ENDPOINT_URL);
  const pacer = new Pacer({ ...cfg.pacing, enabled: cfg.pacing?.enabled ?? defaultPacingEnabled(loopback) });
  return {
    ecs: new SdkEcs(clients.ecs, clients.ecsNoRetry, pacer),
    cloudMap: new SdkCloudMap(clients.cloudMap, pacer),
    logs: new LazyLogs(clients.logs, pacer),
    region: clients.region,
    close: () => clients.destroy(),
  };
}
