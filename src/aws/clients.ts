import { ECSClient } from '@aws-sdk/client-ecs';
import { ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { lazyResource } from '../util/lazy.js';
import { endpointUrlProblem, UsageError } from '../util/usage-error.js';
import type { PacingOptions } from './pacing.js';
import { writeGatePlugin, type WriteGate } from './write-gate.js';

/** How to reach AWS (or the simulator). Unset fields fall back to the SDK's standard chain. */
export interface AwsClientConfig {
  region?: string;
  /** An endpoint override for every service, e.g. the embedded simulator's URL. */
  endpoint?: string;
  /** Attempts per HTTP call, the SDK's standard retry mode (one retry layer per call). */
  maxAttempts?: number;
  /**
   * Client-side pacing at AWS's published rates (see pacing.ts). `enabled` defaults to on for AWS
   * and off for a loopback endpoint; `SWITCHBOARD_AWS_PACING=on|off` overrides that default.
   */
  pacing?: PacingOptions;
  /** When given, every mutating ECS, Cloud Map and CloudWatch Logs call is refused while it says no (the lease). */
  writeGate?: WriteGate;
}

export interface AwsClients {
  ecs: ECSClient;
  /** ECS without SDK retries, for calls that are not idempotent (RegisterTaskDefinition). */
  ecsNoRetry: ECSClient;
  cloudMap: ServiceDiscoveryClient;
  /**
   * CloudWatch Logs, built on first use: its SDK module costs about 9 MB of resident memory, and
   * only task definitions with awslogs log groups ever need it.
   */
  logs(): Promise<CloudWatchLogsClient>;
  region: string;
  destroy(): void;
}

const DEFAULT_MAX_ATTEMPTS = 5;

/** Whether an endpoint is on this machine (the embedded simulator, an emulator). */
export function isLoopbackEndpoint(endpoint: string | undefined): boolean {
  if (endpoint === undefined) return false;
  try {
    const host = new URL(endpoint).hostname;
    return host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.');
  } catch {
    return false;
  }
}

/** The configuration every client of this package is built with. */
export interface BaseClientConfig {
  region?: string;
  endpoint?: string;
  maxAttempts: number;
  retryMode: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** The configuration every client is built with; throws UsageError for an endpoint that is not an http(s) URL. */
export function baseConfig(cfg: AwsClientConfig): BaseClientConfig {
  const endpoint = cfg.endpoint ?? process.env.AWS_ENDPOINT_URL;
  // The SDK accepts `127.0.0.1:4566` and then fails far away, blaming the Region.
  const problem = endpoint === undefined ? undefined : endpointUrlProblem(endpoint);
  if (problem !== undefined) throw new UsageError(`${cfg.endpoint === undefined ? 'AWS_ENDPOINT_URL' : 'the AWS endpoint'} ${JSON.stringify(endpoint)} ${problem}`);
  // A local simulator checks no signature: when nothing else names credentials, use placeholder
  // ones rather than walking the chain to the instance metadata service.
  const noCredentials = !process.env.AWS_ACCESS_KEY_ID && !process.env.AWS_PROFILE && !process.env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI && !process.env.AWS_WEB_IDENTITY_TOKEN_FILE;
  const local = isLoopbackEndpoint(endpoint);
  // A local simulator serves any Region: default to its own when none is configured.
  const region = cfg.region ?? (local && !process.env.AWS_REGION && !process.env.AWS_DEFAULT_REGION ? 'us-east-1' : undefined);
  return {
    ...(region ? { region } : {}),
    ...(endpoint ? { endpoint } : {}),
    maxAttempts: cfg.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    retryMode: 'standard',
    ...(local && noCredentials ? { credentials: { accessKeyId: 'simulator', secretAccessKey: 'simulator' } } : {}),
  };
}

/** Resolves the region the way the SDK does, failing with a clear message when none is set. */
async function resolveRegion(client: ECSClient): Promise<string> {
  try {
    return await client.config.region();
  } catch {
    throw new UsageError('no AWS Region: pass --region, or set AWS_REGION (or a profile with a region)');
  }
}

type RetryStrategy = Awaited<ReturnType<CloudWatchLogsClient['config']['retryStrategy']>>;

/**
 * The SDK's standard retry strategy, except that CloudWatch Logs' LimitExceededException is not
 * retried: there it means "too many log groups", a quota that no retry lifts, while the SDK's
 * classifier takes the name for throttling and would back off for up to a minute
 * (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html).
 */
async function quotaErrorsNotRetried(config: BaseClientConfig & { region: string }): Promise<RetryStrategy> {
  const { CloudWatchLogsClient } = await import('@aws-sdk/client-cloudwatch-logs');
  const probe = new CloudWatchLogsClient(config);
  const standard = await probe.config.retryStrategy();
  probe.destroy();
  if (!('refreshRetryTokenForRetry' in standard)) return standard;
  return {
    ...('mode' in standard ? { mode: standard.mode } : {}),
    acquireInitialRetryToken: (scope: string) => standard.acquireInitialRetryToken(scope),
    refreshRetryTokenForRetry: (token, errorInfo) => {
      // Throwing here ends the retries with the call's own error.
      if ((errorInfo.error as { name?: unknown } | undefined)?.name === 'LimitExceededException') return Promise.reject(errorInfo.error);
      return standard.refreshRetryTokenForRetry(token, errorInfo);
    },
    recordSuccess: (token) => standard.recordSuccess(token),
  } as RetryStrategy;
}

/** Builds the ECS and Cloud Map clients, and the CloudWatch Logs one when first asked for, with one shared configuration. */
export async function createAwsClients(cfg: AwsClientConfig): Promise<AwsClients> {
  const base = baseConfig(cfg);
  const gate = cfg.writeGate;
  const ecs = new ECSClient(base);
  const region = await resolveRegion(ecs);
  const withRegion = { ...base, region };
  const cloudMap = new ServiceDiscoveryClient(withRegion);
  const ecsNoRetry = new ECSClient({ ...withRegion, maxAttempts: 1 });
  if (gate) {
    ecs.middlewareStack.use(writeGatePlugin(gate));
    ecsNoRetry.middlewareStack.use(writeGatePlugin(gate));
    cloudMap.middlewareStack.use(writeGatePlugin(gate));
  }
  const logs = lazyResource(
    async () => {
      const { CloudWatchLogsClient } = await import('@aws-sdk/client-cloudwatch-logs');
      const client = new CloudWatchLogsClient({ ...withRegion, retryStrategy: await quotaErrorsNotRetried(withRegion) });
      if (gate) client.middlewareStack.use(writeGatePlugin(gate));
      return client;
    },
    (client) => client.destroy(),
  );
  return {
    ecs,
    ecsNoRetry,
    cloudMap,
    logs: () => logs.get(),
    region,
    destroy() {
      ecs.destroy();
      ecsNoRetry.destroy();
      cloudMap.destroy();
      logs.close();
    },
  };
}
