import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListServicesCommand,
  ListTaskDefinitionFamiliesCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateClusterCommand,
  PutClusterCapacityProvidersCommand,
  type PutClusterCapacityProvidersCommandInput,
  type Cluster,
  type CreateClusterCommandInput,
  type CreateServiceCommandInput,
  type Deployment,
  type DescribeServicesCommandInput,
  type DescribeServicesCommandOutput,
  type ECSClient,
  type RegisterTaskDefinitionCommandInput,
  type Service,
  type ServiceEvent,
  type UpdateClusterCommandInput,
  type UpdateServiceCommandInput,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { DESCRIBE_SERVICES_BATCH, type EcsPort, type JsonObject, type JsonValue, type LiveCluster, type LiveDeployment, type LiveService, type LiveTaskDefinition, type TagMap } from '../reconcile/ports.js';
import pRetry from 'p-retry';
import { AwsCallError, awsCall } from './errors.js';
import { NO_PACING, type Pacer } from './pacing.js';
import { ecsTagsToMap, mapToEcsTags, toJson, toJsonObject } from './json.js';
import { UNCHANGED_RESPONSE_STEP, UnchangedResponseMemo } from './unchanged-response.js';
import { familyOf, lastSegment } from '../util/arn.js';
import { chunks } from '../util/chunks.js';
import { deepFreeze } from '../util/freeze.js';

// DescribeClusters accepts at most 100 names per call:
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeClusters.html
const DESCRIBE_CLUSTERS_BATCH = 100;


function toLiveCluster(c: Cluster): LiveCluster {
  const ns = c.serviceConnectDefaults?.namespace;
  return {
    name: c.clusterName ?? '',
    arn: c.clusterArn ?? '',
    status: c.status ?? 'UNKNOWN',
    ...(ns ? { serviceConnectNamespace: ns } : {}),
    settings: (c.settings ?? []).map((s) => ({ name: String(s.name ?? ''), value: s.value ?? '' })),
    tags: ecsTagsToMap(c.tags),
    raw: toJsonObject(c),
  };
}

function toJsonArray(items: readonly unknown[]): JsonValue[] {
  const json = toJson(items);
  return Array.isArray(json) ? json : [];
}

function toLiveDeployment(d: Deployment): LiveDeployment {
  const sc = d.serviceConnectConfiguration;
  return {
    id: d.id ?? '',
    status: d.status ?? '',
    ...(d.rolloutState ? { rolloutState: d.rolloutState } : {}),
    ...(d.rolloutStateReason ? { rolloutStateReason: d.rolloutStateReason } : {}),
    taskDefinition: d.taskDefinition ?? '',
    desiredCount: d.desiredCount ?? 0,
    runningCount: d.runningCount ?? 0,
    failedTasks: d.failedTasks ?? 0,
    ...(sc ? { serviceConnectConfiguration: toJsonObject(sc) } : {}),
    serviceConnectResources: (d.serviceConnectResources ?? []).map((r) => ({
      discoveryName: r.discoveryName ?? '',
      ...(r.discoveryArn ? { discoveryArn: r.discoveryArn } : {}),
    })),
    ...(d.volumeConfigurations?.length ? { volumeConfigurations: toJsonArray(d.volumeConfigurations) } : {}),
    ...(d.vpcLatticeConfigurations?.length ? { vpcLatticeConfigurations: toJsonArray(d.vpcLatticeConfigurations) } : {}),
  };
}

/**
 * Service events kept per described service, newest first. AWS returns up to 100; the reconciler
 * quotes the newest three in its messages, and every pass holds all described services until it
 * ends, so the rest would only be memory. Besides those, the newest few that report a failed
 * deployment or a rollback are kept: they are the evidence a rollout failed once AWS has dropped
 * the failed deployment itself (reconcile/rollouts.ts).
 */
const EVENTS_KEPT = 3;
const FAILURE_EVENTS_KEPT = 3;
const FAILURE_EVENT = /deployment failed|rolling back|circuit breaker/i;

/** The newest events, plus the newest failure reports among the rest. */
function keptEvents(events: readonly ServiceEvent[]): ServiceEvent[] {
  const failures = events.slice(EVENTS_KEPT).filter((e) => FAILURE_EVENT.test(e.message ?? '')).slice(0, FAILURE_EVENTS_KEPT);
  return [...events.slice(0, EVENTS_KEPT), ...failures];
}

/** Fields of a described service that LiveService carries apart from `raw`. */
const NOT_IN_RAW: ReadonlySet<string> = new Set(['events', 'deployments', 'tags']);

function toLiveService(s: Service): LiveService {
  const clusterArn = s.clusterArn ?? '';
  return {
    cluster: lastSegment(clusterArn),
    clusterArn,
    name: s.serviceName ?? '',
    arn: s.serviceArn ?? '',
    status: s.status ?? 'UNKNOWN',
    taskDefinition: s.taskDefinition ?? '',
    desiredCount: s.desiredCount ?? 0,
    runningCount: s.runningCount ?? 0,
    raw: toJsonObject(s, NOT_IN_RAW),
    deployments: (s.deployments ?? []).map(toLiveDeployment),
    events: keptEvents(s.events ?? []).map((e) => ({
      createdAt: e.createdAt ? e.createdAt.toISOString() : '',
      message: e.message ?? '',
    })),
    tags: ecsTagsToMap(s.tags),
  };
}

function toLiveTaskDefinition(td: JsonObject, tags: TagMap): LiveTaskDefinition {
  return {
    arn: typeof td.taskDefinitionArn === 'string' ? td.taskDefinitionArn : '',
    family: typeof td.family === 'string' ? td.family : '',
    revision: typeof td.revision === 'number' ? td.revision : 0,
    status: typeof td.status === 'string' ? td.status : 'UNKNOWN',
    definition: td,
    tags,
  };
}

/** What one DescribeServices call found. */
interface DescribedBatch {
  services: LiveService[];
  missing: string[];
}

const REGISTER_ATTEMPTS = 5;

/** The ECS adapter over the SDK client. Inputs are validated manifest specs in the API's own shape. */
export class SdkEcs implements EcsPort {
  private readonly describedServices = new UnchangedResponseMemo<DescribedBatch>();

  /**
   * @param client the client for every call
   * @param registerClient a client without SDK retries, for RegisterTaskDefinition (see there)
   * @param pacer waited on before every call, so bursts are spread at AWS's refill rates
   */
  constructor(
    private readonly client: ECSClient,
    private readonly registerClient: ECSClient = client,
    private readonly pacer: Pacer = NO_PACING,
  ) {}

  /** Waits for the pacer's token, then makes the call (the wait is not part of the call's duration). */
  private async call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    await this.pacer.acquire(operation);
    return awsCall(operation, send);
  }

  async describeClusters(names: readonly string[]): Promise<LiveCluster[]> {
    const out: LiveCluster[] = [];
    for (const batch of chunks(names, DESCRIBE_CLUSTERS_BATCH)) {
      const res = await this.call('ecs:DescribeClusters', () =>
        this.client.send(new DescribeClustersCommand({ clusters: batch, include: ['TAGS', 'SETTINGS', 'CONFIGURATIONS'] })),
      );
      for (const c of res.clusters ?? []) if (c.status !== 'INACTIVE') out.push(toLiveCluster(c));
    }
    return out;
  }

  async createCluster(input: JsonObject): Promise<LiveCluster> {
    const res = await this.call('ecs:CreateCluster', () =>
      this.client.send(new CreateClusterCommand(input as CreateClusterCommandInput)),
    );
    return toLiveCluster(res.cluster ?? {});
  }

  async updateCluster(input: JsonObject): Promise<LiveCluster> {
    const res = await this.call('ecs:UpdateCluster', () =>
      this.client.send(new UpdateClusterCommand(input as unknown as UpdateClusterCommandInput)),
    );
    return toLiveCluster(res.cluster ?? {});
  }

  async putClusterCapacityProviders(input: JsonObject): Promise<LiveCluster> {
    const res = await this.call('ecs:PutClusterCapacityProviders', () =>
      this.client.send(new PutClusterCapacityProvidersCommand(input as unknown as PutClusterCapacityProvidersCommandInput)),
    );
    return toLiveCluster(res.cluster ?? {});
  }

  async describeServices(cluster: string, names: readonly string[]): Promise<{ services: LiveService[]; missing: string[]; clusterMissing: boolean }> {
    const services: LiveService[] = [];
    const missing: string[] = [];
    let clusterMissing = false;
    for (const batch of chunks(names, DESCRIBE_SERVICES_BATCH)) {
      let described: DescribedBatch;
      try {
        described = await this.describeServiceBatch(cluster, batch);
      } catch (err) {
        // A cluster that does not exist holds none of the services.
        if (err instanceof AwsCallError && err.code === 'ClusterNotFoundException') {
          missing.push(...batch);
          clusterMissing = true;
          continue;
        }
        // INACTIVE services "may be cleaned up and purged", and DescribeServices on those "returns a
        // ServiceNotFoundException" (DeleteService API reference): a purged name is missing. The
        // answer does not say which name, so a batch is asked again name by name.
        if (err instanceof AwsCallError && err.code === 'ServiceNotFoundException') {
          described = await this.describeEach(cluster, batch);
        } else {
          throw err;
        }
      }
      services.push(...described.services);
      missing.push(...described.missing);
    }
    return { services, missing, clusterMissing };
  }

  /** Describes the names one at a time; a name AWS answers ServiceNotFoundException for is missing. */
  private async describeEach(cluster: string, names: readonly string[]): Promise<DescribedBatch> {
    const out: DescribedBatch = { services: [], missing: [] };
    for (const name of names) {
      try {
        const one = await this.describeServiceBatch(cluster, [name]);
        out.services.push(...one.services);
        out.missing.push(...one.missing);
      } catch (err) {
        if (!(err instanceof AwsCallError && err.code === 'ServiceNotFoundException')) throw err;
        out.missing.push(name);
      }
    }
    return out;
  }

  /**
   * One DescribeServices call. An answer byte for byte the same as last time for the same batch is
   * not parsed again: the services made of it last time are returned (they are frozen, as they
   * are shared between passes).
   */
  private async describeServiceBatch(cluster: string, batch: readonly string[], memo = true): Promise<DescribedBatch> {
    const key = `${cluster}\n${batch.join('\n')}`;
    const { middleware, seen } = this.describedServices.probe<DescribeServicesCommandInput, DescribeServicesCommandOutput>(key);
    const res = await this.call('ecs:DescribeServices', () => {
      const command = new DescribeServicesCommand({ cluster, services: [...batch], include: ['TAGS'] });
      if (memo) command.middlewareStack.add(middleware, UNCHANGED_RESPONSE_STEP);
      return this.client.send(command);
    });
    if (seen.unchanged) {
      const known = this.describedServices.reuse(key);
      // Forgotten in the meantime (the memo is bounded): ask again and parse.
      return known ?? this.describeServiceBatch(cluster, batch, false);
    }
    const described: DescribedBatch = { services: [], missing: [] };
    for (const s of res.services ?? []) {
      // INACTIVE services are still returned for a while after deletion; they do not exist for us.
      if (s.status === 'INACTIVE') described.missing.push(s.serviceName ?? '');
      else described.services.push(toLiveService(s));
    }
    for (const f of res.failures ?? []) {
      const name = f.arn ? lastSegment(f.arn) : '';
      if (f.reason === 'MISSING' && name) described.missing.push(name);
    }
    if (memo) this.describedServices.remember(key, seen.hash, deepFreeze(described));
    return described;
  }

  async listServiceArns(cluster: string): Promise<string[]> {
    const out: string[] = [];
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const res = await this.call('ecs:ListServices', () =>
        this.client.send(new ListServicesCommand({ cluster, maxResults: 100, ...(token ? { nextToken: token } : {}) })),
      );
      out.push(...(res.serviceArns ?? []));
      nextToken = res.nextToken;
    } while (nextToken);
    return out;
  }

  async createService(input: JsonObject): Promise<LiveService> {
    const res = await this.call('ecs:CreateService', () =>
      this.client.send(new CreateServiceCommand(input as unknown as CreateServiceCommandInput)),
    );
    return toLiveService(res.service ?? {});
  }

  async updateService(input: JsonObject): Promise<LiveService> {
    const res = await this.call('ecs:UpdateService', () =>
      this.client.send(new UpdateServiceCommand(input as unknown as UpdateServiceCommandInput)),
    );
    return toLiveService(res.service ?? {});
  }

  async deleteService(cluster: string, service: string, force: boolean): Promise<LiveService> {
    const res = await this.call('ecs:DeleteService', () =>
      this.client.send(new DeleteServiceCommand({ cluster, service, force })),
    );
    return toLiveService(res.service ?? {});
  }

  async latestTaskDefinitionArn(family: string): Promise<string | undefined> {
    const res = await this.call('ecs:ListTaskDefinitions', () =>
      this.client.send(
        new ListTaskDefinitionsCommand({ familyPrefix: family, status: 'ACTIVE', sort: 'DESC', maxResults: 10 }),
      ),
    );
    // familyPrefix matches by prefix: keep only this exact family.
    return (res.taskDefinitionArns ?? []).find((arn) => familyOf(arn) === family);
  }

  async listTaskDefinitionArns(family: string): Promise<string[]> {
    const out: string[] = [];
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const res = await this.call('ecs:ListTaskDefinitions', () =>
        this.client.send(
          new ListTaskDefinitionsCommand({ familyPrefix: family, status: 'ACTIVE', ...(token ? { nextToken: token } : {}) }),
        ),
      );
      out.push(...(res.taskDefinitionArns ?? []).filter((arn) => familyOf(arn) === family));
      nextToken = res.nextToken;
    } while (nextToken);
    return out;
  }

  async listTaskDefinitionFamilies(): Promise<string[]> {
    const out: string[] = [];
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const res = await this.call('ecs:ListTaskDefinitionFamilies', () =>
        this.client.send(new ListTaskDefinitionFamiliesCommand({ status: 'ACTIVE', maxResults: 100, ...(token ? { nextToken: token } : {}) })),
      );
      out.push(...(res.families ?? []));
      nextToken = res.nextToken;
    } while (nextToken);
    return out;
  }

  async describeTaskDefinition(arnOrFamily: string): Promise<LiveTaskDefinition> {
    const res = await this.call('ecs:DescribeTaskDefinition', () =>
      this.client.send(new DescribeTaskDefinitionCommand({ taskDefinition: arnOrFamily, include: ['TAGS'] })),
    );
    return toLiveTaskDefinition(toJsonObject(res.taskDefinition), ecsTagsToMap(res.tags));
  }

  /**
   * RegisterTaskDefinition has no idempotency token and registers a new revision even for identical
   * content (aws/aws-cli#1332), so a blind retry after a lost answer would leave a duplicate
   * revision. It is therefore sent without SDK retries: a throttled call (never carried out) is
   * retried after a backoff, and after an answer that may have been lost, the family's newest
   * revision is checked first and reused when it carries exactly the tags sent (which include the
   * content hash).
   */
  async registerTaskDefinition(input: JsonObject, tags: TagMap): Promise<LiveTaskDefinition> {
    const req = { ...input, tags: mapToEcsTags(tags) } as unknown as RegisterTaskDefinitionCommandInput;
    const family = typeof input.family === 'string' ? input.family : '';
    // Set when the last attempt may have been carried out (its answer was lost or garbled).
    let uncertain = false;
    return pRetry(
      async () => {
        if (uncertain) {
          const landed = await this.findRegistered(family, tags);
          if (landed) return landed;
        }
        try {
          const res = await this.call('ecs:RegisterTaskDefinition', () => this.registerClient.send(new RegisterTaskDefinitionCommand(req)));
          return toLiveTaskDefinition(toJsonObject(res.taskDefinition), ecsTagsToMap(res.tags));
        } catch (err) {
          uncertain = err instanceof AwsCallError && (err.category === 'Transient' || err.category === 'Unknown');
          throw err;
        }
      },
      {
        retries: REGISTER_ATTEMPTS - 1,
        minTimeout: 200,
        maxTimeout: 20_000,
        randomize: true,
        // Throttled calls were never carried out; after a lost answer the next attempt looks first.
        shouldRetry: ({ error }) => error instanceof AwsCallError && (error.category === 'Throttled' || error.category === 'Transient' || error.category === 'Unknown'),
      },
    );
  }

  /** The family's newest ACTIVE revision when it carries every tag in `tags`, else undefined. */
  private async findRegistered(family: string, tags: TagMap): Promise<LiveTaskDefinition | undefined> {
    const arn = await this.latestTaskDefinitionArn(family);
    if (arn === undefined) return undefined;
    const latest = await this.describeTaskDefinition(arn);
    return Object.entries(tags).every(([k, v]) => latest.tags[k] === v) ? latest : undefined;
  }

  async deregisterTaskDefinition(arn: string): Promise<void> {
    await this.call('ecs:DeregisterTaskDefinition', () =>
      this.client.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn })),
    );
  }

  async tagResource(arn: string, tags: TagMap): Promise<void> {
    await this.call('ecs:TagResource', () => this.client.send(new TagResourceCommand({ resourceArn: arn, tags: mapToEcsTags(tags) })));
  }

  async untagResource(arn: string, keys: readonly string[]): Promise<void> {
    await this.call('ecs:UntagResource', () =>
      this.client.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: [...keys] })),
    );
  }
}
