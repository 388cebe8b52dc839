/**
 * From a call the simulator carried out to the IAM authorisation requests AWS makes for it: the
 * action itself on its resource, and the actions AWS authorises alongside (tag-on-create,
 * iam:PassRole), each with only the condition keys the service authorization reference lists for
 * that action, filled from what the request sent and from the resource's tags before the call.
 */
import type { ObservedCall } from '../../src/simulator/index.js';
import type { IamRequest } from './iam-eval.js';

/**
 * The condition keys each action supports, from the Service Authorization Reference:
 * ECS https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html ,
 * Cloud Map https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudmap.html ,
 * CloudWatch Logs https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html ,
 * S3 https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html ,
 * EventBridge https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridge.html ,
 * IAM https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html .
 * Only the keys this project's policy could use are listed; an action missing here supports none of them.
 */
export const SUPPORTED_CONDITION_KEYS: Readonly<Record<string, readonly string[]>> = {
  'ecs:CreateCluster': ['aws:RequestTag/*', 'aws:TagKeys'],
  'ecs:CreateService': ['aws:RequestTag/*', 'aws:TagKeys', 'ecs:cluster'],
  'ecs:RegisterTaskDefinition': ['aws:RequestTag/*', 'aws:TagKeys'],
  'ecs:UpdateService': ['aws:ResourceTag/*', 'ecs:cluster'],
  'ecs:DeleteService': ['aws:ResourceTag/*', 'ecs:cluster'],
  'ecs:UpdateCluster': ['aws:ResourceTag/*'],
  'ecs:PutClusterCapacityProviders': ['aws:ResourceTag/*', 'ecs:capacity-provider'],
  'ecs:TagResource': ['aws:RequestTag/*', 'aws:ResourceTag/*', 'aws:TagKeys', 'ecs:CreateAction'],
  'ecs:UntagResource': ['aws:ResourceTag/*', 'aws:TagKeys'],
  'servicediscovery:CreateHttpNamespace': ['aws:RequestTag/*', 'aws:TagKeys'],
  'servicediscovery:CreatePrivateDnsNamespace': ['aws:RequestTag/*', 'aws:TagKeys'],
  'servicediscovery:UpdateHttpNamespace': ['aws:ResourceTag/*'],
  'servicediscovery:UpdatePrivateDnsNamespace': ['aws:ResourceTag/*'],
  'servicediscovery:DeleteNamespace': ['aws:ResourceTag/*'],
  'servicediscovery:TagResource': ['aws:RequestTag/*', 'aws:TagKeys'],
  'servicediscovery:UntagResource': ['aws:TagKeys'],
  'logs:CreateLogGroup': ['aws:RequestTag/*', 'aws:TagKeys'],
  'logs:TagResource': ['aws:RequestTag/*', 'aws:ResourceTag/*', 'aws:TagKeys'],
  'logs:PutRetentionPolicy': ['aws:ResourceTag/*'],
  's3:ListBucket': ['s3:prefix'],
  's3:PutObject': ['s3:if-match', 's3:if-none-match'],
  'events:PutEvents': ['events:source', 'events:detail-type'],
  'iam:PassRole': ['iam:PassedToService'],
  'iam:CreateServiceLinkedRole': ['iam:AWSServiceName'],
};

/** Whether `key` is one the action supports (tag keys match their `/*` family). */
export function supportsKey(action: string, key: string): boolean {
  const keys = SUPPORTED_CONDITION_KEYS[action] ?? [];
  const lower = key.toLowerCase();
  return keys.some((k) => (k.endsWith('/*') ? lower.startsWith(k.slice(0, -1).toLowerCase()) : k.toLowerCase() === lower));
}

type Tags = Record<string, string>;

function tagContext(prefix: 'aws:RequestTag' | 'aws:ResourceTag', tags: Tags | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags ?? {})) out[`${prefix}/${k}`] = v;
  return out;
}

/** Keeps only the context keys the action supports: AWS supplies no others, whatever the request carried. */
function request(action: string, resource: string, context: Record<string, string | readonly string[]> = {}): IamRequest {
  const supported: Record<string, string | readonly string[]> = {};
  for (const [k, v] of Object.entries(context)) if (supportsKey(action, k)) supported[k] = v;
  return { action, resource, context: supported };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function objects(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : [];
}

/** `[{key, value}]` (ECS) or `[{Key, Value}]` (Cloud Map) as a map. */
function tagList(v: unknown): Tags {
  const out: Tags = {};
  for (const t of objects(v)) {
    const k = str(t.key) ?? str(t.Key);
    const val = str(t.value) ?? str(t.Value);
    if (k !== undefined) out[k] = val ?? '';
  }
  return out;
}

function tagMap(v: unknown): Tags {
  const out: Tags = {};
  if (typeof v === 'object' && v !== null) for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

function last(arnOrName: string): string {
  return arnOrName.slice(arnOrName.lastIndexOf('/') + 1);
}

/** The tags of an ECS cluster, service or task definition named by ARN, before the call. */
function ecsTags(call: ObservedCall, arn: string): Tags | undefined {
  const ecs = call.state.ecs;
  const m = /:(cluster|service|task-definition)\/(.+)$/.exec(arn);
  if (!m) return undefined;
  const [, type, rest = ''] = m;
  if (type === 'cluster') return ecs.clusters[rest]?.tags;
  if (type === 'service') {
    const [cluster, name] = rest.includes('/') ? rest.split('/') : ['default', rest];
    return ecs.services[cluster ?? '']?.[name ?? '']?.tags;
  }
  const [family = '', revision] = rest.split(':');
  return ecs.taskDefinitions[family]?.[Number(revision) - 1]?.tags;
}

function ecsArn(call: ObservedCall, resource: string): string {
  return `arn:aws:ecs:${call.region}:${call.accountId}:${resource}`;
}

function serviceArn(call: ObservedCall, cluster: string | undefined, service: string): string {
  return service.startsWith('arn:') ? service : ecsArn(call, `service/${last(cluster ?? 'default')}/${service}`);
}

/** iam:PassRole for each role a request hands to ECS, with the service the role is passed to. */
function passRoles(roles: (string | undefined)[], passedTo: string): IamRequest[] {
  return roles.filter((r): r is string => r !== undefined && r !== '').map((r) => request('iam:PassRole', r, { 'iam:PassedToService': passedTo }));
}

/** Roles a service request passes to ECS itself: Service Connect TLS and VPC Lattice roles. */
function serviceRoles(input: Record<string, unknown>): IamRequest[] {
  const sc = input.serviceConnectConfiguration as Record<string, unknown> | undefined;
  const tls = objects(sc?.services).map((s) => str((s.tls as Record<string, unknown> | undefined)?.roleArn));
  const lattice = objects(input.vpcLatticeConfigurations).map((v) => str(v.roleArn));
  return passRoles([...tls, ...lattice], 'ecs.amazonaws.com');
}

/** Tag-on-create: ECS authorises the tags of a create call as ecs:TagResource with ecs:CreateAction. */
function tagOnCreate(action: 'CreateCluster' | 'CreateService' | 'RegisterTaskDefinition', resource: string, tags: Tags): IamRequest[] {
  if (Object.keys(tags).length === 0) return [];
  return [request('ecs:TagResource', resource, { ...tagContext('aws:RequestTag', tags), 'aws:TagKeys': Object.keys(tags), 'ecs:CreateAction': action })];
}

/** ECS creates its service-linked role on the first cluster or service of an account, as the caller. */
function serviceLinkedRole(call: ObservedCall): IamRequest {
  return request('iam:CreateServiceLinkedRole', `arn:aws:iam::${call.accountId}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS`, { 'iam:AWSServiceName': 'ecs.amazonaws.com' });
}

function ecsRequests(call: ObservedCall, input: Record<string, unknown>): IamRequest[] {
  const op = call.operation;
  const action = `ecs:${op}`;
  switch (op) {
    case 'CreateCluster': {
      const arn = ecsArn(call, `cluster/${str(input.clusterName) ?? 'default'}`);
      const tags = tagList(input.tags);
      return [request(action, arn, { ...tagContext('aws:RequestTag', tags), 'aws:TagKeys': Object.keys(tags) }), ...tagOnCreate(op, arn, tags), serviceLinkedRole(call)];
    }
    case 'CreateService': {
      const arn = serviceArn(call, str(input.cluster), str(input.serviceName) ?? '');
      const tags = tagList(input.tags);
      return [
        request(action, arn, { ...tagContext('aws:RequestTag', tags), 'aws:TagKeys': Object.keys(tags), 'ecs:cluster': ecsArn(call, `cluster/${last(str(input.cluster) ?? 'default')}`) }),
        ...tagOnCreate(op, arn, tags),
        ...serviceRoles(input),
        serviceLinkedRole(call),
      ];
    }
    case 'RegisterTaskDefinition': {
      const family = str(input.family) ?? '';
      const arn = ecsArn(call, `task-definition/${family}:${(call.state.ecs.taskDefinitions[family]?.length ?? 0) + 1}`);
      const tags = tagList(input.tags);
      return [
        request(action, arn, { ...tagContext('aws:RequestTag', tags), 'aws:TagKeys': Object.keys(tags) }),
        ...tagOnCreate(op, arn, tags),
        ...passRoles([str(input.taskRoleArn), str(input.executionRoleArn)], 'ecs-tasks.amazonaws.com'),
      ];
    }
    case 'UpdateService':
    case 'DeleteService': {
      const arn = serviceArn(call, str(input.cluster), str(input.service) ?? '');
      return [request(action, arn, { ...tagContext('aws:ResourceTag', ecsTags(call, arn)), 'ecs:cluster': ecsArn(call, `cluster/${last(str(input.cluster) ?? 'default')}`) }), ...(op === 'UpdateService' ? serviceRoles(input) : [])];
    }
    case 'UpdateCluster':
    case 'PutClusterCapacityProviders': {
      const arn = ecsArn(call, `cluster/${last(str(input.cluster) ?? '')}`);
      return [request(action, arn, tagContext('aws:ResourceTag', ecsTags(call, arn)))];
    }
    case 'TagResource':
    case 'UntagResource': {
      const arn = str(input.resourceArn) ?? '';
      const tags = tagList(input.tags);
      const keys = op === 'TagResource' ? Object.keys(tags) : ((input.tagKeys as string[] | undefined) ?? []);
      return [request(action, arn, { ...tagContext('aws:ResourceTag', ecsTags(call, arn)), ...tagContext('aws:RequestTag', tags), 'aws:TagKeys': keys })];
    }
    default:
      // Reads and DeregisterTaskDefinition: no resource-level permissions or condition keys used.
      return [request(action, '*')];
  }
}

function namespaceArn(call: ObservedCall, id: string | undefined): string {
  return Object.values(call.state.cloudmap.namespaces).find((n) => n.Id === id || n.Arn === id)?.Arn ?? `arn:aws:servicediscovery:${call.region}:${call.accountId}:namespace/${id ?? ''}`;
}

function namespaceTags(call: ObservedCall, arn: string): Tags | undefined {
  return Object.values(call.state.cloudmap.namespaces).find((n) => n.Arn === arn)?.tags;
}

function cloudMapRequests(call: ObservedCall, input: Record<string, unknown>): IamRequest[] {
  const op = call.operation;
  const action = `servicediscovery:${op}`;
  switch (op) {
    case 'CreateHttpNamespace':
    case 'CreatePrivateDnsNamespace': {
      const tags = tagList(input.Tags);
      const context = { ...tagContext('aws:RequestTag', tags), 'aws:TagKeys': Object.keys(tags) };
      const out = [request(action, '*', context)];
      // Tags on create are authorised as TagResource too (a dependent action in the reference).
      if (Object.keys(tags).length > 0) out.push(request('servicediscovery:TagResource', '*', context));
      // A private DNS namespace is a Route 53 hosted zone in a VPC, created as the caller
      // (https://docs.aws.amazon.com/cloud-map/latest/dg/cloud-map-api-permissions-ref.html).
      if (op === 'CreatePrivateDnsNamespace') {
        for (const a of ['route53:CreateHostedZone', 'route53:GetHostedZone', 'route53:ListHostedZonesByName', 'ec2:DescribeVpcs', 'ec2:DescribeRegions']) out.push(request(a, '*'));
      }
      return out;
    }
    case 'UpdateHttpNamespace':
    case 'UpdatePrivateDnsNamespace':
    case 'DeleteNamespace': {
      const arn = namespaceArn(call, str(input.Id));
      const out = [request(action, arn, tagContext('aws:ResourceTag', namespaceTags(call, arn)))];
      // The SOA record lives in the namespace's hosted zone, changed as the caller (Cloud Map API permissions reference).
      if (op === 'UpdatePrivateDnsNamespace') out.push(request('route53:ChangeResourceRecordSets', '*'));
      return out;
    }
    case 'TagResource':
    case 'UntagResource': {
      const tags = tagList(input.Tags);
      const keys = op === 'TagResource' ? Object.keys(tags) : ((input.TagKeys as string[] | undefined) ?? []);
      // No resource type for these two: only "*" and the request's tags.
      return [request(action, '*', { ...tagContext('aws:RequestTag', tags), 'aws:TagKeys': keys })];
    }
    default:
      return [request(action, '*')];
  }
}

function logGroupArn(call: ObservedCall, name: string): string {
  return `arn:aws:logs:${call.region}:${call.accountId}:log-group:${name}`;
}

function logsRequests(call: ObservedCall, input: Record<string, unknown>): IamRequest[] {
  const op = call.operation;
  const action = `logs:${op}`;
  switch (op) {
    case 'CreateLogGroup': {
      const name = str(input.logGroupName) ?? '';
      const tags = tagMap(input.tags);
      const context = { ...tagContext('aws:RequestTag', tags), 'aws:TagKeys': Object.keys(tags) };
      const out = [request(action, logGroupArn(call, name), context)];
      // Creating a log group with tags is authorised as tagging it too (CreateLogGroup API reference).
      if (Object.keys(tags).length > 0) out.push(request('logs:TagResource', logGroupArn(call, name), context));
      return out;
    }
    case 'PutRetentionPolicy': {
      const name = str(input.logGroupName) ?? '';
      return [request(action, logGroupArn(call, name), tagContext('aws:ResourceTag', call.state.logs.groups[name]?.tags))];
    }
    case 'TagResource': {
      const arn = (str(input.resourceArn) ?? '').replace(/:\*$/, '');
      const name = arn.slice(arn.indexOf(':log-group:') + ':log-group:'.length);
      const tags = tagMap(input.tags);
      return [request(action, arn, { ...tagContext('aws:ResourceTag', call.state.logs.groups[name]?.tags), ...tagContext('aws:RequestTag', tags), 'aws:TagKeys': Object.keys(tags) })];
    }
    case 'FilterLogEvents':
      return [request(action, `${logGroupArn(call, str(input.logGroupName) ?? '')}:*`)];
    default:
      return [request(action, '*')];
  }
}

/** S3 operations whose IAM action has another name (ListObjectsV2 needs s3:ListBucket, HeadObject s3:GetObject). */
const S3_ACTION: Record<string, string> = { ListObjectsV2: 's3:ListBucket', HeadObject: 's3:GetObject' };

function s3Requests(call: ObservedCall, input: Record<string, unknown>): IamRequest[] {
  const bucket = str(input.Bucket) ?? '';
  const key = str(input.Key);
  const action = S3_ACTION[call.operation] ?? `s3:${call.operation}`;
  const context: Record<string, string> = {};
  if (call.operation === 'ListObjectsV2') context['s3:prefix'] = str(input.Prefix) ?? '';
  if (str(input.IfMatch) !== undefined) context['s3:if-match'] = str(input.IfMatch) ?? '';
  if (str(input.IfNoneMatch) !== undefined) context['s3:if-none-match'] = str(input.IfNoneMatch) ?? '';
  const out = [request(action, key === undefined ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/${key}`, context)];
  // A conditional write needs s3:GetObject too (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html).
  if (call.operation === 'PutObject' && context['s3:if-match'] !== undefined) out.push(request('s3:GetObject', `arn:aws:s3:::${bucket}/${key ?? ''}`));
  return out;
}

/** PutEvents is authorised entry by entry, each on its bus with its own source and detail-type. */
function eventsRequests(call: ObservedCall, input: Record<string, unknown>): IamRequest[] {
  return objects(input.Entries).map((e) => {
    const bus = str(e.EventBusName) ?? 'default';
    return request(`events:${call.operation}`, bus.startsWith('arn:') ? bus : `arn:aws:events:${call.region}:${call.accountId}:event-bus/${bus}`, {
      'events:source': str(e.Source) ?? '',
      'events:detail-type': str(e.DetailType) ?? '',
    });
  });
}

/** Every authorisation request AWS makes for one call. */
export function iamRequestsFor(call: ObservedCall): IamRequest[] {
  const input = call.input as Record<string, unknown>;
  switch (call.service) {
    case 'ecs':
      return ecsRequests(call, input);
    case 'cloudmap':
      return cloudMapRequests(call, input);
    case 'logs':
      return logsRequests(call, input);
    case 's3':
      return s3Requests(call, input);
    default:
      return eventsRequests(call, input);
  }
}
