/** Service fields the simulator returns as AWS does: every member sent, and the ones UpdateService changes in place. */
import { CreateClusterCommand, CreateServiceCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { describeService, network, registerFargate } from './ecs-helpers.js';
import { useSimulator } from './helpers.js';

const env = useSimulator();
let td: string;

beforeAll(async () => {
  await env.c.ecs.send(new CreateClusterCommand({ clusterName: 'fields' }));
  td = await registerFargate(env.c, 'fields', 'nginx');
});

test('the circuit breaker keeps every member sent (resetOnHealthyTask, thresholdConfiguration), at creation and on update', async () => {
  const breaker = { enable: true, rollback: true, resetOnHealthyTask: true, thresholdConfiguration: { type: 'COUNT' as const, value: 3 } };
  await env.c.ecs.send(
    new CreateServiceCommand({ cluster: 'fields', serviceName: 'breaker', taskDefinition: td, desiredCount: 1, networkConfiguration: network, deploymentConfiguration: { deploymentCircuitBreaker: breaker } }),
  );
  expect((await describeService(env.c, 'fields', 'breaker')).deploymentConfiguration?.deploymentCircuitBreaker).toEqual(breaker);
  const changed = { ...breaker, resetOnHealthyTask: false, thresholdConfiguration: { type: 'BOUNDED_PERCENT' as const, value: 20 } };
  await env.c.ecs.send(new UpdateServiceCommand({ cluster: 'fields', service: 'breaker', deploymentConfiguration: { deploymentCircuitBreaker: changed } }));
  expect((await describeService(env.c, 'fields', 'breaker')).deploymentConfiguration?.deploymentCircuitBreaker).toEqual(changed);
});

test('UpdateService changes the deployment controller in place', async () => {
  await env.c.ecs.send(new CreateServiceCommand({ cluster: 'fields', serviceName: 'controller', taskDefinition: td, desiredCount: 1, networkConfiguration: network }));
  expect((await describeService(env.c, 'fields', 'controller')).deploymentController).toEqual({ type: 'ECS' });
  await env.c.ecs.send(new UpdateServiceCommand({ cluster: 'fields', service: 'controller', deploymentController: { type: 'CODE_DEPLOY' } }));
  expect((await describeService(env.c, 'fields', 'controller')).deploymentController).toEqual({ type: 'CODE_DEPLOY' });
});
