import {
  ClientException,
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  DeleteTaskDefinitionsCommand,
  DeregisterTaskDefinitionCommand,
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionFamiliesCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import { network } from './ecs-helpers.js';
import { eventually, useSimulator } from './helpers.js';

const env = useSimulator();

const web: RegisterTaskDefinitionCommandInput = {
  family: 'web',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '256',
  memory: '512',
  executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
  containerDefinitions: [
    {
      name: 'app',
      image: 'nginx:1.27',
      portMappings: [{ name: 'http', containerPort: 80, appProtocol: 'http' }],
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/web' } },
    },
  ],
  tags: [{ key: 'team', value: 'edge' }],
};

// DescribeTaskDefinition returns defaults that were never sent:
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html
test('a registered task definition is described with the defaults and read-only fields AWS adds', async () => {
  const reg = await env.c.ecs.send(new RegisterTaskDefinitionCommand(web));
  const arn = reg.taskDefinition?.taskDefinitionArn ?? '';
  expect(arn).toMatch(/^arn:aws:ecs:us-east-1:123456789012:task-definition\/web:\d+$/);
  const out = await env.c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
  const td = out.taskDefinition;
  const container = td?.containerDefinitions?.[0];
  expect(container).toMatchObject({
    cpu: 0,
    essential: true,
    environment: [],
    mountPoints: [],
    volumesFrom: [],
    systemControls: [],
    portMappings: [{ name: 'http', containerPort: 80, hostPort: 80, protocol: 'tcp', appProtocol: 'http' }],
  });
  expect(td).toMatchObject({ family: 'web', status: 'ACTIVE', compatibilities: ['EC2', 'FARGATE'], registeredBy: 'arn:aws:iam::123456789012:root', volumes: [], placementConstraints: [] });
  expect(td?.registeredAt).toBeInstanceOf(Date);
  expect(Math.abs((td?.registeredAt?.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
  expect(td?.requiresAttributes?.map((a) => a.name)).toEqual(expect.arrayContaining(['ecs.capability.task-eni', 'com.amazonaws.ecs.capability.logging-driver.awslogs']));
  // Tags only when asked for: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTaskDefinition.html
  expect(out.tags).toBeUndefined();
  const withTags = await env.c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }));
  expect(withTags.tags).toEqual([{ key: 'team', value: 'edge' }]);
});

// No idempotency token; identical content still bumps the revision:
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html
test('registering identical content twice creates two revisions', async () => {
  const a = await env.c.ecs.send(new RegisterTaskDefinitionCommand({ ...web, family: 'twice' }));
  const b = await env.c.ecs.send(new RegisterTaskDefinitionCommand({ ...web, family: 'twice' }));
  expect(a.taskDefinition?.revision).toBe(1);
  expect(b.taskDefinition?.revision).toBe(2);
  const latest = await env.c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'twice' }));
  expect(latest.taskDefinition?.revision).toBe(2);
  const first = await env.c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'twice:1' }));
  expect(first.taskDefinition?.revision).toBe(1);
});

// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeregisterTaskDefinition.html
test('a deregistered revision is INACTIVE, still describable by revision, and no longer the family default', async () => {
  await env.c.ecs.send(new RegisterTaskDefinitionCommand({ ...web, family: 'dereg' }));
  await env.c.ecs.send(new RegisterTaskDefinitionCommand({ ...web, family: 'dereg' }));
  const out = await env.c.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'dereg:2' }));
  expect(out.taskDefinition?.status).toBe('INACTIVE');
  expect(out.taskDefinition?.deregisteredAt).toBeInstanceOf(Date);
  const byFamily = await env.c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'dereg' }));
  expect(byFamily.taskDefinition?.revision).toBe(1);
  const active = await env.c.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'dereg' }));
  expect(active.taskDefinitionArns?.map((a) => a.split('/')[1])).toEqual(['dereg:1']);
  const inactive = await env.c.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'dereg', status: 'INACTIVE' }));
  expect(inactive.taskDefinitionArns?.map((a) => a.split('/')[1])).toEqual(['dereg:2']);
});

test('describing an unknown task definition is a ClientException', async () => {
  await expect(env.c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'nope:3' }))).rejects.toBeInstanceOf(ClientException);
});

// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTaskDefinitionFamilies.html
test('task definition families are listed by prefix, with pagination', async () => {
  for (const f of ['fam-a', 'fam-b', 'fam-c']) await env.c.ecs.send(new RegisterTaskDefinitionCommand({ ...web, family: f }));
  const page1 = await env.c.ecs.send(new ListTaskDefinitionFamiliesCommand({ familyPrefix: 'fam-', maxResults: 2 }));
  expect(page1.families).toEqual(['fam-a', 'fam-b']);
  const page2 = await env.c.ecs.send(new ListTaskDefinitionFamiliesCommand({ familyPrefix: 'fam-', maxResults: 2, nextToken: page1.nextToken }));
  expect(page2.families).toEqual(['fam-c']);
  expect(page2.nextToken).toBeUndefined();
});

test('awsvpc port mappings with a different host port are rejected', async () => {
  const bad = { ...web, family: 'bad', containerDefinitions: [{ name: 'a', image: 'x', portMappings: [{ containerPort: 80, hostPort: 8080 }] }] };
  await expect(env.c.ecs.send(new RegisterTaskDefinitionCommand(bad))).rejects.toBeInstanceOf(ClientException);
});

// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteTaskDefinitions.html
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-definition-state.html
describe('DeleteTaskDefinitions', () => {
  const describeStatus = async (arn: string): Promise<string | undefined> => (await env.c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }))).taskDefinition?.status;

  test('refuses an ACTIVE revision, deletes a deregistered one for good, and never reuses its revision number', async () => {
    const first = (await env.c.ecs.send(new RegisterTaskDefinitionCommand({ ...web, family: 'deleted' }))).taskDefinition?.taskDefinitionArn ?? '';
    const refused = await env.c.ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: [first] }));
    expect(refused.failures?.map((f) => f.arn)).toEqual([first]);
    expect(await describeStatus(first)).toBe('ACTIVE');
    await env.c.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: first }));
    const out = await env.c.ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: [first] }));
    expect(out.taskDefinitions?.map((t) => t.status)).toEqual(['DELETE_IN_PROGRESS']);
    await expect(env.c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: first }))).rejects.toBeInstanceOf(ClientException);
    const families = await env.c.ecs.send(new ListTaskDefinitionFamiliesCommand({ familyPrefix: 'deleted', status: 'ALL' }));
    expect(families.families).toEqual([]);
    const next = await env.c.ecs.send(new RegisterTaskDefinitionCommand({ ...web, family: 'deleted' }));
    expect(next.taskDefinition?.revision).toBe(2);
  });

  test('keeps a revision a service still runs DELETE_IN_PROGRESS (describable, unusable) until the service is gone', async () => {
    env.sim.setTimings({ drainMs: 0 });
    await env.c.ecs.send(new CreateClusterCommand({ clusterName: 'tds' }));
    const arn = (await env.c.ecs.send(new RegisterTaskDefinitionCommand({ ...web, family: 'in-use' }))).taskDefinition?.taskDefinitionArn ?? '';
    await env.c.ecs.send(new CreateServiceCommand({ cluster: 'tds', serviceName: 'user', taskDefinition: arn, desiredCount: 0, launchType: 'FARGATE', networkConfiguration: network }));
    await env.c.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn }));
    await env.c.ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: [arn] }));
    expect(await describeStatus(arn)).toBe('DELETE_IN_PROGRESS');
    const listed = await env.c.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'in-use', status: 'DELETE_IN_PROGRESS' }));
    expect(listed.taskDefinitionArns).toEqual([arn]);
    await expect(env.c.ecs.send(new CreateServiceCommand({ cluster: 'tds', serviceName: 'late', taskDefinition: arn, desiredCount: 0, launchType: 'FARGATE', networkConfiguration: network }))).rejects.toBeInstanceOf(ClientException);
    await env.c.ecs.send(new DeleteServiceCommand({ cluster: 'tds', service: 'user' }));
    await eventually(async () => (await describeStatus(arn).catch(() => 'gone')) === 'gone' || undefined);
  });
});
