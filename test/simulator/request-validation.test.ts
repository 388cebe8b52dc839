/**
 * The simulator refuses what AWS refuses, with AWS's error type: a bad task definition is a
 * `ClientException`, bad service or cluster input an `InvalidParameterException`, a bad Cloud Map
 * request `InvalidInput` (or `TooManyTagsException`). Each rule's source is cited in SPEC.md and in
 * src/simulator/validation/.
 */
import {
  ClientException,
  CreateClusterCommand,
  CreateServiceCommand,
  InvalidParameterException,
  PutClusterCapacityProvidersCommand,
  RegisterTaskDefinitionCommand,
  TagResourceCommand,
  UpdateServiceCommand,
  type ContainerDefinition,
  type CreateServiceCommandInput,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import { CreateHttpNamespaceCommand, CreatePrivateDnsNamespaceCommand, InvalidInput, ListNamespacesCommand, TooManyTagsException, UpdatePrivateDnsNamespaceCommand } from '@aws-sdk/client-servicediscovery';
import { network, registerFargate } from './ecs-helpers.js';
import { createNamespace, useSimulator } from './helpers.js';

const env = useSimulator();

const ROLE = 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole';
const app: ContainerDefinition = { name: 'app', image: 'public.ecr.aws/nginx/nginx:1.27', portMappings: [{ name: 'http', containerPort: 80, appProtocol: 'http' }] };
const fargate = (over: Partial<RegisterTaskDefinitionCommandInput> = {}, container: Partial<ContainerDefinition> = {}): RegisterTaskDefinitionCommandInput => ({
  family: 'checked',
  requiresCompatibilities: ['FARGATE'],
  networkMode: 'awsvpc',
  cpu: '256',
  memory: '512',
  executionRoleArn: ROLE,
  containerDefinitions: [{ ...app, ...container }],
  ...over,
});
const tags = (n: number): { key: string; value: string }[] => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: 'v' }));

// Cast where a case sends what the SDK's types forbid (an unknown enum value, a string for a number): the wire accepts it.
const loose = <T>(value: unknown): T => value as T;

describe('RegisterTaskDefinition refuses with ClientException', () => {
  test.each<[string, RegisterTaskDefinitionCommandInput, RegExp]>([
    ['a family with a dot', fargate({ family: 'curl.v2' }), /Family contains invalid characters/],
    ['an invalid container name', fargate({}, { name: 'web app' }), /Container\.name contains invalid characters/],
    ['two containers of one name', fargate({ containerDefinitions: [app, { ...app, portMappings: [] }] }), /Container names must be unique/],
    ['a container without an image', fargate({}, { image: undefined }), /Container\.image should not be null or empty/],
    ['no essential container', fargate({}, { essential: false }), /doesn't have any essential container/],
    ['an EC2 container with no memory setting', { family: 'ec2', containerDefinitions: [app] }, /At least one of 'memory' or 'memoryReservation' must be specified/],
    ['memory below its reservation', fargate({}, { memory: 256, memoryReservation: 512 }), /memory must be greater than or equal to the memoryReservation/],
    ['secrets without an execution role', fargate({ executionRoleArn: undefined }, { secrets: [{ name: 'DB', valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db' }] }), /container secrets.*executionRoleArn/],
    ['private registry credentials without an execution role', fargate({ executionRoleArn: undefined }, { repositoryCredentials: { credentialsParameter: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:r' } }), /Private repository authentication/],
    ['Fargate awslogs without an execution role', fargate({ executionRoleArn: undefined }, { logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/a', 'awslogs-region': 'us-east-1' } } }), /execution role ARN to support log driver awslogs/],
    ['Fargate pulling from private ECR without an execution role', fargate({ executionRoleArn: undefined }, { image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1' }), /execution role ARN to support ECR images/],
    ['a Fargate size that does not exist (256 CPU, 4096 MiB)', fargate({ memory: '4096' }), /No Fargate configuration exists for given values: 256 CPU, 4096 memory/],
    ['Fargate without task cpu', fargate({ cpu: undefined }), /Fargate requires that 'cpu' be defined at the task level/],
    ['Fargate outside awsvpc', fargate({ networkMode: 'bridge' }), /Fargate only supports network mode 'awsvpc'/],
    ['a container port of 70000', fargate({}, { portMappings: [{ containerPort: 70000 }] }), /containerPort must be between 0 and 65535/],
    ['an awsvpc host port other than the container port', fargate({}, { portMappings: [{ containerPort: 80, hostPort: 8080 }] }), /host ports and container ports in port mappings must match/],
    ['a reversed port range', fargate({}, { portMappings: [{ containerPortRange: '9000-8000' }] }), /Invalid containerPortRange/],
    ['a port range under host networking', { family: 'host', networkMode: 'host', memory: '512', containerDefinitions: [{ ...app, portMappings: [{ containerPortRange: '8000-8010' }] }] }, /awsvpc and bridge network modes/],
    ['an invalid port mapping name', fargate({}, { portMappings: [{ name: 'Nginx_80', containerPort: 80 }] }), /Port mapping name 'Nginx_80' is invalid/],
    ['a health check interval of 3 s', fargate({}, { healthCheck: { command: ['CMD', 'true'], interval: 3 } }), /healthCheck interval must be between 5 and 300/],
    ['500 GiB of ephemeral storage', fargate({ ephemeralStorage: { sizeInGiB: 500 } }), /ephemeralStorage sizeInGiB must be between 21 and 200/],
    ['awslogs without a group', fargate({}, { logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-region': 'us-east-1' } } }), /Log driver awslogs requires options: awslogs-group/],
    ['awsfirelens without a log router', fargate({}, { logConfiguration: { logDriver: 'awsfirelens' } }), /awsfirelens log driver requires a container/],
    ['a tag key starting with aws:', fargate({ tags: [{ key: 'aws:team', value: 'x' }] }), /aws: prefix are reserved/],
    ['a tag value starting with aws:', fargate({ tags: [{ key: 'team', value: 'aws:x' }] }), /aws: prefix are reserved/],
    ['a tag key with a character ECS does not allow', fargate({ tags: [{ key: 'cost!center', value: '1' }] }), /characters that are not allowed/],
    ['51 tags', fargate({ tags: tags(51) }), /exceeds the limit of 50/],
    ['an enum value the model does not have', fargate({ networkMode: loose('awsvpcc') }), /Value '"awsvpcc"' at 'networkMode' failed to satisfy constraint: Member must satisfy enum value set: \[awsvpc, bridge, host, none\]/],
    ['a nested member of the wrong type', fargate({}, { portMappings: [{ containerPort: loose('80') }] }), /at 'containerDefinitions\.1\.member\.portMappings\.1\.member\.containerPort' failed to satisfy constraint: Member must be of type integer/],
  ])('%s', async (_case, input, message) => {
    const sent = env.c.ecs.send(new RegisterTaskDefinitionCommand(input));
    await expect(sent).rejects.toBeInstanceOf(ClientException);
    await expect(sent).rejects.toThrow(message);
  });

  test('a definition that breaks none of the rules is registered, and FARGATE compatibility needs a valid Fargate size', async () => {
    const ok = await env.c.ecs.send(new RegisterTaskDefinitionCommand(fargate({ tags: tags(50) })));
    expect(ok.taskDefinition?.compatibilities).toEqual(['EC2', 'FARGATE']);
    const ec2Only = await env.c.ecs.send(new RegisterTaskDefinitionCommand({ family: 'ec2-sized', networkMode: 'awsvpc', cpu: '256', memory: '4096', containerDefinitions: [app] }));
    expect(ec2Only.taskDefinition?.compatibilities).toEqual(['EXTERNAL', 'EC2']);
  });
});

describe('CreateService and UpdateService refuse with InvalidParameterException', () => {
  let ns = '';
  beforeAll(async () => {
    await env.c.ecs.send(new CreateClusterCommand({ clusterName: 'default' }));
    ns = (await createNamespace(env.c, 'checks.local')).arn;
    await registerFargate(env.c, 'web', 'nginx:1.27');
  });
  const service = (over: Partial<CreateServiceCommandInput> = {}): CreateServiceCommandInput => ({
    serviceName: 'checked',
    taskDefinition: 'web',
    desiredCount: 1,
    launchType: 'FARGATE',
    networkConfiguration: network,
    ...over,
  });
  const sc = (svc: object, extra: object = {}): Partial<CreateServiceCommandInput> => ({ serviceConnectConfiguration: { enabled: true, namespace: ns, services: [{ portName: 'http', ...svc }], ...extra } });

  test.each<[string, () => CreateServiceCommandInput, RegExp]>([
    ['a service name with a dot', () => service({ serviceName: 'web.v2' }), /Service name must be 1-255/],
    ['a client alias port of -1', () => service(sc({ clientAliases: [{ port: -1 }] })), /clientAliases\.port must be between 0 and 65535/],
    ['an ingressPortOverride of 70000', () => service(sc({ ingressPortOverride: 70000 })), /ingressPortOverride must be between 0 and 65535/],
    ['an idle timeout of -5 s', () => service(sc({ timeout: { idleTimeoutSeconds: -5 } })), /timeout\.idleTimeoutSeconds must be between 0/],
    ['a client alias dnsName that is not a DNS name', () => service(sc({ clientAliases: [{ port: 80, dnsName: 'Orders.Shop' }] })), /not a valid DNS name/],
    ['two client aliases', () => service(sc({ clientAliases: [{ port: 80 }, { port: 81 }] })), /at most 1 items/],
    ['an invalid discovery name', () => service(sc({ discoveryName: '-web' })), /The discoveryName '-web' must be/],
    ['access logs without the proxy log configuration', () => service(sc({}, { accessLogConfiguration: { format: 'JSON' } })), /accessLogConfiguration requires a logConfiguration/],
    ['a capacity provider weight of 2000', () => service({ launchType: undefined, capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 2000 }] }), /weight must be between 0 and 1000/],
    ['a negative health check grace period', () => service({ healthCheckGracePeriodSeconds: -1 }), /healthCheckGracePeriodSeconds must be between 0/],
    ['a daemon service with maximumPercent 200', () => service({ launchType: 'EC2', schedulingStrategy: 'DAEMON', desiredCount: undefined, deploymentConfiguration: { maximumPercent: 200 } }), /daemon scheduling strategy does not support values above 100/],
    ['a launch type the model does not have', () => service({ launchType: loose('FARGATEE') }), /Value '"FARGATEE"' at 'launchType' failed to satisfy constraint/],
    ['51 tags', () => service({ tags: tags(51) }), /exceeds the limit of 50/],
  ])('CreateService: %s', async (_case, input, message) => {
    const sent = env.c.ecs.send(new CreateServiceCommand(input()));
    await expect(sent).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(sent).rejects.toThrow(message);
  });

  test('a Fargate service whose task definition Fargate cannot run is refused', async () => {
    await env.c.ecs.send(new RegisterTaskDefinitionCommand({ family: 'ec2-only', networkMode: 'awsvpc', cpu: '256', memory: '4096', containerDefinitions: [app] }));
    const sent = env.c.ecs.send(new CreateServiceCommand(service({ serviceName: 'ec2-only', taskDefinition: 'ec2-only' })));
    await expect(sent).rejects.toThrow(/Task definition does not support launch_type FARGATE/);
  });

  test('UpdateService checks the same members', async () => {
    await env.c.ecs.send(new CreateServiceCommand(service({ serviceName: 'updated' })));
    const sent = env.c.ecs.send(new UpdateServiceCommand({ service: 'updated', serviceConnectConfiguration: { enabled: true, namespace: ns, services: [{ portName: 'http', timeout: { idleTimeoutSeconds: -5 } }] } }));
    await expect(sent).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(sent).rejects.toThrow(/idleTimeoutSeconds/);
  });

  test('TagResource applies the tag rules and the 50-tag limit counting the tags already there', async () => {
    const created = await env.c.ecs.send(new CreateServiceCommand(service({ serviceName: 'tagged', tags: tags(49) })));
    const arn = created.service?.serviceArn ?? '';
    await expect(env.c.ecs.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'aws:x', value: '1' }] }))).rejects.toThrow(/aws: prefix/);
    await env.c.ecs.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'fiftieth', value: '1' }] }));
    await expect(env.c.ecs.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'fifty-first', value: '1' }] }))).rejects.toThrow(/exceeds the limit of 50/);
  });
});

describe('CreateCluster and Cloud Map', () => {
  test('a cluster name with a dot, or a setting name the model does not have, is InvalidParameterException', async () => {
    await expect(env.c.ecs.send(new CreateClusterCommand({ clusterName: 'prod.eu' }))).rejects.toBeInstanceOf(InvalidParameterException);
    const sent = env.c.ecs.send(new CreateClusterCommand({ clusterName: 'prod', settings: [{ name: loose('insights'), value: 'enabled' }] }));
    await expect(sent).rejects.toThrow(/at 'settings\.1\.member\.name' failed to satisfy constraint: Member must satisfy enum value set: \[containerInsights\]/);
  });

  test('PutClusterCapacityProviders checks the model and the strategy numbers: a weight past 1000 is InvalidParameterException', async () => {
    await env.c.ecs.send(new CreateClusterCommand({ clusterName: 'weights' }));
    const sent = env.c.ecs.send(new PutClusterCapacityProvidersCommand({ cluster: 'weights', capacityProviders: ['FARGATE'], defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1001 }] }));
    await expect(sent).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(sent).rejects.toThrow('defaultCapacityProviderStrategy.weight must be between 0 and 1000: 1001.');
    const untyped = env.c.ecs.send(new PutClusterCapacityProvidersCommand({ cluster: 'weights', capacityProviders: ['FARGATE'], defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: loose('1') }] }));
    await expect(untyped).rejects.toBeInstanceOf(InvalidParameterException);
  });

  test('UpdatePrivateDnsNamespace checks the model: a description that is not a string is InvalidInput', async () => {
    const { OperationId } = await env.c.sd.send(new CreatePrivateDnsNamespaceCommand({ Name: 'dns.internal', Vpc: 'vpc-0123456789abcdef0' }));
    expect(OperationId).toBeDefined();
    const { Namespaces } = await env.c.sd.send(new ListNamespacesCommand({}));
    const id = Namespaces?.find((n) => n.Name === 'dns.internal')?.Id;
    const sent = env.c.sd.send(new UpdatePrivateDnsNamespaceCommand({ Id: id, Namespace: { Description: loose(5), Properties: { DnsProperties: { SOA: { TTL: 60 } } } } }));
    await expect(sent).rejects.toBeInstanceOf(InvalidInput);
  });

  test('a namespace named like an ARN or tagged aws: is InvalidInput; more than 50 tags is TooManyTagsException', async () => {
    await expect(env.c.sd.send(new CreateHttpNamespaceCommand({ Name: 'arn:aws:mesh' }))).rejects.toBeInstanceOf(InvalidInput);
    await expect(env.c.sd.send(new CreateHttpNamespaceCommand({ Name: 'tagged', Tags: [{ Key: 'aws:team', Value: 'x' }] }))).rejects.toBeInstanceOf(InvalidInput);
    const many = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await expect(env.c.sd.send(new CreateHttpNamespaceCommand({ Name: 'many', Tags: many }))).rejects.toBeInstanceOf(TooManyTagsException);
  });
});
