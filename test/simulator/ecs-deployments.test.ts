import {
  CreateClusterCommand,
  CreateServiceCommand,
  UpdateServiceCommand,
  type CreateServiceCommandInput,
  type Service,
  type ServiceConnectConfiguration,
  type UpdateServiceCommandInput,
} from '@aws-sdk/client-ecs';
import { describeService, network, primaryOf, registerFargate, steady } from './ecs-helpers.js';
import { createNamespace, eventually, testTimeScale, useSimulator } from './helpers.js';

const env = useSimulator();
let td: string;

const volume = { name: 'data', managedEBSVolume: { roleArn: 'arn:aws:iam::123456789012:role/ebs', sizeInGiB: 20 } };
const lattice = { roleArn: 'arn:aws:iam::123456789012:role/lattice', targetGroupArn: 'arn:aws:vpc-lattice:us-east-1:123456789012:targetgroup/tg-1', portName: 'http' };

function input(name: string, extra: Partial<CreateServiceCommandInput> = {}): CreateServiceCommandInput {
  return { cluster: 'deploys', serviceName: name, taskDefinition: td, desiredCount: 1, launchType: 'FARGATE', networkConfiguration: network, ...extra };
}

beforeAll(async () => {
  await env.c.ecs.send(new CreateClusterCommand({ clusterName: 'deploys' }));
  td = await registerFargate(env.c, 'deploys', 'app:1');
});

// The ECS model's `Service` shape has neither member; its `Deployment` shape has both
// (botocore ecs/2014-11-13/service-2.json; https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html).
describe('volumeConfigurations and vpcLatticeConfigurations', () => {
  test('are returned on the deployments, never on the Service object', async () => {
    const created = await env.c.ecs.send(new CreateServiceCommand(input('lattice', { volumeConfigurations: [volume], vpcLatticeConfigurations: [lattice] })));
    for (const svc of [created.service, await describeService(env.c, 'deploys', 'lattice')]) {
      expect(svc).not.toHaveProperty('volumeConfigurations');
      expect(svc).not.toHaveProperty('vpcLatticeConfigurations');
      const primary = svc && primaryOf(svc);
      expect(primary?.volumeConfigurations).toEqual([volume]);
      expect(primary?.vpcLatticeConfigurations).toEqual([lattice]);
    }
  });

  test('an UpdateService with the same values starts no deployment; a change starts one carrying the new values', async () => {
    await env.c.ecs.send(new CreateServiceCommand(input('lattice-update', { vpcLatticeConfigurations: [lattice] })));
    const before = await steady(env.c, 'deploys', 'lattice-update');
    const same = await env.c.ecs.send(new UpdateServiceCommand({ cluster: 'deploys', service: 'lattice-update', vpcLatticeConfigurations: [lattice] }));
    expect(same.service?.deployments?.map((d) => d.id)).toEqual(before.deployments?.map((d) => d.id));
    const changed = { ...lattice, portName: 'admin' };
    const out = await env.c.ecs.send(new UpdateServiceCommand({ cluster: 'deploys', service: 'lattice-update', vpcLatticeConfigurations: [changed] }));
    expect(out.service?.deployments).toHaveLength(2);
    expect(out.service && primaryOf(out.service)?.vpcLatticeConfigurations).toEqual([changed]);
    expect(out.service?.deployments?.[1]?.vpcLatticeConfigurations).toEqual([lattice]);
  });

  test('an empty list removes them from the next deployment', async () => {
    await env.c.ecs.send(new CreateServiceCommand(input('volume-off', { volumeConfigurations: [volume] })));
    await steady(env.c, 'deploys', 'volume-off');
    await env.c.ecs.send(new UpdateServiceCommand({ cluster: 'deploys', service: 'volume-off', volumeConfigurations: [] }));
    const after = await steady(env.c, 'deploys', 'volume-off');
    expect(primaryOf(after)).not.toHaveProperty('volumeConfigurations');
  });
});

// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html
describe('the deployment circuit breaker', () => {
  const breaker = { deploymentCircuitBreaker: { enable: true, rollback: true } };

  /** Injects a rollout failure into the next UpdateService of `name` and waits for the FAILED deployment. */
  async function failNextUpdate(name: string, update: Omit<UpdateServiceCommandInput, 'cluster' | 'service'>): Promise<Service> {
    // A slower clock, so the FAILED deployment is observable before the rollback completes.
    env.sim.setTimeScale(10);
    env.sim.addFault({ operation: 'UpdateService', resource: name, effect: { type: 'rolloutFailure' } });
    await env.c.ecs.send(new UpdateServiceCommand({ cluster: 'deploys', service: name, ...update }));
    const failed = await eventually(async () => {
      const svc = await describeService(env.c, 'deploys', name);
      return svc.deployments?.some((d) => d.rolloutState === 'FAILED') ? svc : undefined;
    });
    env.sim.setTimeScale(testTimeScale);
    return failed;
  }

  test('fails a deployment at half the desired count, clamped to [3, 200], and rolls back to the last COMPLETED one', async () => {
    await env.c.ecs.send(new CreateServiceCommand(input('cb-count', { desiredCount: 10, deploymentConfiguration: breaker })));
    const good = await steady(env.c, 'deploys', 'cb-count');
    const td2 = await registerFargate(env.c, 'deploys', 'app:2');
    const failed = await failNextUpdate('cb-count', { taskDefinition: td2 });
    const failedDeployment = failed.deployments?.find((d) => d.rolloutState === 'FAILED');
    expect(failedDeployment).toMatchObject({ status: 'ACTIVE', taskDefinition: td2, failedTasks: 5, rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.' });
    expect(primaryOf(failed)).toMatchObject({ taskDefinition: td, rolloutStateReason: `ECS deployment circuit breaker: rolling back to deploymentId ${good.deployments?.[0]?.id ?? ''}.` });
    expect(failed.taskDefinition).toBe(td);
    const messages = (await steady(env.c, 'deploys', 'cb-count')).events?.map((e) => e.message) ?? [];
    expect(messages).toEqual(expect.arrayContaining([`(service cb-count) (deployment ${failedDeployment?.id ?? ''}) deployment failed: tasks failed to start.`, `(service cb-count) rolling back to deployment ${good.deployments?.[0]?.id ?? ''}.`]));
  });

  test('rolls back a change of the network configuration only, and the service takes the old one back', async () => {
    await env.c.ecs.send(new CreateServiceCommand(input('cb-network', { deploymentConfiguration: breaker })));
    await steady(env.c, 'deploys', 'cb-network');
    const other = { awsvpcConfiguration: { subnets: ['subnet-2'], securityGroups: ['sg-2'] } };
    const failed = await failNextUpdate('cb-network', { networkConfiguration: other });
    expect(failed.deployments?.find((d) => d.rolloutState === 'FAILED')?.networkConfiguration).toEqual(other);
    const after = await steady(env.c, 'deploys', 'cb-network');
    expect(after.networkConfiguration).toEqual(network);
    expect(primaryOf(after)?.networkConfiguration).toEqual(network);
  });

  test('rolls back a change of the Service Connect configuration only', async () => {
    const ns = await createNamespace(env.c, 'deploys.local');
    const sc = (alias: number): ServiceConnectConfiguration => ({ enabled: true, namespace: ns.arn, services: [{ portName: 'http', discoveryName: 'cb-sc', clientAliases: [{ port: alias }] }] });
    await env.c.ecs.send(new CreateServiceCommand(input('cb-sc', { deploymentConfiguration: breaker, serviceConnectConfiguration: sc(80) })));
    await steady(env.c, 'deploys', 'cb-sc');
    await failNextUpdate('cb-sc', { serviceConnectConfiguration: sc(8080) });
    const after = await steady(env.c, 'deploys', 'cb-sc');
    expect(primaryOf(after)?.serviceConnectConfiguration).toEqual(sc(80));
  });

  test('with rollback off, the failed deployment stays PRIMARY and FAILED', async () => {
    await env.c.ecs.send(new CreateServiceCommand(input('cb-norollback', { deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: false } } })));
    await steady(env.c, 'deploys', 'cb-norollback');
    const failed = await failNextUpdate('cb-norollback', { forceNewDeployment: true });
    expect(primaryOf(failed)).toMatchObject({ rolloutState: 'FAILED', failedTasks: 3 });
  });

  test('without the circuit breaker, the deployment never completes and the service reports it cannot start tasks', async () => {
    await env.c.ecs.send(new CreateServiceCommand(input('cb-off')));
    await steady(env.c, 'deploys', 'cb-off');
    env.sim.addFault({ operation: 'UpdateService', resource: 'cb-off', effect: { type: 'rolloutFailure' } });
    await env.c.ecs.send(new UpdateServiceCommand({ cluster: 'deploys', service: 'cb-off', forceNewDeployment: true }));
    const stuck = await eventually(async () => {
      const svc = await describeService(env.c, 'deploys', 'cb-off');
      return svc.events?.some((e) => e.message?.includes('is unable to consistently start tasks successfully')) ? svc : undefined;
    });
    // Twice the deployment's duration later it is still in progress.
    await new Promise((r) => setTimeout(r, (2 * env.sim.timings().deploymentMs) / testTimeScale));
    const later = await describeService(env.c, 'deploys', 'cb-off');
    expect(primaryOf(later)).toMatchObject({ rolloutState: 'IN_PROGRESS', runningCount: 0, id: primaryOf(stuck)?.id });
    expect(later.deployments).toHaveLength(2);
  });
});
