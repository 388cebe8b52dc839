import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeServicesCommand,
  InvalidParameterException,
  ListServicesCommand,
  RegisterTaskDefinitionCommand,
  ServiceNotActiveException,
  UpdateServiceCommand,
  type CreateServiceCommandInput,
} from '@aws-sdk/client-ecs';
import { defaultTimings } from '../../src/simulator/index.js';
import { describeService, network, registerFargate } from './ecs-helpers.js';
import { eventually, useSimulator } from './helpers.js';

const env = useSimulator();
let td: string;

function input(name: string, extra: Partial<CreateServiceCommandInput> = {}): CreateServiceCommandInput {
  return { cluster: 'life', serviceName: name, taskDefinition: td, desiredCount: 0, launchType: 'FARGATE', networkConfiguration: network, ...extra };
}

async function statusOf(name: string): Promise<string | undefined> {
  return (await describeService(env.c, 'life', name)).status;
}

async function listed(): Promise<string[]> {
  const out = await env.c.ecs.send(new ListServicesCommand({ cluster: 'life', maxResults: 100 }));
  return (out.serviceArns ?? []).map((arn) => arn.slice(arn.lastIndexOf('/') + 1));
}

beforeAll(async () => {
  await env.c.ecs.send(new CreateClusterCommand({ clusterName: 'life' }));
  td = await registerFargate(env.c, 'life', 'app:1');
});

afterEach(() => {
  env.sim.setTimings({ drainMs: defaultTimings.drainMs, purgeMs: defaultTimings.purgeMs, clientTokenTtlMs: defaultTimings.clientTokenTtlMs });
});

// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteService.html
describe('a deleted service', () => {
  test('drains for about a minute of simulated time by default', () => {
    expect(env.sim.timings().drainMs).toBe(60_000);
    expect(env.sim.timings().purgeMs).toBe(3_600_000);
  });

  test('while DRAINING: described, not listed, its name not reusable, not updatable; deleting it again answers it', async () => {
    env.sim.setTimings({ drainMs: 3_600_000 });
    await env.c.ecs.send(new CreateServiceCommand(input('drain')));
    const deleted = await env.c.ecs.send(new DeleteServiceCommand({ cluster: 'life', service: 'drain' }));
    expect(deleted.service?.status).toBe('DRAINING');
    expect(await statusOf('drain')).toBe('DRAINING');
    expect(await listed()).not.toContain('drain');
    const again = env.c.ecs.send(new CreateServiceCommand(input('drain')));
    await expect(again).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(env.c.ecs.send(new CreateServiceCommand(input('drain')))).rejects.toThrow('Unable to Start a service that is still Draining.');
    await expect(env.c.ecs.send(new UpdateServiceCommand({ cluster: 'life', service: 'drain', desiredCount: 1 }))).rejects.toBeInstanceOf(ServiceNotActiveException);
    const twice = await env.c.ecs.send(new DeleteServiceCommand({ cluster: 'life', service: 'drain' }));
    expect(twice.service?.status).toBe('DRAINING');
  });

  test('becomes INACTIVE once drained, and then its name can be used again', async () => {
    env.sim.setTimings({ drainMs: 2000 });
    await env.c.ecs.send(new CreateServiceCommand(input('reuse')));
    await env.c.ecs.send(new DeleteServiceCommand({ cluster: 'life', service: 'reuse' }));
    await eventually(async () => ((await statusOf('reuse')) === 'INACTIVE' ? true : undefined));
    const created = await env.c.ecs.send(new CreateServiceCommand(input('reuse')));
    expect(created.service?.status).toBe('ACTIVE');
    expect(await listed()).toContain('reuse');
  });

  // Purged services: DescribeServices reports them in failures[] as MISSING, as with a name that
  // never existed (hashicorp/terraform#4326, localstack/localstack#8521). The documented
  // ServiceNotFoundException is available as a targeted fault.
  test('is purged some time after INACTIVE, after which DescribeServices reports it MISSING', async () => {
    env.sim.setTimings({ drainMs: 1000, purgeMs: 2000 });
    await env.c.ecs.send(new CreateServiceCommand(input('purged')));
    await env.c.ecs.send(new DeleteServiceCommand({ cluster: 'life', service: 'purged' }));
    const out = await eventually(async () => {
      const d = await env.c.ecs.send(new DescribeServicesCommand({ cluster: 'life', services: ['purged'] }));
      return d.services?.length === 0 ? d : undefined;
    });
    expect(out.failures).toEqual([{ arn: 'arn:aws:ecs:us-east-1:123456789012:service/life/purged', reason: 'MISSING' }]);
  });
});

// "If you retry a request that completed successfully using the same client token and the same
// parameters, the retry succeeds without performing any further actions"
// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/ECS_Idempotency.html).
describe('CreateService clientToken', () => {
  test('replays the first answer even after that service was deleted, creating nothing', async () => {
    env.sim.setTimings({ drainMs: 1000 });
    const first = await env.c.ecs.send(new CreateServiceCommand(input('replayed', { clientToken: 'replayed-1' })));
    await env.c.ecs.send(new DeleteServiceCommand({ cluster: 'life', service: 'replayed' }));
    await eventually(async () => ((await statusOf('replayed')) === 'INACTIVE' ? true : undefined));
    const replay = await env.c.ecs.send(new CreateServiceCommand(input('replayed', { clientToken: 'replayed-1' })));
    expect(replay.service?.status).toBe('ACTIVE');
    expect(replay.service?.deployments?.[0]?.id).toBe(first.service?.deployments?.[0]?.id);
    expect(await statusOf('replayed')).toBe('INACTIVE');
    const fresh = await env.c.ecs.send(new CreateServiceCommand(input('replayed', { clientToken: 'replayed-2' })));
    expect(fresh.service?.deployments?.[0]?.id).not.toBe(first.service?.deployments?.[0]?.id);
    expect(await statusOf('replayed')).toBe('ACTIVE');
  });

  test('expires, after which the same token creates again', async () => {
    env.sim.setTimings({ drainMs: 1000, clientTokenTtlMs: 1500 });
    await env.c.ecs.send(new CreateServiceCommand(input('expiring', { clientToken: 'expiring-1' })));
    await env.c.ecs.send(new DeleteServiceCommand({ cluster: 'life', service: 'expiring' }));
    await eventually(async () => ((await statusOf('expiring')) === 'INACTIVE' ? true : undefined));
    await new Promise((r) => setTimeout(r, 40));
    await env.c.ecs.send(new CreateServiceCommand(input('expiring', { clientToken: 'expiring-1' })));
    expect(await statusOf('expiring')).toBe('ACTIVE');
  });
});

describe('a DAEMON service', () => {
  let ec2Td: string;
  beforeAll(async () => {
    const out = await env.c.ecs.send(new RegisterTaskDefinitionCommand({ family: 'agent', containerDefinitions: [{ name: 'agent', image: 'agent:1', memory: 128 }] }));
    ec2Td = out.taskDefinition?.taskDefinitionArn ?? '';
  });

  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html
  test('gets the DAEMON deployment defaults and refuses a desiredCount, as AWS does', async () => {
    const out = await env.c.ecs.send(new CreateServiceCommand({ cluster: 'life', serviceName: 'agent', taskDefinition: ec2Td, schedulingStrategy: 'DAEMON', launchType: 'EC2' }));
    expect(out.service?.deploymentConfiguration).toMatchObject({ maximumPercent: 100, minimumHealthyPercent: 0 });
    const scale = env.c.ecs.send(new UpdateServiceCommand({ cluster: 'life', service: 'agent', desiredCount: 0 }));
    await expect(scale).rejects.toThrow('The daemon scheduling strategy does not support a desired count for services.');
    const create = env.c.ecs.send(new CreateServiceCommand({ cluster: 'life', serviceName: 'agent2', taskDefinition: ec2Td, schedulingStrategy: 'DAEMON', desiredCount: 1 }));
    await expect(create).rejects.toBeInstanceOf(InvalidParameterException);
  });

  // `force` "is only necessary ... if the service uses the REPLICA scheduling strategy"
  // (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteService.html).
  test('is deleted without scaling it to 0 and without force', async () => {
    await env.c.ecs.send(new CreateServiceCommand({ cluster: 'life', serviceName: 'daemon-del', taskDefinition: ec2Td, schedulingStrategy: 'DAEMON', launchType: 'EC2' }));
    const out = await env.c.ecs.send(new DeleteServiceCommand({ cluster: 'life', service: 'daemon-del' }));
    expect(out.service?.status).toBe('DRAINING');
  });
});

test('the admin API sets timings and refuses unknown ones', async () => {
  const post = (body: unknown): Promise<Response> => fetch(`${env.sim.url}/_sim/timings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const ok = await post({ drainMs: 1234 });
  expect(ok.status).toBe(200);
  expect(await ok.json()).toMatchObject({ drainMs: 1234 });
  expect(env.sim.timings().drainMs).toBe(1234);
  expect((await post({ drainSeconds: 1 })).status).toBe(400);
  expect((await post({ drainMs: -1 })).status).toBe(400);
});
