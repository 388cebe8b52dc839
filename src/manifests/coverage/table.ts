/**
 * The coverage contract: every field path a manifest accepts, in exactly one class.
 *
 * - `reconciled`: compared with live state where AWS returns it, and changed in place.
 * - `create-only`: sent when the resource is created; a change is a replace, or is refused with a
 *   message saying so.
 * - `unreconciled`: sent when the resource is created and never compared afterwards; `validate`
 *   warns, naming the field.
 * - `refused`: `validate` reports an error ("FIELD is not supported yet").
 *
 * A rule with `members` also covers every path below it. The table is data only: the planner is
 * held to it by the generated convergence tests (test/coverage/), the reference
 * (docs/manifest-reference.md) is rendered from it, and `validate` reads it (rules/coverage.ts).
 * Pure.
 */
import type { Kind } from '../model.js';

/** The four classes of field coverage. */
export const FIELD_CLASSES = ['reconciled', 'create-only', 'unreconciled', 'refused'] as const;
export type FieldClass = (typeof FIELD_CLASSES)[number];

/** Where AWS returns a field's live value, with the page that documents it. */
export const LIVE_SOURCES = {
  service: { label: 'Service', url: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Service.html' },
  primary: { label: 'PRIMARY deployment', url: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html' },
  serviceRevision: { label: 'ServiceRevision', url: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceRevision.html' },
  serviceTags: { label: 'DescribeServices include TAGS', url: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServices.html' },
  cluster: { label: 'DescribeClusters', url: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Cluster.html' },
  clusterSettings: { label: 'DescribeClusters include SETTINGS', url: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeClusters.html' },
  clusterConfigurations: { label: 'DescribeClusters include CONFIGURATIONS', url: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeClusters.html' },
  clusterTags: { label: 'DescribeClusters include TAGS', url: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeClusters.html' },
  taskDefinition: { label: 'content-hash tag of the revision', url: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTaskDefinition.html' },
  namespaces: { label: 'ListNamespaces', url: 'https://docs.aws.amazon.com/cloud-map/latest/api/API_NamespaceSummary.html' },
  namespaceTags: { label: 'ListTagsForResource', url: 'https://docs.aws.amazon.com/cloud-map/latest/api/API_ListTagsForResource.html' },
  creatorRequestId: { label: 'GetNamespace CreatorRequestId', url: 'https://docs.aws.amazon.com/cloud-map/latest/api/API_Namespace.html' },
} as const;
export type LiveSource = keyof typeof LIVE_SOURCES;

/** A value AWS fills in when the field is left out, which never shows as a difference. */
export interface FieldDefault {
  value: string;
  /** The page that documents it. */
  source: string;
}

/** How one field path (and, with `members`, the paths below it) is treated. */
export interface FieldRule {
  class: FieldClass;
  /** Where the live value is read (reconciled and create-only fields). */
  live?: LiveSource;
  /** The member of the described resource that holds the live value, when its name differs. */
  liveName?: string;
  /** Reconciled: how it is compared and changed. Create-only: what a change does. Otherwise: why. */
  how: string;
  /** The rule covers every path below this one. */
  members?: true;
  default?: FieldDefault;
}

export type CoverageTable = Readonly<Record<string, FieldRule>>;

const ECS_API = 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/';

const onService = (how: string, extra: Partial<FieldRule> = {}): FieldRule => ({ class: 'reconciled', live: 'service', how, ...extra });
const onPrimary = (how: string, extra: Partial<FieldRule> = {}): FieldRule => ({ class: 'reconciled', live: 'primary', how, ...extra });
const withMembers = (rule: FieldRule): FieldRule => ({ ...rule, members: true });

const STATED = 'compared on the members the manifest states (what it leaves out is not managed); UpdateService';
const LIST_STATED = 'the list compared element by element, each on the members the manifest states; UpdateService';

/*
 * Service Connect is read from the PRIMARY deployment: the Service object has no
 * serviceConnectConfiguration (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html).
 * A change of any member sends the whole block in UpdateService and starts a deployment.
 */
const SC = 'serviceConnectConfiguration';
const SC_SERVICE = `${SC}.services[]`;
const SC_ALIAS = `${SC_SERVICE}.clientAliases[]`;
const AS_STATED = 'compared when the manifest states it (AWS may fill it in otherwise)';

const SERVICE_CONNECT: CoverageTable = {
  [SC]: onPrimary('absent, or `enabled: false`, is off; removing the block sends `enabled: false`, because AWS keeps Service Connect on when it is merely left out'),
  [`${SC}.enabled`]: onPrimary('compared as written'),
  [`${SC}.namespace`]: onPrimary('a name or an ARN, compared as the namespace ARN AWS returns', {
    default: { value: "the cluster's `serviceConnectDefaults.namespace`", source: `${ECS_API}API_ServiceConnectConfiguration.html` },
  }),
  [`${SC}.services`]: onPrimary('the list keyed by `portName`: an entry added or removed is a change'),
  [`${SC_SERVICE}.portName`]: onPrimary('the key of the entry'),
  [`${SC_SERVICE}.discoveryName`]: onPrimary('compared with the default filled in on both sides', {
    default: { value: 'the `portName`', source: `${ECS_API}API_ServiceConnectService.html` },
  }),
  [`${SC_SERVICE}.clientAliases`]: onPrimary('the list compared element by element'),
  [`${SC_ALIAS}.port`]: onPrimary('compared as written'),
  [`${SC_ALIAS}.dnsName`]: onPrimary('compared with the default filled in on both sides', {
    default: { value: '`discoveryName.namespace`', source: `${ECS_API}API_ServiceConnectClientAlias.html` },
  }),
  [`${SC_ALIAS}.testTrafficRules`]: withMembers(onPrimary(AS_STATED)),
  [`${SC_SERVICE}.ingressPortOverride`]: onPrimary(AS_STATED, {
    default: { value: "the port mapping's container port (awsvpc, Fargate); the proxy's ephemeral port (bridge)", source: `${ECS_API}API_ServiceConnectService.html` },
  }),
  [`${SC_SERVICE}.timeout`]: onPrimary(AS_STATED),
  [`${SC_SERVICE}.timeout.idleTimeoutSeconds`]: onPrimary(AS_STATED, {
    default: { value: '300 s for HTTP, HTTP2 and gRPC; 3600 s for TCP', source: `${ECS_API}API_TimeoutConfiguration.html` },
  }),
  [`${SC_SERVICE}.timeout.perRequestTimeoutSeconds`]: onPrimary(`${AS_STATED}; not allowed for TCP`),
  [`${SC_SERVICE}.tls`]: onPrimary(AS_STATED),
  [`${SC_SERVICE}.tls.issuerCertificateAuthority`]: onPrimary(AS_STATED),
  [`${SC_SERVICE}.tls.issuerCertificateAuthority.awsPcaAuthorityArn`]: onPrimary(AS_STATED),
  [`${SC_SERVICE}.tls.kmsKey`]: onPrimary('compared when stated; a key id or alias matches the ARN that ends with it (`…:key/ID`, `…:alias/NAME`)'),
  [`${SC_SERVICE}.tls.roleArn`]: onPrimary(AS_STATED),
  [`${SC}.logConfiguration`]: withMembers(onPrimary('the whole block, as written')),
  [`${SC}.accessLogConfiguration`]: onPrimary('absent is no access log'),
  [`${SC}.accessLogConfiguration.format`]: onPrimary('compared as written'),
  [`${SC}.accessLogConfiguration.includeQueryParameters`]: onPrimary('compared with the default removed on both sides', {
    default: { value: '`DISABLED`', source: `${ECS_API}API_ServiceConnectAccessLogConfiguration.html` },
  }),
  [`${SC}.containerConfigurations`]: withMembers(
    onPrimary(AS_STATED, { default: { value: '`logLevel: info`', source: `${ECS_API}API_ServiceConnectContainerConfiguration.html` } }),
  ),
};

const SERVICE: CoverageTable = {
  cluster: { class: 'create-only', live: 'service', how: 'names the service together with `metadata.name`: another cluster is another service, created there (the old one is deleted only with `--prune`)' },
  taskDefinition: onService(
    'a TaskDefinition manifest: the revision with its content (content-hash tag); `family:revision` or an ARN: as written; a change rolls out a new deployment',
  ),
  availabilityZoneRebalancing: onService('compared when stated; UpdateService'),
  loadBalancers: withMembers(onService(LIST_STATED)),
  serviceRegistries: withMembers(onService(LIST_STATED)),
  desiredCount: onService('compared when stated; left out, it is set to 1 at creation and then left to others (autoscaling)'),
  launchType: { class: 'create-only', live: 'service', how: 'a change replaces the service (`--allow-replace`)' },
  capacityProviderStrategy: withMembers(onService(LIST_STATED)),
  platformVersion: onService('compared as written (`LATEST` stays `LATEST` on the Service)'),
  role: { class: 'create-only', live: 'service', liveName: 'roleArn', how: 'a change replaces the service (`--allow-replace`); a role name matches the ARN ending with it' },
  deploymentConfiguration: withMembers(onService(STATED)),
  placementConstraints: withMembers(onService(LIST_STATED)),
  placementStrategy: withMembers(onService(LIST_STATED)),
  networkConfiguration: withMembers(onService(`${STATED}; \`subnets\` and \`securityGroups\` compared as sets`)),
  healthCheckGracePeriodSeconds: onService('compared when stated; UpdateService'),
  schedulingStrategy: { class: 'create-only', live: 'service', how: 'a change replaces the service (`--allow-replace`)', default: { value: '`REPLICA`', source: `${ECS_API}API_CreateService.html` } },
  deploymentController: withMembers(onService('compared when stated; UpdateService')),
  enableECSManagedTags: onService('compared when stated; UpdateService'),
  propagateTags: onService('compared when stated; UpdateService'),
  enableExecuteCommand: onService('compared when stated; UpdateService'),
  ...SERVICE_CONNECT,
  volumeConfigurations: withMembers(onPrimary(`${LIST_STATED} (AWS returns it on deployments only)`)),
  vpcLatticeConfigurations: withMembers(onPrimary(`${LIST_STATED} (AWS returns it on deployments only)`)),
  gatewayConnectors: withMembers({
    class: 'unreconciled',
    how: 'DescribeServices does not return it (only DescribeServiceRevisions does, which the controller does not read): set at creation, a later change is not applied',
  }),
  monitoring: withMembers({
    class: 'unreconciled',
    how: 'DescribeServices does not return it (only DescribeServiceRevisions does, which the controller does not read): set at creation, a later change is not applied',
  }),
  tags: { class: 'reconciled', live: 'serviceTags', how: 'the stated tags are added or updated; with `tags` stated, tags it no longer lists are removed (never `aws:` or `switchboard.dev/` ones); TagResource/UntagResource' },
};

const CLUSTER: CoverageTable = {
  clusterName: { class: 'create-only', live: 'cluster', how: 'names the cluster: another name is another cluster, created anew' },
  settings: withMembers({ class: 'reconciled', live: 'clusterSettings', how: 'compared by `name` on the settings the manifest states; UpdateCluster' }),
  configuration: withMembers({ class: 'reconciled', live: 'clusterConfigurations', how: 'compared on the members the manifest states; UpdateCluster' }),
  capacityProviders: {
    class: 'reconciled',
    live: 'cluster',
    how: 'compared as a set; PutClusterCapacityProviders, which replaces both lists (the one the manifest leaves out is sent as it is live); a provider a service still uses cannot be removed',
  },
  defaultCapacityProviderStrategy: withMembers({
    class: 'reconciled',
    live: 'cluster',
    how: 'compared per `capacityProvider` on the members the manifest states; PutClusterCapacityProviders (with the live providers when the manifest leaves them out)',
  }),
  serviceConnectDefaults: { class: 'reconciled', live: 'cluster', how: 'see `namespace`' },
  'serviceConnectDefaults.namespace': {
    class: 'reconciled',
    live: 'cluster',
    how: 'a name or an ARN, compared as the namespace ARN AWS returns; a name no namespace has makes ECS create an HTTP namespace; UpdateCluster',
  },
  tags: { class: 'reconciled', live: 'clusterTags', how: 'as for every kind: stated tags added or updated, unlisted ones removed when `tags` is stated; TagResource/UntagResource' },
};

const NAMESPACE: CoverageTable = {
  type: { class: 'create-only', live: 'namespaces', how: 'a change is refused: Cloud Map cannot change a namespace\'s type (delete the namespace, or use another name)' },
  vpc: {
    class: 'create-only',
    live: 'creatorRequestId',
    how: 'a change is refused: no Cloud Map call moves a namespace to another VPC (delete the namespace, or use another name). Cloud Map does not return the VPC; the CreatorRequestId switchboard creates a namespace with records it, so the VPC of a namespace created elsewhere is not compared (the plan says so)',
  },
  description: { class: 'reconciled', live: 'namespaces', how: 'compared when stated; UpdateHttpNamespace or UpdatePrivateDnsNamespace' },
  properties: withMembers({
    class: 'reconciled',
    live: 'namespaces',
    how: '`DNS_PRIVATE` only: the SOA record\'s TTL, compared when stated and when Cloud Map returns it (the plan says when it does not); UpdatePrivateDnsNamespace',
  }),
  tags: { class: 'reconciled', live: 'namespaceTags', how: 'as for every kind: stated tags added or updated, unlisted ones removed when `tags` is stated; TagResource/UntagResource' },
};

const TASK_DEFINITION_CONTENT = 'part of the content: the normalised definition and its tags are hashed, and a revision carrying that hash (a tag) is in sync; any change registers a new revision and rolls the services that run it';

/*
 * Task definitions are immutable revisions: every field but `family` is compared as part of the
 * whole normalised content (desired.ts, normalize-task-definition.ts).
 */
const TASK_DEFINITION: CoverageTable = {
  family: { class: 'create-only', live: 'taskDefinition', how: 'names the family: another family is registered anew (revisions of the old one are left as they are)' },
  ...Object.fromEntries(
    [
      'taskRoleArn',
      'executionRoleArn',
      'networkMode',
      'containerDefinitions',
      'volumes',
      'placementConstraints',
      'requiresCompatibilities',
      'cpu',
      'memory',
      'pidMode',
      'ipcMode',
      'proxyConfiguration',
      'inferenceAccelerators',
      'ephemeralStorage',
      'runtimePlatform',
      'enableFaultInjection',
      'tags',
    ].map((field) => [field, withMembers({ class: 'reconciled', live: 'taskDefinition', how: TASK_DEFINITION_CONTENT })]),
  ),
};

/** The coverage contract of every kind. */
export const COVERAGE: Readonly<Record<Kind, CoverageTable>> = {
  Namespace: NAMESPACE,
  Cluster: CLUSTER,
  TaskDefinition: TASK_DEFINITION,
  Service: SERVICE,
};

/** The rule that covers a table path: its own, or the nearest ancestor's with `members`. */
export function ruleFor(kind: Kind, path: string): { path: string; rule: FieldRule } | undefined {
  const table = COVERAGE[kind];
  const own = table[path];
  if (own !== undefined) return { path, rule: own };
  for (let cut = lastSeparator(path); cut > 0; cut = lastSeparator(path.slice(0, cut))) {
    const ancestor = path.slice(0, cut);
    const rule = table[ancestor];
    if (rule !== undefined) return rule.members ? { path: ancestor, rule } : undefined;
  }
  return undefined;
}

/** Where the last path segment starts (`a.b[].c` → the `.` before `c`), or -1. */
function lastSeparator(path: string): number {
  const dot = path.lastIndexOf('.');
  return dot > 0 && path.slice(dot - 2, dot) === '[]' ? dot - 2 : dot;
}
