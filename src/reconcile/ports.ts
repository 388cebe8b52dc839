/**
 * The narrow interfaces through which the reconciler reaches AWS. The reconciler owns them;
 * `src/aws` implements them over the SDK. Values are plain JSON in the AWS API's own camelCase
 * shapes, so no SDK type crosses this line.
 */

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * What kind of failure an AWS call (or a wait on AWS) met; the reconciler's retry policy decides
 * on it (see retry-policy.ts). The adapters classify SDK errors into these by name.
 */
export type ErrorCategory = 'NotFound' | 'Throttled' | 'Conflict' | 'Invalid' | 'Denied' | 'Transient' | 'QuotaExceeded' | 'Unknown';

/** A failure as the reconciler sees it: its category, and where known the AWS error code, request id and operation. */
export interface Failure {
  readonly message: string;
  readonly category: ErrorCategory;
  /** The AWS error code (`InvalidParameterException`), or the reconciler's own (`RolloutFailed`). */
  readonly code?: string | undefined;
  readonly requestId?: string | undefined;
  /** `service:Operation` of the AWS call that failed. */
  readonly operation?: string | undefined;
}

/** Tags in their normalised form: a map from key to value. */
export type TagMap = Record<string, string>;

export interface LiveCluster {
  name: string;
  arn: string;
  status: string;
  /** The namespace ARN of the cluster's Service Connect default, if any. */
  serviceConnectNamespace?: string;
  settings: { name: string; value: string }[];
  tags: TagMap;
  /** Every field of the described cluster as AWS returned it (tags, settings and configuration included). */
  raw?: JsonObject;
}

export interface LiveDeployment {
  id: string;
  status: string;
  rolloutState?: string;
  rolloutStateReason?: string;
  taskDefinition: string;
  desiredCount: number;
  runningCount: number;
  failedTasks: number;
  serviceConnectConfiguration?: JsonObject;
  serviceConnectResources: { discoveryName: string; discoveryArn?: string }[];
  /** CreateService members AWS returns on deployments only, never on the Service (botocore shapes `Service`, `Deployment`). */
  volumeConfigurations?: JsonValue[];
  vpcLatticeConfigurations?: JsonValue[];
}

export interface LiveService {
  cluster: string;
  clusterArn: string;
  name: string;
  arn: string;
  status: string;
  taskDefinition: string;
  desiredCount: number;
  runningCount: number;
  /** Every field of the described service as AWS returned it (dates as ISO strings). */
  raw: JsonObject;
  deployments: LiveDeployment[];
  events: { createdAt: string; message: string }[];
  tags: TagMap;
}

export interface LiveTaskDefinition {
  arn: string;
  family: string;
  revision: number;
  status: string;
  /** The task definition as DescribeTaskDefinition returned it, read-only fields included. */
  definition: JsonObject;
  tags: TagMap;
}

/**
 * DescribeServices accepts at most 10 names per call: the adapter's batches and the observer's
 * read plan both follow it.
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServices.html
 */
export const DESCRIBE_SERVICES_BATCH = 10;

/** The ECS calls the controller makes. */
export interface EcsPort {
  describeClusters(names: readonly string[]): Promise<LiveCluster[]>;
  createCluster(input: JsonObject): Promise<LiveCluster>;
  updateCluster(input: JsonObject): Promise<LiveCluster>;
  /** Replaces a cluster's capacity providers and default strategy (both lists, always). */
  putClusterCapacityProviders(input: JsonObject): Promise<LiveCluster>;
  /** Services by name in batches of 10; names AWS reports as missing are listed apart; `clusterMissing` when the cluster does not exist. */
  describeServices(cluster: string, names: readonly string[]): Promise<{ services: LiveService[]; missing: string[]; clusterMissing: boolean }>;
  listServiceArns(cluster: string): Promise<string[]>;
  createService(input: JsonObject): Promise<LiveService>;
  updateService(input: JsonObject): Promise<LiveService>;
  deleteService(cluster: string, service: string, force: boolean): Promise<LiveService>;
  /** The newest ACTIVE revision's ARN of a family, or undefined when it has none. */
  latestTaskDefinitionArn(family: string): Promise<string | undefined>;
  listTaskDefinitionArns(family: string): Promise<string[]>;
  listTaskDefinitionFamilies(): Promise<string[]>;
  describeTaskDefinition(arnOrFamily: string): Promise<LiveTaskDefinition>;
  registerTaskDefinition(input: JsonObject, tags: TagMap): Promise<LiveTaskDefinition>;
  deregisterTaskDefinition(arn: string): Promise<void>;
  tagResource(arn: string, tags: TagMap): Promise<void>;
  untagResource(arn: string, keys: readonly string[]): Promise<void>;
}

export interface LiveNamespace {
  id: string;
  arn: string;
  name: string;
  type: string;
  description?: string;
  serviceCount?: number;
  /** DNS namespaces: the SOA record's TTL, as ListNamespaces returns it (`Properties.DnsProperties.SOA.TTL`). */
  soaTtl?: number;
}

export interface NamespaceOperation {
  id: string;
  status: 'SUBMITTED' | 'PENDING' | 'SUCCESS' | 'FAIL';
  errorCode?: string;
  errorMessage?: string;
  namespaceId?: string;
}

/** What creating a namespace takes. */
export interface NamespaceCreation {
  name: string;
  type: 'HTTP' | 'DNS_PRIVATE';
  vpc?: string;
  description?: string;
  /** DNS_PRIVATE only: the SOA record's TTL. */
  soaTtl?: number;
  tags: TagMap;
  /** Makes the call retry-safe: the same id returns the same operation. */
  creatorRequestId: string;
}

/** What a namespace update changes: an HTTP namespace only its description. */
export interface NamespaceChange {
  description?: string;
  soaTtl?: number;
}

/** The Cloud Map calls the controller makes. */
export interface CloudMapPort {
  /** Every namespace, all pages. */
  listNamespaces(): Promise<LiveNamespace[]>;
  listTags(arn: string): Promise<TagMap>;
  /** Starts creating a namespace; returns the operation id. */
  createNamespace(input: NamespaceCreation): Promise<string>;
  /** Starts updating a namespace (UpdateHttpNamespace or UpdatePrivateDnsNamespace by its type); returns the operation id. */
  updateNamespace(id: string, type: 'HTTP' | 'DNS_PRIVATE', change: NamespaceChange, updaterRequestId: string): Promise<string>;
  /** The `CreatorRequestId` the namespace was created with (GetNamespace), or undefined when it has none. */
  namespaceCreatorRequestId(id: string): Promise<string | undefined>;
  deleteNamespace(id: string): Promise<string>;
  getOperation(operationId: string): Promise<NamespaceOperation>;
  tagResource(arn: string, tags: TagMap): Promise<void>;
  untagResource(arn: string, keys: readonly string[]): Promise<void>;
}

export interface LiveLogGroup {
  name: string;
  /** The ARN the tagging calls take (without the trailing `:*`). */
  arn?: string;
  retentionInDays?: number;
  /** Read only when the plan may change the group (its retention): who owns it. */
  tags?: TagMap;
}

/** The CloudWatch Logs calls the controller makes. */
/** How many names one DescribeLogGroups `logGroupIdentifiers` takes. */
export const LOG_GROUP_IDENTIFIERS_MAX = 50;

export interface LogsPort {
  describeLogGroups(prefix: string): Promise<LiveLogGroup[]>;
  /** The existing groups among these names (at most LOG_GROUP_IDENTIFIERS_MAX), in one call per page. */
  describeLogGroupsNamed(names: readonly string[]): Promise<LiveLogGroup[]>;
  /** Creates a log group; resolves false when it already existed. */
  createLogGroup(name: string, tags: TagMap): Promise<boolean>;
  putRetentionPolicy(name: string, days: number): Promise<void>;
  /** The tags of the log group with this ARN (ListTagsForResource). */
  listTags(arn: string): Promise<TagMap>;
  /** Adds tags to the log group with this ARN (TagResource). */
  tagResource(arn: string, tags: TagMap): Promise<void>;
}

/** Everything the reconciler needs from AWS. */
export interface AwsPorts {
  ecs: EcsPort;
  cloudMap: CloudMapPort;
  logs: LogsPort;
  region: string;
}
