/**
 * DescribeServices answers that are byte for byte the same as last time are not parsed again;
 * anything that changes in AWS still shows on the next call.
 */
import { CreateClusterCommand, CreateServiceCommand, RegisterTaskDefinitionCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { connectAws } from '../../src/aws/index.js';
import type { AwsPorts } from '../../src/reconcile/ports.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { clientsFor, type TestClients } from '../helpers/aws.js';

let sim: SimulatorHandle;
let aws: TestClients;
let ports: AwsPorts & { close(): void };

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 1000 });
  aws = clientsFor(sim.url);
  ports = await connectAws({ endpoint: sim.url, pacing: { enabled: false } });
  await aws.ecs.send(new CreateClusterCommand({ clusterName: 'c' }));
  await aws.ecs.send(
    new RegisterTaskDefinitionCommand({ family: 'web', containerDefinitions: [{ name: 'web', image: 'nginx', memory: 128 }] }),
  );
  for (const name of ['a', 'b']) await aws.ecs.send(new CreateServiceCommand({ cluster: 'c', serviceName: name, taskDefinition: 'web', desiredCount: 1 }));
});

afterAll(async () => {
  ports.close();
  aws.destroy();
  await sim.close();
});

const describeCalls = (): number => sim.calls().services.ecs?.operations.DescribeServices?.calls ?? 0;

test('an unchanged answer gives the same services, frozen, and the call is still made', async () => {
  const before = describeCalls();
  const first = await ports.ecs.describeServices('c', ['a', 'b']);
  const second = await ports.ecs.describeServices('c', ['a', 'b']);
  expect(describeCalls() - before).toBe(2);
  expect(second.services.map((s) => s.name)).toEqual(['a', 'b']);
  expect(second.services[0]).toBe(first.services[0]);
  expect(second.services[0]?.desiredCount).toBe(1);
  expect(Object.isFrozen(second.services[0])).toBe(true);
  expect(() => {
    (second.services[0]?.deployments as unknown[]).push({});
  }).toThrow(TypeError);
});

test('a change made in AWS shows on the next call', async () => {
  const first = await ports.ecs.describeServices('c', ['a', 'b']);
  await aws.ecs.send(new UpdateServiceCommand({ cluster: 'c', service: 'b', desiredCount: 3 }));
  const next = await ports.ecs.describeServices('c', ['a', 'b']);
  expect(next.services.find((s) => s.name === 'b')?.desiredCount).toBe(3);
  expect(next.services[0]).not.toBe(first.services[0]);
  const again = await ports.ecs.describeServices('c', ['a', 'b']);
  expect(again.services.find((s) => s.name === 'b')?.desiredCount).toBe(3);
});

test('each batch is remembered on its own; missing services and errors are unaffected', async () => {
  const one = await ports.ecs.describeServices('c', ['a']);
  const both = await ports.ecs.describeServices('c', ['a', 'b']);
  expect(one.services.map((s) => s.name)).toEqual(['a']);
  expect(both.services.map((s) => s.name)).toEqual(['a', 'b']);
  const withMissing = await ports.ecs.describeServices('c', ['a', 'nope']);
  expect(withMissing.missing).toEqual(['nope']);
  expect((await ports.ecs.describeServices('c', ['a', 'nope'])).missing).toEqual(['nope']);
  // A failed attempt retried by the SDK still ends in the right answer.
  sim.addFault({ operation: 'DescribeServices', effect: { type: 'error', errorType: 'ServerException', status: 500 } });
  expect((await ports.ecs.describeServices('c', ['a', 'b'])).services.map((s) => s.name)).toEqual(['a', 'b']);
  const gone = await ports.ecs.describeServices('no-such-cluster', ['a']);
  expect(gone).toEqual({ services: [], missing: ['a'], clusterMissing: true });
});
