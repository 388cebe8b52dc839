import {
  ClientException,
  CreateCapacityProviderCommand,
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteCapacityProviderCommand,
  DescribeCapacityProvidersCommand,
  DescribeClustersCommand,
  InvalidParameterException,
  PutClusterCapacityProvidersCommand,
  ResourceInUseException,
  UpdateServiceCommand,
  type CreateServiceCommandInput,
} from '@aws-sdk/client-ecs';
import { describeService, network, primaryOf, registerFargate, steady } from './ecs-helpers.js';
import { useSimulator } from './helpers.js';

const env = useSimulator();
let td: string;
const asgArn = 'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:1b2c:autoScalingGroupName/workers';

function input(name: string, cluster: string, extra: Partial<CreateServiceCommandInput> = {}): CreateServiceCommandInput {
  return { cluster, serviceName: name, taskDefinition: td, desiredCount: 1, networkConfiguration: network, ...extra };
}

beforeAll(async () => {
  td = await registerFargate(env.c, 'capacity', 'app:1');
  await env.c.ecs.send(new CreateClusterCommand({ clusterName: 'plain' }));
  await env.c.ecs.send(
    new CreateClusterCommand({
      clusterName: 'spot',
      capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
      defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1, base: 1 }],
    }),
  );
});

// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html
describe('cluster capacity providers', () => {
  test('CreateCluster associates providers and a default strategy (weight and base default to 0); DescribeClusters returns them without include', async () => {
    await env.c.ecs.send(new CreateClusterCommand({ clusterName: 'defaults', capacityProviders: ['FARGATE_SPOT'], defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT' }] }));
    const out = await env.c.ecs.send(new DescribeClustersCommand({ clusters: ['defaults', 'plain'] }));
    expect(out.clusters?.[0]).toMatchObject({ capacityProviders: ['FARGATE_SPOT'], defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 0, base: 0 }] });
    expect(out.clusters?.[1]).toMatchObject({ capacityProviders: [], defaultCapacityProviderStrategy: [] });
    expect(out.clusters?.[0]).not.toHaveProperty('settings');
    expect(out.clusters?.[0]).not.toHaveProperty('statistics');
  });

  test('DescribeClusters returns settings, configuration, statistics, attachments and tags only when included', async () => {
    await env.c.ecs.send(new CreateClusterCommand({ clusterName: 'included', configuration: { executeCommandConfiguration: { logging: 'DEFAULT' } }, tags: [{ key: 'a', value: 'b' }] }));
    const out = await env.c.ecs.send(new DescribeClustersCommand({ clusters: ['included'], include: ['SETTINGS', 'CONFIGURATIONS', 'STATISTICS', 'ATTACHMENTS', 'TAGS'] }));
    expect(out.clusters?.[0]).toMatchObject({
      settings: [{ name: 'containerInsights', value: 'disabled' }],
      configuration: { executeCommandConfiguration: { logging: 'DEFAULT' } },
      statistics: [],
      attachments: [],
      tags: [{ key: 'a', value: 'b' }],
    });
  });

  test('an unknown provider, or a default strategy naming a provider not in the list, is refused', async () => {
    await expect(env.c.ecs.send(new CreateClusterCommand({ clusterName: 'bad1', capacityProviders: ['NOPE'] }))).rejects.toThrow(/capacity provider NOPE was not found/);
    const strategy = env.c.ecs.send(new CreateClusterCommand({ clusterName: 'bad2', capacityProviders: ['FARGATE'], defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] }));
    await expect(strategy).rejects.toThrow('The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster.');
  });

  test('PutClusterCapacityProviders replaces the providers, and refuses to remove one a service uses', async () => {
    await env.c.ecs.send(new CreateClusterCommand({ clusterName: 'put' }));
    const put = await env.c.ecs.send(new PutClusterCapacityProvidersCommand({ cluster: 'put', capacityProviders: ['FARGATE', 'FARGATE_SPOT'], defaultCapacityProviderStrategy: [] }));
    expect(put.cluster?.capacityProviders).toEqual(['FARGATE', 'FARGATE_SPOT']);
    await env.c.ecs.send(new CreateServiceCommand(input('spot-user', 'put', { capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] })));
    const remove = env.c.ecs.send(new PutClusterCapacityProvidersCommand({ cluster: 'put', capacityProviders: ['FARGATE'], defaultCapacityProviderStrategy: [] }));
    await expect(remove).rejects.toBeInstanceOf(ResourceInUseException);
  });
});

// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCapacityProvider.html
describe('Auto Scaling capacity providers', () => {
  test('are created, described with FARGATE and FARGATE_SPOT, associated with a cluster, and deleted once no cluster uses them', async () => {
    const created = await env.c.ecs.send(new CreateCapacityProviderCommand({ name: 'workers', autoScalingGroupProvider: { autoScalingGroupArn: asgArn } }));
    expect(created.capacityProvider).toMatchObject({ name: 'workers', status: 'ACTIVE', autoScalingGroupProvider: { managedTerminationProtection: 'DISABLED' } });
    await expect(env.c.ecs.send(new CreateCapacityProviderCommand({ name: 'workers', autoScalingGroupProvider: { autoScalingGroupArn: asgArn } }))).rejects.toBeInstanceOf(ClientException);
    const all = await env.c.ecs.send(new DescribeCapacityProvidersCommand({}));
    expect(all.capacityProviders?.map((p) => p.name)).toEqual(['FARGATE', 'FARGATE_SPOT', 'workers']);
    await env.c.ecs.send(new CreateClusterCommand({ clusterName: 'ec2', capacityProviders: ['workers'] }));
    await expect(env.c.ecs.send(new DeleteCapacityProviderCommand({ capacityProvider: 'workers' }))).rejects.toBeInstanceOf(ResourceInUseException);
    await env.c.ecs.send(new PutClusterCapacityProvidersCommand({ cluster: 'ec2', capacityProviders: [], defaultCapacityProviderStrategy: [] }));
    const deleted = await env.c.ecs.send(new DeleteCapacityProviderCommand({ capacityProvider: 'workers' }));
    expect(deleted.capacityProvider?.status).toBe('INACTIVE');
  });
});

describe('a service capacity provider strategy', () => {
  test('naming a provider its cluster does not have is refused, as AWS does', async () => {
    const create = env.c.ecs.send(new CreateServiceCommand(input('no-spot', 'plain', { capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] })));
    await expect(create).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(env.c.ecs.send(new CreateServiceCommand(input('no-spot', 'plain', { capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] })))).rejects.toThrow(
      'The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.',
    );
  });

  test('defaults to the cluster default strategy when neither a launch type nor a strategy is given, else to the EC2 launch type', async () => {
    const spot = await env.c.ecs.send(new CreateServiceCommand(input('defaulted', 'spot')));
    expect(spot.service).toMatchObject({ capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1, base: 1 }], platformVersion: 'LATEST', platformFamily: 'Linux' });
    expect(spot.service).not.toHaveProperty('launchType');
    const plain = await env.c.ecs.send(new CreateServiceCommand(input('ec2', 'plain')));
    expect(plain.service?.launchType).toBe('EC2');
    expect(plain.service).not.toHaveProperty('platformFamily');
  });

  // The model's UpdateServiceRequest.capacityProviderStrategy: the launch type and the strategy are
  // changed in place; "Pass an empty list" goes back to the launch type; no new deployment.
  test('UpdateService moves a service from its launch type to a strategy and back, without a new deployment', async () => {
    await env.c.ecs.send(new CreateServiceCommand(input('mover', 'spot', { launchType: 'FARGATE' })));
    const before = await steady(env.c, 'spot', 'mover');
    const moved = await env.c.ecs.send(new UpdateServiceCommand({ cluster: 'spot', service: 'mover', capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] }));
    expect(moved.service).toMatchObject({ capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1, base: 0 }] });
    expect(moved.service).not.toHaveProperty('launchType');
    expect(moved.service?.deployments?.map((d) => d.id)).toEqual(before.deployments?.map((d) => d.id));
    const back = await env.c.ecs.send(new UpdateServiceCommand({ cluster: 'spot', service: 'mover', capacityProviderStrategy: [] }));
    expect(back.service?.launchType).toBe('FARGATE');
    expect(back.service).not.toHaveProperty('capacityProviderStrategy');
    const refused = env.c.ecs.send(new UpdateServiceCommand({ cluster: 'plain', service: 'ec2', capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }] }));
    await expect(refused).rejects.toBeInstanceOf(InvalidParameterException);
  });
});

// What AWS fills in on Fargate services: platformFamily on the Service and its deployments, and
// the platform version LATEST resolved on deployments only (describe-services output seen on AWS;
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/platform-linux-fargate.html).
test('a Fargate service reports platformFamily, LATEST on the Service and the resolved version on deployments, and availabilityZoneRebalancing ENABLED', async () => {
  await env.c.ecs.send(new CreateServiceCommand(input('fargate', 'plain', { launchType: 'FARGATE' })));
  const svc = await describeService(env.c, 'plain', 'fargate');
  expect(svc).toMatchObject({ platformVersion: 'LATEST', platformFamily: 'Linux', availabilityZoneRebalancing: 'ENABLED' });
  expect(primaryOf(svc)).toMatchObject({ platformVersion: '1.4.0', platformFamily: 'Linux' });
  const pinned = await env.c.ecs.send(new CreateServiceCommand(input('pinned', 'plain', { launchType: 'FARGATE', platformVersion: '1.3.0', availabilityZoneRebalancing: 'DISABLED' })));
  expect(pinned.service).toMatchObject({ platformVersion: '1.3.0', availabilityZoneRebalancing: 'DISABLED' });
  expect(pinned.service && primaryOf(pinned.service)?.platformVersion).toBe('1.3.0');
});
