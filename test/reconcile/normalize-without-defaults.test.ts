/**
 * The forms `import` writes: without the defaults AWS fills in, they still normalise equal to what
 * AWS returns, so a manifest written from live state plans no change.
 */
import fc from 'fast-check';
import { canonicalServiceConnect, namespaceIndex, serviceConnectWithoutDefaults, serviceFieldsWithoutDefaults } from '../../src/reconcile/normalize-service.js';
import { canonicalTaskDefinition, taskDefinitionWithoutDefaults } from '../../src/reconcile/normalize-task-definition.js';
import type { JsonObject } from '../../src/reconcile/ports.js';

const NS_ARN = 'arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-abc';
const index = namespaceIndex([{ name: 'shop', arn: NS_ARN }]);

const serviceArb = fc.record(
  {
    portName: fc.constantFrom('http', 'grpc'),
    discoveryName: fc.constantFrom('http', 'grpc', 'custom'),
    clientAliases: fc.array(fc.record({ port: fc.integer({ min: 1, max: 65535 }), dnsName: fc.constantFrom('http.shop', 'grpc.shop', 'custom.shop', 'www.example') }, { requiredKeys: ['port'] }), { maxLength: 1 }),
    ingressPortOverride: fc.integer({ min: 1, max: 65535 }),
    timeout: fc.record({ idleTimeoutSeconds: fc.nat(600), perRequestTimeoutSeconds: fc.nat(600) }, { requiredKeys: [] }),
  },
  { requiredKeys: ['portName'] },
);
const scArb = fc.record(
  {
    enabled: fc.constant(true),
    namespace: fc.constantFrom(NS_ARN, 'shop'),
    services: fc.array(serviceArb, { maxLength: 2 }),
    logConfiguration: fc.constant({ logDriver: 'awslogs', options: { 'awslogs-group': '/sc' } }),
    accessLogConfiguration: fc.record({ format: fc.constantFrom('TEXT', 'JSON'), includeQueryParameters: fc.constantFrom('ENABLED', 'DISABLED') }, { requiredKeys: ['format'] }),
  },
  { requiredKeys: ['enabled', 'namespace'] },
);

test('a Service Connect configuration without its defaults normalises equal to the configuration AWS returns', () => {
  fc.assert(
    fc.property(scArb, (sc) => {
      const written = serviceConnectWithoutDefaults(sc as JsonObject, index);
      expect(canonicalServiceConnect(written, index)).toEqual(canonicalServiceConnect(sc as JsonObject, index));
      expect(written?.namespace).toBe('shop');
    }),
    { numRuns: 200, seed: 14 },
  );
});

test('service fields lose only the values AWS fills in', () => {
  expect(
    serviceFieldsWithoutDefaults({
      schedulingStrategy: 'REPLICA',
      deploymentController: { type: 'ECS' },
      propagateTags: 'NONE',
      enableECSManagedTags: false,
      enableExecuteCommand: true,
      healthCheckGracePeriodSeconds: 0,
      platformVersion: 'LATEST',
      loadBalancers: [],
      placementConstraints: [],
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: [], assignPublicIp: 'DISABLED' } },
      deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 50, deploymentCircuitBreaker: { enable: false, rollback: false }, alarms: { alarmNames: [], enable: false, rollback: false } },
    }),
  ).toEqual({ enableExecuteCommand: true, networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } }, deploymentConfiguration: { minimumHealthyPercent: 50 } });
  // A daemon's percentages default to 100 and 0.
  expect(serviceFieldsWithoutDefaults({ schedulingStrategy: 'DAEMON', deploymentConfiguration: { maximumPercent: 100, minimumHealthyPercent: 0 } })).toEqual({ schedulingStrategy: 'DAEMON' });
});

test('a task definition without its defaults keeps AWS order and normalises equal to it', () => {
  const described: JsonObject = {
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:3',
    family: 'web',
    revision: 3,
    status: 'ACTIVE',
    networkMode: 'awsvpc',
    containerDefinitions: [
      { name: 'web', image: 'nginx', cpu: 0, essential: true, portMappings: [{ containerPort: 80, hostPort: 80, protocol: 'tcp', name: 'http' }], environment: [{ name: 'B', value: '2' }, { name: 'A', value: '1' }], mountPoints: [] },
      { name: 'app', image: 'app', essential: false },
    ],
    cpu: '256',
    memory: '512',
  };
  const written = taskDefinitionWithoutDefaults(described);
  expect(written).toEqual({
    family: 'web',
    networkMode: 'awsvpc',
    containerDefinitions: [
      { name: 'web', image: 'nginx', portMappings: [{ containerPort: 80, name: 'http' }], environment: [{ name: 'B', value: '2' }, { name: 'A', value: '1' }] },
      { name: 'app', image: 'app', essential: false },
    ],
    cpu: '256',
    memory: '512',
  });
  expect(canonicalTaskDefinition(written)).toEqual(canonicalTaskDefinition(described));
});

test('enableFaultInjection: false, which AWS returns on every task definition since 2025, is its default and compares equal to leaving it out', () => {
  const written: JsonObject = { family: 'web', containerDefinitions: [{ name: 'web', image: 'nginx', memory: 64 }] };
  const described: JsonObject = { ...written, revision: 1, enableFaultInjection: false, containerDefinitions: [{ name: 'web', image: 'nginx', memory: 64, cpu: 0, essential: true }] };
  expect(canonicalTaskDefinition(described)).toEqual(canonicalTaskDefinition(written));
  expect(taskDefinitionWithoutDefaults(described)).toEqual(written);
  expect(canonicalTaskDefinition({ ...written, enableFaultInjection: true })).not.toEqual(canonicalTaskDefinition(written));
});
