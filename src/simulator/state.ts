import type { JsonObject } from './json.js';

/** Tags as a key -> value map in insertion order (each service renders its own wire shape). */
export type TagMap = Record<string, string>;

/** An ECS cluster. */
export interface ClusterRecord {
  clusterName: string;
  clusterArn: string;
  status: 'ACTIVE' | 'INACTIVE';
  createdAt: number;
  settings: JsonObject[];
  configuration?: JsonObject;
  /** The default Service Connect namespace, always stored as an ARN. */
  serviceConnectNamespaceArn?: string;
  capacityProviders: string[];
  defaultCapacityProviderStrategy: JsonObject[];
  tags: TagMap;
}

/** A named Auto Scaling group capacity provider of the account (FARGATE and FARGATE_SPOT are built in). */
export interface CapacityProviderRecord {
  name: string;
  arn: string;
  status: 'ACTIVE' | 'INACTIVE';
  autoScalingGroupProvider: JsonObject;
  updateStatus?: string;
  tags: TagMap;
}

/** One task definition revision: `body` holds the registered content with AWS's defaults filled in. */
export interface TaskDefinitionRecord {
  family: string;
  revision: number;
  arn: string;
  status: 'ACTIVE' | 'INACTIVE' | 'DELETE_IN_PROGRESS';
  body: JsonObject;
  registeredAt: number;
  deregisteredAt?: number;
  tags: TagMap;
  /** Deleted for good after DELETE_IN_PROGRESS: invisible, but its revision number stays used. */
  deleted?: boolean;
}

/** Service Connect endpoint ECS registered in Cloud Map for a deployment. */
export interface ServiceConnectResource {
  discoveryName: string;
  discoveryArn: string;
}

/** One ECS deployment, with the timestamps its lazy rollout is computed from. */
export interface DeploymentRecord {
  id: string;
  status: 'PRIMARY' | 'ACTIVE' | 'INACTIVE';
  taskDefinition: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  failedTasks: number;
  createdAt: number;
  updatedAt: number;
  launchType?: string;
  /** As resolved for the tasks (`LATEST` -> `1.4.0`), where the Service keeps what was asked. */
  platformVersion?: string;
  platformFamily?: string;
  capacityProviderStrategy?: JsonObject[];
  networkConfiguration?: JsonObject;
  serviceConnectConfiguration?: JsonObject;
  serviceConnectResources?: ServiceConnectResource[];
  /**
   * Simulator only, never on the wire: the Service Connect endpoints (discovery names ECS had
   * registered in the deployment's namespace) that existed when its tasks started, the only ones
   * they resolve (service-connect-concepts). Read through `GET /_sim/state`.
   */
  resolvableEndpoints?: string[];
  /** Returned only here, never on the Service object (the ECS model's `Deployment` and `Service` shapes). */
  volumeConfigurations?: JsonObject[];
  vpcLatticeConfigurations?: JsonObject[];
  rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  rolloutStateReason: string;
  /** Running count when the current ramp started, its start and end (epoch ms). */
  rampFrom: number;
  rampStartAt: number;
  rampEndAt: number;
  /** When set, tasks start failing at this instant (injected fault): the circuit breaker trips. */
  failAt?: number;
  /** Tasks keep failing and no circuit breaker stops it: the rollout never completes. */
  failing?: boolean;
}

/** One service event (newest first in the service's list). */
export interface ServiceEventRecord {
  id: string;
  createdAt: number;
  message: string;
}

/** An ECS service. Fields AWS returns verbatim are kept as sent in `spec`. */
export interface ServiceRecord {
  serviceName: string;
  serviceArn: string;
  clusterName: string;
  clusterArn: string;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  desiredCount: number;
  taskDefinition: string;
  createdAt: number;
  /** Members echoed back as sent (launchType, networkConfiguration, deploymentConfiguration, ...). */
  spec: JsonObject;
  deployments: DeploymentRecord[];
  events: ServiceEventRecord[];
  tags: TagMap;
  /** DRAINING -> INACTIVE at this instant. */
  inactiveAt?: number;
  /** INACTIVE -> purged from the Region's records at this instant. */
  purgeAt?: number;
  /** True while a deployment ramps or drains (the lazy settle skips quiet services). */
  busy: boolean;
}

/** A CreateService `clientToken` in use: a retry with the same input replays the first answer. */
export interface ClientTokenRecord {
  fingerprint: string;
  /** The CreateService answer the token's first call got. */
  response: JsonObject;
  expiresAt: number;
}

/** ECS state of one Region. */
export interface EcsState {
  clusters: Record<string, ClusterRecord>;
  /** family -> revisions, index = revision - 1. */
  taskDefinitions: Record<string, TaskDefinitionRecord[]>;
  /** cluster name -> service name -> service. */
  services: Record<string, Record<string, ServiceRecord>>;
  /** The account's Auto Scaling capacity providers by name (absent in older state files). */
  capacityProviders?: Record<string, CapacityProviderRecord>;
  /** ARNs of revisions in DELETE_IN_PROGRESS, deleted once no deployment uses them (absent in older state files). */
  taskDefinitionsDeleting?: string[];
  /** `cluster/token` -> the CreateService call that token made (absent in state files of older versions). */
  clientTokens?: Record<string, ClientTokenRecord>;
}

/** A Cloud Map namespace (members named as in the API). */
export interface NamespaceRecord {
  Id: string;
  Arn: string;
  Name: string;
  Type: 'HTTP' | 'DNS_PRIVATE' | 'DNS_PUBLIC';
  Description?: string;
  CreateDate: number;
  CreatorRequestId?: string;
  Properties: JsonObject;
  tags: TagMap;
  /** The account that owns it; another account's namespace is shared in (absent in older state files: the account's own). */
  ResourceOwner?: string;
}

/** A Cloud Map service. */
export interface CmServiceRecord {
  Id: string;
  Arn: string;
  Name: string;
  NamespaceId: string;
  Type: 'HTTP' | 'DNS_HTTP' | 'DNS';
  Description?: string;
  CreateDate: number;
  CreatorRequestId?: string;
  DnsConfig?: JsonObject;
  HealthCheckCustomConfig?: JsonObject;
  tags: TagMap;
  /** The ECS service that registered it through Service Connect, if any. */
  ecsServiceArn?: string;
}

/** A Cloud Map asynchronous operation, resolved lazily from its timestamps. */
export interface OperationRecord {
  Id: string;
  Type: 'CREATE_NAMESPACE' | 'DELETE_NAMESPACE' | 'UPDATE_NAMESPACE';
  namespaceId: string;
  createdAt: number;
  pendingAt: number;
  doneAt: number;
  outcome: 'SUCCESS' | 'FAIL';
  errorCode?: string;
  errorMessage?: string;
  applied: boolean;
  creatorRequestId?: string;
  /** CREATE: the namespace to add on success; UPDATE: the new description and SOA TTL. */
  namespace?: NamespaceRecord;
  description?: string;
  soaTtl?: number;
  /** UPDATE: the caller's `UpdaterRequestId`, so a retry returns this operation. */
  updaterRequestId?: string;
}

/** Cloud Map state of one Region. */
export interface CloudMapState {
  namespaces: Record<string, NamespaceRecord>;
  services: Record<string, CmServiceRecord>;
  operations: Record<string, OperationRecord>;
}

/** One CloudWatch Logs event. */
export interface LogEventRecord {
  timestamp: number;
  message: string;
  ingestionTime: number;
  eventId: string;
}

/** A CloudWatch Logs stream. */
export interface LogStreamRecord {
  logStreamName: string;
  creationTime: number;
  firstEventTimestamp?: number;
  lastEventTimestamp?: number;
  lastIngestionTime?: number;
  storedBytes: number;
  events: LogEventRecord[];
}

/** A CloudWatch Logs log group. */
export interface LogGroupRecord {
  logGroupName: string;
  creationTime: number;
  retentionInDays?: number;
  kmsKeyId?: string;
  logGroupClass: string;
  tags: TagMap;
  streams: Record<string, LogStreamRecord>;
}

/** CloudWatch Logs state of one Region. */
export interface LogsState {
  groups: Record<string, LogGroupRecord>;
}

/** One S3 object (the current version; buckets are unversioned). */
export interface S3ObjectRecord {
  /** The content, base64. */
  body: string;
  /** Quoted, as S3 sends it: `"<md5 hex>"`. */
  etag: string;
  size: number;
  lastModified: number;
  contentType: string;
}

/** An S3 bucket (a general purpose bucket, unversioned). */
export interface S3BucketRecord {
  name: string;
  region: string;
  /** The owning account (ExpectedBucketOwner is checked against it). */
  owner: string;
  createdAt: number;
  objects: Record<string, S3ObjectRecord>;
}

/** S3 state: bucket names are global, so buckets live beside the Regions, each remembering its own. */
export interface S3State {
  buckets: Record<string, S3BucketRecord>;
}

/** One event an EventBridge bus accepted. */
export interface ReceivedEventRecord {
  eventId: string;
  /** When PutEvents accepted it, epoch ms. */
  receivedAt: number;
  region: string;
  eventBusName: string;
  source: string;
  detailType: string;
  /** The detail as sent (JSON text). */
  detail: string;
  resources: string[];
  /** The event's own time, epoch ms (the call's time when it gave none). */
  time: number;
}

/** EventBridge state of one Region: what its buses received (bounded). */
export interface EventsState {
  received: ReceivedEventRecord[];
  /** Older events dropped to keep `received` bounded. */
  dropped: number;
}

/** Everything in one Region. */
export interface RegionState {
  ecs: EcsState;
  cloudmap: CloudMapState;
  logs: LogsState;
  /** Created on first use (state files written before EventBridge was simulated have none). */
  events?: EventsState;
}

/** The whole simulated account: JSON-serialisable, persisted by `--state-file`. */
export interface SimState {
  version: 1;
  accountId: string;
  regions: Record<string, RegionState>;
  /** Created on first use (state files written before S3 was simulated have none). */
  s3?: S3State;
}

/** An empty account. */
export function emptyState(accountId: string): SimState {
  return { version: 1, accountId, regions: {} };
}

/** The state of `region`, created empty on first use. */
export function regionState(state: SimState, region: string): RegionState {
  let r = state.regions[region];
  if (!r) {
    r = {
      ecs: { clusters: {}, taskDefinitions: {}, services: {}, clientTokens: {} },
      cloudmap: { namespaces: {}, services: {}, operations: {} },
      logs: { groups: {} },
    };
    state.regions[region] = r;
  }
  return r;
}

/** True when `value` looks like a persisted simulator state (shallow check before loading). */
export function isSimState(value: unknown): value is SimState {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { version?: unknown; regions?: unknown; accountId?: unknown };
  return v.version === 1 && typeof v.accountId === 'string' && typeof v.regions === 'object' && v.regions !== null;
}
