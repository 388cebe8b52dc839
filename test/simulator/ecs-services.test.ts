import {
  ClusterNotFoundException,
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  InvalidParameterException,
  ListServicesByNamespaceCommand,
  ListServicesCommand,
  ListTagsForResourceCommand,
  NamespaceNotFoundException,
  ServiceNotActiveException,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateClusterCommand,
  UpdateServiceCommand,
  type CreateServiceCommandInput,
  type Service,
} from '@aws-sdk/client-ecs';
import { ListNamespacesCommand, ListServicesCommand as ListCmServicesCommand } from '@aws-sdk/client-servicediscovery';
import { describeService as describeOne, network, registerFargate, steady as steadyService } from './ecs-helpers.js';
import { resolvableEndpoints } from '../helpers/resolvable-endpoints.js';
import { createNamespace, eventually, testTimeScale, useSimulator } from './helpers.js';

const env = useSimulator();
let ns: { id: string; arn: string };
let serverTd: string;
let serverTd2: string;
let clientTd: string;

async function register(family: string, image: string, portName = 'http'): Promise<string> {
  return registerFargate(env.c, family, image, portName);
}

function serverInput(name: string, extra: Partial<CreateServiceCommandInput> = {}): CreateServiceCommandInput {
  return {
    cluster: 'apps',
    serviceName: name,
    taskDefinition: serverTd,
    desiredCount: 2,
    launchType: 'FARGATE',
    networkConfiguration: network,
    serviceConnectConfiguration: {
      enabled: true,
      namespace: 'apps.local',
      services: [{ portName: 'http', discoveryName: name, clientAliases: [{ port: 80, dnsName: `${name}.apps.local` }] }],
    },
    ...extra,
  };
}

function describeService(name: string, cluster = 'apps'): Promise<Service> {
  return describeOne(env.c, cluster, name);
}

/** Waits until the service has one COMPLETED deployment with every task running. */
function steady(name: string): Promise<Service> {
  return steadyService(env.c, 'apps', name);
}

async function cloudMapNames(): Promise<string[]> {
  const out = await env.c.sd.send(new ListCmServicesCommand({ Filters: [{ Name: 'NAMESPACE_ID', Values: [ns.id], Condition: 'EQ' }] }));
  return (out.Services ?? []).map((s) => s.Name ?? '').sort();
}

beforeAll(async () => {
  await env.c.ecs.send(new CreateClusterCommand({ clusterName: 'apps' }));
  ns = await createNamespace(env.c, 'apps.local');
  serverTd = await register('server', 'srv:1');
  serverTd2 = await register('server', 'srv:2');
  clientTd = await register('client', 'cli:1', 'web');
});


// Service Connect is not on the Service object; it is on each deployment, with the namespace as an
// ARN and the Cloud Map resources ECS created:
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectServiceResource.html
describe('Service Connect read-back', () => {
  test('the configuration appears on the PRIMARY deployment, not at the top level', async () => {
    await env.c.ecs.send(new CreateServiceCommand(serverInput('orders', { taskDefinition: serverTd2 })));
    const svc = await describeService('orders');
    expect(svc).not.toHaveProperty('serviceConnectConfiguration');
    const primary = svc.deployments?.find((d) => d.status === 'PRIMARY');
    expect(primary?.serviceConnectConfiguration).toEqual({
      enabled: true,
      namespace: ns.arn,
      services: [{ portName: 'http', discoveryName: 'orders', clientAliases: [{ port: 80, dnsName: 'orders.apps.local' }] }],
    });
    expect(primary?.serviceConnectResources).toEqual([{ discoveryName: 'orders', discoveryArn: expect.stringMatching(/^arn:aws:servicediscovery:us-east-1:123456789012:service\/srv-[a-z0-9]{16}$/) }]);
    expect(await cloudMapNames()).toContain('orders');
  });

  test('a rollout goes from IN_PROGRESS to COMPLETED over simulated time and reports a steady state', async () => {
    const first = (await env.c.ecs.send(new CreateServiceCommand(serverInput('rollout')))).service;
    expect(first?.deployments?.[0]?.rolloutState).toBe('IN_PROGRESS');
    expect(first?.runningCount).toBe(0);
    const done = await steady('rollout');
    expect(done.runningCount).toBe(2);
    expect(done.events?.map((e) => e.message)).toContain('(service rollout) has reached a steady state.');
  });

  // Tasks resolve only the endpoints that existed when they started; a later endpoint needs a new
  // deployment (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-concepts-deploy.html).
  test('a deployment resolves the endpoints that existed when it started, a forced new one those added since, and neither shows on the wire', async () => {
    await env.c.ecs.send(new CreateServiceCommand(serverInput('early')));
    expect(await resolvableEndpoints(env.sim.url, 'apps', 'early')).not.toContain('late');
    await env.c.ecs.send(new CreateServiceCommand(serverInput('late')));
    expect(await resolvableEndpoints(env.sim.url, 'apps', 'late')).toEqual(expect.arrayContaining(['early', 'late']));
    expect(await resolvableEndpoints(env.sim.url, 'apps', 'early')).not.toContain('late');
    await steady('early');
    await env.c.ecs.send(new UpdateServiceCommand({ cluster: 'apps', service: 'early', forceNewDeployment: true }));
    expect(await resolvableEndpoints(env.sim.url, 'apps', 'early')).toEqual(expect.arrayContaining(['early', 'late']));
    const wire = await describeService('early');
    for (const d of wire.deployments ?? []) expect(d).not.toHaveProperty('resolvableEndpoints');
  });
});

// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectService.html
describe('Service Connect validation', () => {
  test('a portName that is not a named port mapping of the task definition is rejected', async () => {
    const input = serverInput('badport', { serviceConnectConfiguration: { enabled: true, namespace: 'apps.local', services: [{ portName: 'grpc' }] } });
    await expect(env.c.ecs.send(new CreateServiceCommand(input))).rejects.toBeInstanceOf(InvalidParameterException);
  });

  test('a namespace that does not exist is a NamespaceNotFoundException', async () => {
    const input = serverInput('badns', { serviceConnectConfiguration: { enabled: true, namespace: 'missing.local', services: [{ portName: 'http' }] } });
    await expect(env.c.ecs.send(new CreateServiceCommand(input))).rejects.toBeInstanceOf(NamespaceNotFoundException);
  });

  test('a discovery name already used in the namespace by another service is rejected', async () => {
    await env.c.ecs.send(new CreateServiceCommand(serverInput('taken')));
    const clash = serverInput('clash', { serviceConnectConfiguration: { enabled: true, namespace: ns.arn, services: [{ portName: 'http', discoveryName: 'taken' }] } });
    await expect(env.c.ecs.send(new CreateServiceCommand(clash))).rejects.toThrow(/already in use/);
  });

  test('more than one client alias is rejected', async () => {
    const input = serverInput('aliases', {
      serviceConnectConfiguration: { enabled: true, namespace: 'apps.local', services: [{ portName: 'http', clientAliases: [{ port: 80 }, { port: 81 }] }] },
    });
    await expect(env.c.ecs.send(new CreateServiceCommand(input))).rejects.toBeInstanceOf(InvalidParameterException);
  });

  test('Service Connect needs the ECS deployment controller', async () => {
    const input = serverInput('codedeploy', { deploymentController: { type: 'CODE_DEPLOY' } });
    await expect(env.c.ecs.send(new CreateServiceCommand(input))).rejects.toThrow(/deployment controller/);
  });

  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ClusterServiceConnectDefaultsRequest.html
  test('an omitted namespace falls back to the cluster default', async () => {
    await env.c.ecs.send(new CreateClusterCommand({ clusterName: 'defaults', serviceConnectDefaults: { namespace: ns.arn } }));
    await env.c.ecs.send(new CreateServiceCommand({ ...serverInput('client-only', { cluster: 'defaults', taskDefinition: clientTd }), serviceConnectConfiguration: { enabled: true } }));
    const svc = await describeService('client-only', 'defaults');
    expect(svc.deployments?.[0]?.serviceConnectConfiguration).toEqual({ enabled: true, namespace: ns.arn });
  });
});

// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServices.html
describe('DescribeServices', () => {
  test('more than 10 names is an InvalidParameterException', async () => {
    const names = Array.from({ length: 11 }, (_, i) => `s${i}`);
    await expect(env.c.ecs.send(new DescribeServicesCommand({ cluster: 'apps', services: names }))).rejects.toThrow('service names can have at most 10 items');
  });

  test('missing services come back in failures with reason MISSING', async () => {
    const out = await env.c.ecs.send(new DescribeServicesCommand({ cluster: 'apps', services: ['orders', 'ghost'] }));
    expect(out.services?.map((s) => s.serviceName)).toEqual(['orders']);
    expect(out.failures).toEqual([{ arn: 'arn:aws:ecs:us-east-1:123456789012:service/apps/ghost', reason: 'MISSING' }]);
  });

  test('a missing cluster is a ClusterNotFoundException', async () => {
    await expect(env.c.ecs.send(new DescribeServicesCommand({ cluster: 'nowhere', services: ['x'] }))).rejects.toBeInstanceOf(ClusterNotFoundException);
  });

  test('tags are returned only with include TAGS', async () => {
    await env.c.ecs.send(new CreateServiceCommand(serverInput('tagged', { tags: [{ key: 'owner', value: 'me' }] })));
    const plain = await env.c.ecs.send(new DescribeServicesCommand({ cluster: 'apps', services: ['tagged'] }));
    expect(plain.services?.[0]?.tags).toBeUndefined();
    const withTags = await env.c.ecs.send(new DescribeServicesCommand({ cluster: 'apps', services: ['tagged'], include: ['TAGS'] }));
    expect(withTags.services?.[0]?.tags).toEqual([{ key: 'owner', value: 'me' }]);
  });
});

// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html
describe('UpdateService', () => {
  test('a desiredCount-only change scales the current deployment without a new one', async () => {
    await env.c.ecs.send(new CreateServiceCommand(serverInput('scale')));
    const before = await steady('scale');
    const during = (await env.c.ecs.send(new UpdateServiceCommand({ cluster: 'apps', service: 'scale', desiredCount: 4 }))).service;
    expect(during?.deployments?.map((d) => d.id)).toEqual(before.deployments?.map((d) => d.id));
    const after = await steady('scale');
    expect(after.runningCount).toBe(4);
  });

  test('a new task definition starts a new PRIMARY deployment while the old one drains', async () => {
    await env.c.ecs.send(new CreateServiceCommand(serverInput('roll')));
    const before = await steady('roll');
    const during = (await env.c.ecs.send(new UpdateServiceCommand({ cluster: 'apps', service: 'roll', taskDefinition: serverTd2 }))).service;
    expect(during?.deployments?.map((d) => [d.status, d.taskDefinition])).toEqual([
      ['PRIMARY', serverTd2],
      ['ACTIVE', serverTd],
    ]);
    expect(during?.deployments?.[1]?.id).toBe(before.deployments?.[0]?.id);
    // Omitting serviceConnectConfiguration keeps the current one.
    expect(during?.deployments?.[0]?.serviceConnectConfiguration?.namespace).toBe(ns.arn);
    const after = await steady('roll');
    expect(after.taskDefinition).toBe(serverTd2);
  });

  test('turning Service Connect off removes the Cloud Map service once the rollout completes', async () => {
    await env.c.ecs.send(new CreateServiceCommand(serverInput('switch-off')));
    await steady('switch-off');
    expect(await cloudMapNames()).toContain('switch-off');
    await env.c.ecs.send(new UpdateServiceCommand({ cluster: 'apps', service: 'switch-off', serviceConnectConfiguration: { enabled: false } }));
    const after = await steady('switch-off');
    expect(after.deployments?.[0]?.serviceConnectConfiguration).toEqual({ enabled: false });
    expect(await cloudMapNames()).not.toContain('switch-off');
  });

  // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html
  test('a tripped circuit breaker fails the deployment and rolls back to the last completed one', async () => {
    await env.c.ecs.send(new CreateServiceCommand(serverInput('breaker', { deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } } })));
    const good = await steady('breaker');
    // A slower clock, so the FAILED deployment is observable before the rollback completes.
    env.sim.setTimeScale(10);
    env.sim.addFault({ operation: 'UpdateService', resource: 'breaker', effect: { type: 'rolloutFailure' } });
    await env.c.ecs.send(new UpdateServiceCommand({ cluster: 'apps', service: 'breaker', taskDefinition: serverTd2 }));
    const failed = await eventually(async () => {
      const svc = await describeService('breaker');
      return svc.deployments?.some((d) => d.rolloutState === 'FAILED') ? svc : undefined;
    });
    const primary = failed.deployments?.find((d) => d.status === 'PRIMARY');
    expect(primary?.taskDefinition).toBe(serverTd);
    expect(primary?.rolloutStateReason).toContain(`rolling back to deploymentId ${good.deployments?.[0]?.id ?? ''}`);
    env.sim.setTimeScale(testTimeScale);
    const after = await steady('breaker');
    expect(after.taskDefinition).toBe(serverTd);
    expect(after.events?.map((e) => e.message)).toEqual(expect.arrayContaining([expect.stringMatching(/deployment failed: tasks failed to start/)]));
  });

  test('an update of a deleted service is a ServiceNotActiveException', async () => {
    await env.c.ecs.send(new CreateServiceCommand(serverInput('gone', { desiredCount: 0 })));
    await env.c.ecs.send(new DeleteServiceCommand({ cluster: 'apps', service: 'gone' }));
    await expect(env.c.ecs.send(new UpdateServiceCommand({ cluster: 'apps', service: 'gone', desiredCount: 1 }))).rejects.toBeInstanceOf(ServiceNotActiveException);
  });
});

// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteService.html
describe('DeleteService', () => {
  test('a service scaled above zero needs force', async () => {
    await env.c.ecs.send(new CreateServiceCommand(serverInput('busy')));
    await expect(env.c.ecs.send(new DeleteServiceCommand({ cluster: 'apps', service: 'busy' }))).rejects.toBeInstanceOf(InvalidParameterException);
  });

  test('a deleted service drains, becomes INACTIVE, leaves ListServices, releases Cloud Map, and its name can be reused', async () => {
    await env.c.ecs.send(new CreateServiceCommand(serverInput('doomed')));
    await steady('doomed');
    const out = await env.c.ecs.send(new DeleteServiceCommand({ cluster: 'apps', service: 'doomed', force: true }));
    expect(out.service?.status).toBe('DRAINING');
    await eventually(async () => ((await describeService('doomed')).status === 'INACTIVE' ? true : undefined));
    const listed = await env.c.ecs.send(new ListServicesCommand({ cluster: 'apps', maxResults: 100 }));
    expect(listed.serviceArns).not.toContain('arn:aws:ecs:us-east-1:123456789012:service/apps/doomed');
    expect(await cloudMapNames()).not.toContain('doomed');
    const again = await env.c.ecs.send(new CreateServiceCommand(serverInput('doomed')));
    expect(again.service?.status).toBe('ACTIVE');
  });
});

// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/ECS_Idempotency.html
describe('CreateService idempotency', () => {
  test('the same clientToken and input returns the same service', async () => {
    const input = serverInput('idem', { clientToken: 'token-1' });
    const a = await env.c.ecs.send(new CreateServiceCommand(input));
    const b = await env.c.ecs.send(new CreateServiceCommand(input));
    expect(b.service?.serviceArn).toBe(a.service?.serviceArn);
    expect(b.service?.deployments?.[0]?.id).toBe(a.service?.deployments?.[0]?.id);
  });

  test('the same name without the token, or with different input, is not idempotent', async () => {
    await expect(env.c.ecs.send(new CreateServiceCommand(serverInput('idem')))).rejects.toThrow('Creation of service was not idempotent.');
    await expect(env.c.ecs.send(new CreateServiceCommand(serverInput('idem', { clientToken: 'token-1', desiredCount: 5 })))).rejects.toBeInstanceOf(InvalidParameterException);
  });
});

// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListServicesByNamespace.html
test('ListServicesByNamespace finds the services using a namespace by name or ARN', async () => {
  const byName = await env.c.ecs.send(new ListServicesByNamespaceCommand({ namespace: 'apps.local', maxResults: 100 }));
  const byArn = await env.c.ecs.send(new ListServicesByNamespaceCommand({ namespace: ns.arn, maxResults: 100 }));
  expect(byName.serviceArns).toContain('arn:aws:ecs:us-east-1:123456789012:service/apps/orders');
  expect(byArn.serviceArns).toEqual(byName.serviceArns);
});

// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TagResource.html
test('tags on services, clusters and task definitions are managed with TagResource and UntagResource', async () => {
  const arns = ['arn:aws:ecs:us-east-1:123456789012:service/apps/orders', 'arn:aws:ecs:us-east-1:123456789012:cluster/apps', serverTd];
  for (const resourceArn of arns) {
    await env.c.ecs.send(new TagResourceCommand({ resourceArn, tags: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }] }));
    await env.c.ecs.send(new UntagResourceCommand({ resourceArn, tagKeys: ['a'] }));
    const out = await env.c.ecs.send(new ListTagsForResourceCommand({ resourceArn }));
    expect(out.tags).toEqual([{ key: 'b', value: '2' }]);
  }
  await expect(env.c.ecs.send(new TagResourceCommand({ resourceArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/none', tags: [{ key: 'a', value: '1' }] }))).rejects.toBeInstanceOf(ClusterNotFoundException);
});

// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCluster.html
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateCluster.html
describe('clusters', () => {
  test('CreateCluster for an existing name returns the existing cluster', async () => {
    const again = await env.c.ecs.send(new CreateClusterCommand({ clusterName: 'apps' }));
    expect(again.cluster?.clusterArn).toBe('arn:aws:ecs:us-east-1:123456789012:cluster/apps');
    const all = await env.c.ecs.send(new DescribeClustersCommand({ clusters: ['apps', 'nope'] }));
    expect(all.clusters?.map((x) => x.clusterName)).toEqual(['apps']);
    expect(all.failures?.[0]?.reason).toBe('MISSING');
  });

  test('a new default namespace name makes ECS create an HTTP namespace; an empty one removes the default', async () => {
    const out = await env.c.ecs.send(new UpdateClusterCommand({ cluster: 'apps', serviceConnectDefaults: { namespace: 'made-by-ecs' } }));
    const arn = out.cluster?.serviceConnectDefaults?.namespace ?? '';
    expect(arn).toMatch(/^arn:aws:servicediscovery:us-east-1:123456789012:namespace\/ns-/);
    const listed = await env.c.sd.send(new ListNamespacesCommand({ Filters: [{ Name: 'NAME', Values: ['made-by-ecs'], Condition: 'EQ' }] }));
    expect(listed.Namespaces?.map((n) => [n.Arn, n.Type])).toEqual([[arn, 'HTTP']]);
    const cleared = await env.c.ecs.send(new UpdateClusterCommand({ cluster: 'apps', serviceConnectDefaults: { namespace: '' } }));
    expect(cleared.cluster?.serviceConnectDefaults).toBeUndefined();
  });
});
