/**
 * What the generated convergence test states for each kind: the resources every fleet shares, the
 * members a path's ancestors need, and the values of paths the schema alone cannot choose (names
 * that must be unique in a namespace, ARNs, references to other manifests).
 */
import type { JsonObject } from '../../../src/reconcile/ports.js';
import type { KindFixture } from './fleet.js';

const ACCOUNT = '123456789012';
const arn = (service: string, resource: string): string => `arn:aws:${service}:us-east-1:${ACCOUNT}:${resource}`;
const role = (name: string): string => `arn:aws:iam::${ACCOUNT}:role/${name}`;

/** The namespaces, cluster and task definitions the services of the fleet use. */
export const SHARED_MANIFESTS: { kind: string; name: string; spec: JsonObject }[] = [
  { kind: 'Namespace', name: 'coverage', spec: { type: 'HTTP' } },
  { kind: 'Namespace', name: 'coverage-2', spec: { type: 'HTTP' } },
  { kind: 'Cluster', name: 'coverage', spec: { capacityProviders: ['FARGATE', 'FARGATE_SPOT'] } },
  {
    kind: 'TaskDefinition',
    name: 'coverage-app',
    spec: {
      requiresCompatibilities: ['EC2', 'FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      containerDefinitions: [
        {
          name: 'app',
          image: 'public.ecr.aws/nginx/nginx:1.27',
          portMappings: [
            { name: 'http', containerPort: 8080, appProtocol: 'http' },
            { name: 'api', containerPort: 8081, appProtocol: 'http' },
            { name: 'tcp', containerPort: 9090 },
          ],
        },
      ],
    },
  },
  {
    kind: 'TaskDefinition',
    name: 'coverage-app2',
    spec: {
      requiresCompatibilities: ['EC2', 'FARGATE'],
      networkMode: 'awsvpc',
      cpu: '512',
      memory: '1024',
      containerDefinitions: [{ name: 'app', image: 'public.ecr.aws/nginx/nginx:1.27', portMappings: [{ name: 'http', containerPort: 8080, appProtocol: 'http' }] }],
    },
  },
  {
    kind: 'TaskDefinition',
    name: 'coverage-ebs',
    spec: {
      requiresCompatibilities: ['EC2', 'FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      volumes: [
        { name: 'data', configuredAtLaunch: true },
        { name: 'scratch', configuredAtLaunch: true },
      ],
      containerDefinitions: [
        {
          name: 'app',
          image: 'public.ecr.aws/nginx/nginx:1.27',
          mountPoints: [
            { sourceVolume: 'data', containerPath: '/data' },
            { sourceVolume: 'scratch', containerPath: '/scratch' },
          ],
        },
      ],
    },
  },
];

const PROXY_LOGS = (group: string): JsonObject => ({ logDriver: 'awslogs', options: { 'awslogs-group': group, 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'proxy' } });

export const SERVICE_FIXTURE: KindFixture = {
  base: () => ({
    cluster: 'coverage',
    taskDefinition: 'coverage-app',
    desiredCount: 1,
    networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0a'], securityGroups: ['sg-0a'] } },
  }),
  contexts: {
    // A Classic Load Balancer is named instead of a target group: one or the other.
    'loadBalancers[]': (name, leaf): JsonObject =>
      leaf === 'loadBalancers[].loadBalancerName'
        ? { containerName: 'app', containerPort: 8080 }
        : { targetGroupArn: arn('elasticloadbalancing', `targetgroup/${name}/0123456789abcdef`), containerName: 'app', containerPort: 8080 },
    'loadBalancers[].advancedConfiguration': (name) => ({
      alternateTargetGroupArn: arn('elasticloadbalancing', `targetgroup/${name}-green/0123456789abcdef`),
      productionListenerRule: arn('elasticloadbalancing', 'listener-rule/app/lb/1/2/3'),
      roleArn: role('ecs-blue-green'),
    }),
    'serviceRegistries[]': () => ({ registryArn: arn('servicediscovery', 'service/srv-0123456789abcdef') }),
    'capacityProviderStrategy[]': () => ({ capacityProvider: 'FARGATE', weight: 1 }),
    'deploymentConfiguration.deploymentCircuitBreaker': () => ({ enable: true, rollback: true }),
    'deploymentConfiguration.deploymentCircuitBreaker.thresholdConfiguration': () => ({ type: 'COUNT', value: 3 }),
    'deploymentConfiguration.alarms': () => ({ alarmNames: ['coverage-alarm'], enable: true, rollback: true }),
    'deploymentConfiguration.lifecycleHooks[]': () => ({
      targetType: 'AWS_LAMBDA',
      hookTargetArn: arn('lambda', 'function:hook'),
      roleArn: role('ecs-hooks'),
      lifecycleStages: ['PRE_SCALE_UP'],
    }),
    'deploymentConfiguration.lifecycleHooks[].timeoutConfiguration': () => ({ timeoutInMinutes: 10, action: 'ROLLBACK' }),
    'deploymentConfiguration.linearConfiguration': () => ({ stepPercent: 10, stepBakeTimeInMinutes: 5 }),
    'deploymentConfiguration.canaryConfiguration': () => ({ canaryPercent: 10, canaryBakeTimeInMinutes: 5 }),
    'deploymentConfiguration.earlySuccessCriteria': () => ({ enable: true }),
    'placementConstraints[]': () => ({ type: 'memberOf', expression: 'attribute:ecs.os-type == linux' }),
    'placementStrategy[]': () => ({ type: 'spread', field: 'attribute:ecs.availability-zone' }),
    serviceConnectConfiguration: () => ({ enabled: true, namespace: 'coverage' }),
    'serviceConnectConfiguration.services[]': (name) => ({ portName: 'http', discoveryName: name }),
    'serviceConnectConfiguration.services[].clientAliases[]': () => ({ port: 80 }),
    'serviceConnectConfiguration.services[].clientAliases[].testTrafficRules.header': () => ({ name: 'x-canary', value: { exact: 'yes' } }),
    'serviceConnectConfiguration.services[].tls': () => ({ issuerCertificateAuthority: { awsPcaAuthorityArn: arn('acm-pca', 'certificate-authority/ca-1') } }),
    'serviceConnectConfiguration.logConfiguration': () => PROXY_LOGS('/coverage/proxy'),
    'serviceConnectConfiguration.logConfiguration.secretOptions[]': () => ({ name: 'TOKEN', valueFrom: arn('ssm', 'parameter/token') }),
    'serviceConnectConfiguration.accessLogConfiguration': () => ({ format: 'TEXT' }),
    'volumeConfigurations[]': () => ({ name: 'data', managedEBSVolume: { roleArn: role('ecs-ebs'), sizeInGiB: 10 } }),
    'volumeConfigurations[].managedEBSVolume.tagSpecifications[]': () => ({ resourceType: 'volume' }),
    'volumeConfigurations[].managedEBSVolume.tagSpecifications[].tags[]': () => ({ key: 'team', value: 'a' }),
    'vpcLatticeConfigurations[]': (name) => ({ roleArn: role('ecs-lattice'), targetGroupArn: arn('vpc-lattice', `targetgroup/tg-${name}`), portName: 'http' }),
    'vpcLatticeConfigurations[].advancedConfiguration': () => ({ alternateTargetGroupArn: arn('vpc-lattice', 'targetgroup/tg-green') }),
  },
  samples: {
    taskDefinition: { a: 'coverage-app', b: 'coverage-app2' },
    desiredCount: { a: 1, b: 2 },
    platformVersion: { a: '1.4.0', b: 'LATEST' },
    healthCheckGracePeriodSeconds: { a: 30, b: 60 },
    'loadBalancers[].targetGroupArn': { a: (n) => arn('elasticloadbalancing', `targetgroup/${n}-a/0123456789abcdef`), b: (n) => arn('elasticloadbalancing', `targetgroup/${n}-b/0123456789abcdef`) },
    'loadBalancers[].loadBalancerName': { a: 'classic-a', b: 'classic-b' },
    'loadBalancers[].containerName': { a: 'app', b: 'sidecar' },
    'loadBalancers[].containerPort': { a: 8080, b: 8081 },
    'serviceRegistries[].registryArn': { a: arn('servicediscovery', 'service/srv-aaaaaaaaaaaaaaaa'), b: arn('servicediscovery', 'service/srv-bbbbbbbbbbbbbbbb') },
    'serviceRegistries[].port': { a: 8080, b: 8081 },
    'serviceRegistries[].containerPort': { a: 8080, b: 8081 },
    'capacityProviderStrategy[].capacityProvider': { a: 'FARGATE', b: 'FARGATE_SPOT' },
    'capacityProviderStrategy[].weight': { a: 1, b: 2 },
    'capacityProviderStrategy[].base': { a: 0, b: 1 },
    'deploymentConfiguration.maximumPercent': { a: 200, b: 150 },
    'deploymentConfiguration.minimumHealthyPercent': { a: 100, b: 50 },
    'deploymentConfiguration.bakeTimeInMinutes': { a: 5, b: 10 },
    'deploymentConfiguration.deploymentCircuitBreaker.thresholdConfiguration.value': { a: 3, b: 5 },
    'deploymentConfiguration.alarms.alarmNames': { a: ['alarm-a'], b: ['alarm-b'] },
    'deploymentConfiguration.lifecycleHooks[].hookTargetArn': { a: arn('lambda', 'function:hook-a'), b: arn('lambda', 'function:hook-b') },
    'deploymentConfiguration.lifecycleHooks[].roleArn': { a: role('hooks-a'), b: role('hooks-b') },
    'deploymentConfiguration.lifecycleHooks[].hookDetails': { a: { stage: 'a' }, b: { stage: 'b' } },
    'deploymentConfiguration.lifecycleHooks[].timeoutConfiguration.timeoutInMinutes': { a: 10, b: 20 },
    'deploymentConfiguration.linearConfiguration.stepPercent': { a: 10, b: 20 },
    'deploymentConfiguration.linearConfiguration.stepBakeTimeInMinutes': { a: 5, b: 10 },
    'deploymentConfiguration.canaryConfiguration.canaryPercent': { a: 10, b: 20 },
    'deploymentConfiguration.canaryConfiguration.canaryBakeTimeInMinutes': { a: 5, b: 10 },
    'deploymentConfiguration.earlySuccessCriteria.healthyPercent': { a: 50, b: 80 },
    'placementConstraints[].expression': { a: 'attribute:ecs.os-type == linux', b: 'attribute:ecs.cpu-architecture == arm64' },
    'placementStrategy[].field': { a: 'attribute:ecs.availability-zone', b: 'instanceId' },
    'networkConfiguration.awsvpcConfiguration.subnets': { a: ['subnet-0a'], b: ['subnet-0b'] },
    'networkConfiguration.awsvpcConfiguration.securityGroups': { a: ['sg-0a'], b: ['sg-0b'] },
    'serviceConnectConfiguration.namespace': { a: 'coverage', b: 'coverage-2' },
    'serviceConnectConfiguration.services[].portName': { a: 'http', b: 'api' },
    'serviceConnectConfiguration.services[].discoveryName': { a: (n) => `${n}-a`, b: (n) => `${n}-b` },
    'serviceConnectConfiguration.services[].clientAliases[].port': { a: 80, b: 81 },
    'serviceConnectConfiguration.services[].clientAliases[].dnsName': { a: (n) => `${n}-a.coverage`, b: (n) => `${n}-b.coverage` },
    'serviceConnectConfiguration.services[].clientAliases[].testTrafficRules.header.name': { a: 'x-canary-a', b: 'x-canary-b' },
    'serviceConnectConfiguration.services[].clientAliases[].testTrafficRules.header.value.exact': { a: 'a', b: 'b' },
    'serviceConnectConfiguration.services[].ingressPortOverride': { a: 15000, b: 15001 },
    'serviceConnectConfiguration.services[].timeout.idleTimeoutSeconds': { a: 300, b: 600 },
    'serviceConnectConfiguration.services[].timeout.perRequestTimeoutSeconds': { a: 15, b: 30 },
    'serviceConnectConfiguration.services[].tls.issuerCertificateAuthority.awsPcaAuthorityArn': { a: arn('acm-pca', 'certificate-authority/ca-a'), b: arn('acm-pca', 'certificate-authority/ca-b') },
    'serviceConnectConfiguration.services[].tls.kmsKey': { a: arn('kms', 'key/11111111-1111-1111-1111-111111111111'), b: arn('kms', 'key/22222222-2222-2222-2222-222222222222') },
    'serviceConnectConfiguration.services[].tls.roleArn': { a: role('sc-tls-a'), b: role('sc-tls-b') },
    'serviceConnectConfiguration.logConfiguration.logDriver': { a: 'awslogs', b: 'json-file' },
    'serviceConnectConfiguration.logConfiguration.options': {
      a: { 'awslogs-group': '/coverage/proxy-a', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'proxy' },
      b: { 'awslogs-group': '/coverage/proxy-b', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'proxy' },
    },
    'serviceConnectConfiguration.logConfiguration.secretOptions[].name': { a: 'TOKEN_A', b: 'TOKEN_B' },
    'serviceConnectConfiguration.logConfiguration.secretOptions[].valueFrom': { a: arn('ssm', 'parameter/a'), b: arn('ssm', 'parameter/b') },
    'serviceConnectConfiguration.accessLogConfiguration.format': { a: 'TEXT', b: 'JSON', with: () => ({ serviceConnectConfiguration: { logConfiguration: PROXY_LOGS('/coverage/proxy') } }) },
    'serviceConnectConfiguration.accessLogConfiguration.includeQueryParameters': {
      a: 'ENABLED',
      b: 'DISABLED',
      with: () => ({ serviceConnectConfiguration: { logConfiguration: PROXY_LOGS('/coverage/proxy') } }),
    },
    'serviceConnectConfiguration.containerConfigurations[].logLevel': { a: 'debug', b: 'info' },
    'volumeConfigurations[].name': { a: 'data', b: 'scratch', with: () => ({ taskDefinition: 'coverage-ebs' }) },
    'volumeConfigurations[].managedEBSVolume.kmsKeyId': { a: arn('kms', 'key/11111111-1111-1111-1111-111111111111'), b: arn('kms', 'key/22222222-2222-2222-2222-222222222222') },
    'volumeConfigurations[].managedEBSVolume.volumeType': { a: 'gp3', b: 'io2' },
    'volumeConfigurations[].managedEBSVolume.sizeInGiB': { a: 10, b: 20 },
    'volumeConfigurations[].managedEBSVolume.snapshotId': { a: 'snap-0123456789abcdef0', b: 'snap-0123456789abcdef1' },
    'volumeConfigurations[].managedEBSVolume.volumeInitializationRate': { a: 100, b: 200 },
    'volumeConfigurations[].managedEBSVolume.iops': { a: 3000, b: 4000 },
    'volumeConfigurations[].managedEBSVolume.throughput': { a: 125, b: 250 },
    'volumeConfigurations[].managedEBSVolume.roleArn': { a: role('ebs-a'), b: role('ebs-b') },
    'volumeConfigurations[].managedEBSVolume.tagSpecifications[].tags[].key': { a: 'team', b: 'owner' },
    'volumeConfigurations[].managedEBSVolume.tagSpecifications[].tags[].value': { a: 'a', b: 'b' },
    'vpcLatticeConfigurations[].roleArn': { a: role('lattice-a'), b: role('lattice-b') },
    'vpcLatticeConfigurations[].targetGroupArn': { a: arn('vpc-lattice', 'targetgroup/tg-a'), b: arn('vpc-lattice', 'targetgroup/tg-b') },
    'vpcLatticeConfigurations[].portName': { a: 'http', b: 'api' },
    'vpcLatticeConfigurations[].advancedConfiguration.alternateTargetGroupArn': { a: arn('vpc-lattice', 'targetgroup/tg-green-a'), b: arn('vpc-lattice', 'targetgroup/tg-green-b') },
    tags: { a: { team: 'a' }, b: { team: 'b' } },
  },
  skip: {
    'volumeConfigurations[].managedEBSVolume.tagSpecifications[].resourceType': 'the model allows one value (`volume`)',
  },
};

export const CLUSTER_FIXTURE: KindFixture = {
  base: () => ({}),
  contexts: {
    'settings[]': () => ({ name: 'containerInsights', value: 'enabled' }),
    'configuration.executeCommandConfiguration': () => ({ logging: 'OVERRIDE' }),
    'defaultCapacityProviderStrategy[]': () => ({ capacityProvider: 'FARGATE', weight: 1 }),
  },
  samples: {
    capacityProviders: { a: ['FARGATE'], b: ['FARGATE', 'FARGATE_SPOT'] },
    'defaultCapacityProviderStrategy[].capacityProvider': { a: 'FARGATE', b: 'FARGATE_SPOT', with: () => ({ capacityProviders: ['FARGATE', 'FARGATE_SPOT'] }) },
    'defaultCapacityProviderStrategy[].weight': { a: 1, b: 2, with: () => ({ capacityProviders: ['FARGATE'] }) },
    'defaultCapacityProviderStrategy[].base': { a: 0, b: 1, with: () => ({ capacityProviders: ['FARGATE'] }) },
    'configuration.executeCommandConfiguration.kmsKeyId': { a: arn('kms', 'key/11111111-1111-1111-1111-111111111111'), b: arn('kms', 'key/22222222-2222-2222-2222-222222222222') },
    'configuration.executeCommandConfiguration.logging': { a: 'DEFAULT', b: 'NONE' },
    'configuration.executeCommandConfiguration.logConfiguration.cloudWatchLogGroupName': { a: '/coverage/exec-a', b: '/coverage/exec-b' },
    'configuration.executeCommandConfiguration.logConfiguration.s3BucketName': { a: 'coverage-exec-a', b: 'coverage-exec-b' },
    'configuration.executeCommandConfiguration.logConfiguration.s3KeyPrefix': { a: 'a/', b: 'b/' },
    'configuration.managedStorageConfiguration.kmsKeyId': { a: arn('kms', 'key/11111111-1111-1111-1111-111111111111'), b: arn('kms', 'key/22222222-2222-2222-2222-222222222222') },
    'configuration.managedStorageConfiguration.fargateEphemeralStorageKmsKeyId': { a: arn('kms', 'key/33333333-3333-3333-3333-333333333333'), b: arn('kms', 'key/44444444-4444-4444-4444-444444444444') },
    'settings[].value': { a: 'enabled', b: 'disabled' },
    'serviceConnectDefaults.namespace': { a: 'coverage', b: 'coverage-2' },
    tags: { a: { team: 'a' }, b: { team: 'b' } },
  },
  skip: {
    'settings[].name': 'the model allows one value (`containerInsights`)',
  },
};

export const NAMESPACE_FIXTURE: KindFixture = {
  base: () => ({ type: 'HTTP' }),
  contexts: {},
  samples: {
    description: { a: 'first', b: 'second' },
    'properties.dnsProperties.soa.ttl': { a: 60, b: 120, with: () => ({ type: 'DNS_PRIVATE', vpc: 'vpc-0123456789abcdef0' }) },
    tags: { a: { team: 'a' }, b: { team: 'b' } },
  },
};
