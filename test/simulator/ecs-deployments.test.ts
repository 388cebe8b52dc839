import { CreateClusterCommand, CreateServiceCommand, UpdateServiceCommand, type CreateServiceCommandInput } from '@aws-sdk/client-ecs';
import { describeService, network, primaryOf, registerFargate, steady } from './ecs-helpers.js';
import { useSimulator } from './helpers.js';

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
