/**
 * The write gate in front of the AWS clients: while it says no, mutating calls are refused before
 * they leave the process (the simulator never sees them) and reads go through.
 */
import { connectAws } from '../../src/aws/index.js';
import { isWriteCommand } from '../../src/aws/write-gate.js';
import { AwsCallError } from '../../src/aws/errors.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';

let sim: SimulatorHandle;

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 100 });
});

afterAll(async () => {
  await sim.close();
});

test('a closed gate refuses every write before it is sent and lets reads through; an open one lets writes through', async () => {
  let open = false;
  const ports = await connectAws({ endpoint: sim.url, region: 'us-east-1', writeGate: { writesAllowed: () => open, refusal: () => 'someone else holds the lease' } });
  try {
    sim.resetCalls();
    const refused = await ports.ecs.createCluster({ clusterName: 'gated' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AwsCallError);
    expect((refused as AwsCallError).code).toBe('NotLeaderError');
    expect((refused as AwsCallError).message).toContain('CreateCluster not sent: someone else holds the lease');
    expect(sim.calls().totals.calls).toBe(0);

    await ports.ecs.describeClusters(['gated']);
    expect(sim.calls().totals).toMatchObject({ calls: 1, writes: 0 });

    open = true;
    await ports.ecs.createCluster({ clusterName: 'gated' });
    expect(sim.calls().mutatingCalls).toBe(1);
  } finally {
    ports.close();
  }
});

test('reads are told apart from writes by the operation name', () => {
  for (const read of ['DescribeServicesCommand', 'ListNamespacesCommand', 'GetOperationCommand', 'FilterLogEventsCommand', 'ListTagsForResourceCommand']) expect(isWriteCommand(read)).toBe(false);
  for (const write of ['UpdateServiceCommand', 'RegisterTaskDefinitionCommand', 'TagResourceCommand', 'CreateLogGroupCommand', 'PutRetentionPolicyCommand', 'DeleteNamespaceCommand']) expect(isWriteCommand(write)).toBe(true);
});
