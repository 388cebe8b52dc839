/**
 * Fleets made by raw AWS calls, covering what `import` must bring under management: Fargate and
 * EC2; awsvpc and bridge; client-only and client-server Service Connect with tls, timeouts, proxy
 * logs and access logs; custom discovery names and aliases; services without Service Connect;
 * capacity provider strategies; load balancers; placement constraints and strategies; secrets;
 * several containers with dependsOn; a FireLens log router sidecar; a daemon.
 */
import type { ContainerDefinition, LogConfiguration } from '@aws-sdk/client-ecs';
import type { RawFleet } from '../helpers/raw-fleet.js';

const account = '123456789012';
const executionRoleArn = `arn:aws:iam::${account}:role/ecsTaskExecutionRole`;
const taskRoleArn = `arn:aws:iam::${account}:role/shop-task`;
const subnets = ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'];
const securityGroups = ['sg-0bbbbbbbbbbbbbbb1'];
const proxyLogs = (prefix: string): LogConfiguration => ({ logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/shop/proxy', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': prefix } });

/** A FireLens log router and an app that waits for it, as the console's FireLens option writes them. */
function firelensContainers(app: ContainerDefinition): ContainerDefinition[] {
  return [
    {
      name: 'log_router',
      image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable',
      essential: true,
      firelensConfiguration: { type: 'fluentbit', options: { 'enable-ecs-log-metadata': 'true' } },
      memoryReservation: 50,
      user: '0',
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/shop/firelens', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'firelens' } },
    },
    {
      ...app,
      dependsOn: [{ containerName: 'log_router', condition: 'START' }],
      logConfiguration: { logDriver: 'awsfirelens', options: { Name: 'cloudwatch_logs', region: 'us-east-1', log_group_name: '/ecs/shop/app', auto_create_group: 'false' } },
    },
  ];
}

export const everythingFleet: RawFleet = {
  namespaces: [
    { Name: 'shop', type: 'HTTP', Description: 'Shop services', Tags: [{ Key: 'team', Value: 'shop' }] },
    { Name: 'legacy.internal', type: 'DNS_PRIVATE', Vpc: 'vpc-0ccccccccccccccc1' },
  ],
  clusters: [
    {
      clusterName: 'shop',
      capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
      defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
      settings: [{ name: 'containerInsights', value: 'enabled' }],
      configuration: { executeCommandConfiguration: { logging: 'DEFAULT' } },
      serviceConnectDefaults: { namespace: 'shop' },
      tags: [{ key: 'team', value: 'shop' }, { key: 'cost-center', value: '1234' }],
    },
    { clusterName: 'legacy' },
  ],
  logGroups: ['/ecs/shop/proxy', '/ecs/shop/firelens', '/ecs/legacy/batch'],
  taskDefinitions: [
    {
      family: 'web',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '1024',
      memory: '2048',
      executionRoleArn,
      taskRoleArn,
      runtimePlatform: { cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' },
      containerDefinitions: [
        ...firelensContainers({
          name: 'web',
          image: `${account}.dkr.ecr.us-east-1.amazonaws.com/web:2024.11.1`,
          essential: true,
          portMappings: [
            { name: 'web-http', containerPort: 8080, protocol: 'tcp', appProtocol: 'http' },
            { name: 'metrics', containerPort: 9100 },
          ],
          environment: [
            { name: 'LOG_LEVEL', value: 'info' },
            { name: 'SESSION_SECRET', value: 'plain-text-session-secret' },
          ],
          secrets: [{ name: 'DB_PASSWORD', valueFrom: `arn:aws:secretsmanager:us-east-1:${account}:secret:shop/db-AbCdEf` }],
          healthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost:8080/health || exit 1'], interval: 15, retries: 3, startPeriod: 10, timeout: 5 },
          ulimits: [{ name: 'nofile', softLimit: 65536, hardLimit: 65536 }],
        }),
      ],
      tags: [{ key: 'team', value: 'shop' }],
    },
    {
      family: 'api',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '512',
      memory: '1024',
      executionRoleArn,
      containerDefinitions: [
        {
          name: 'api',
          image: `${account}.dkr.ecr.us-east-1.amazonaws.com/api:7`,
          portMappings: [{ name: 'api-grpc', containerPort: 50051, appProtocol: 'grpc' }],
          environment: [{ name: 'DB_HOST', value: 'db.internal' }],
          stopTimeout: 60,
        },
        { name: 'migrate', image: `${account}.dkr.ecr.us-east-1.amazonaws.com/api:7`, essential: false, command: ['migrate', 'up'] },
      ],
    },
    {
      family: 'worker',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      executionRoleArn,
      containerDefinitions: [
        {
          name: 'worker',
          image: `${account}.dkr.ecr.us-east-1.amazonaws.com/worker:3`,
          environment: [{ name: 'QUEUE', value: 'orders' }],
          logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/shop/proxy', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'worker' } },
        },
      ],
      ephemeralStorage: { sizeInGiB: 30 },
    },
    {
      family: 'batch',
      requiresCompatibilities: ['EC2'],
      networkMode: 'bridge',
      containerDefinitions: [
        {
          name: 'batch',
          image: 'public.ecr.aws/docker/library/busybox:1.36',
          memory: 256,
          cpu: 128,
          portMappings: [{ containerPort: 8000, hostPort: 0 }],
          links: ['sidecar'],
          mountPoints: [{ sourceVolume: 'scratch', containerPath: '/scratch' }],
          logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/legacy/batch', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'batch' } },
        },
        { name: 'sidecar', image: 'public.ecr.aws/docker/library/busybox:1.36', memoryReservation: 64, essential: false },
      ],
      volumes: [{ name: 'scratch', host: { sourcePath: '/var/scratch' } }],
      placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t3.*' }],
    },
    {
      family: 'legacy-api',
      requiresCompatibilities: ['EC2'],
      networkMode: 'awsvpc',
      memory: '512',
      containerDefinitions: [{ name: 'legacy-api', image: 'public.ecr.aws/nginx/nginx:1.27', portMappings: [{ name: 'legacy-http', containerPort: 80, appProtocol: 'http' }] }],
    },
    {
      family: 'node-agent',
      networkMode: 'host',
      containerDefinitions: [{ name: 'agent', image: 'public.ecr.aws/docker/library/busybox:1.36', memory: 64, command: ['sleep', 'infinity'] }],
    },
  ],
  services: [
    {
      cluster: 'shop',
      serviceName: 'web',
      taskDefinition: 'web',
      desiredCount: 3,
      capacityProviderStrategy: [
        { capacityProvider: 'FARGATE', base: 1, weight: 1 },
        { capacityProvider: 'FARGATE_SPOT', weight: 3 },
      ],
      networkConfiguration: { awsvpcConfiguration: { subnets, securityGroups, assignPublicIp: 'DISABLED' } },
      loadBalancers: [{ targetGroupArn: `arn:aws:elasticloadbalancing:us-east-1:${account}:targetgroup/web/0123456789abcdef`, containerName: 'web', containerPort: 8080 }],
      healthCheckGracePeriodSeconds: 60,
      deploymentConfiguration: { maximumPercent: 150, minimumHealthyPercent: 50, deploymentCircuitBreaker: { enable: true, rollback: true } },
      enableExecuteCommand: true,
      propagateTags: 'SERVICE',
      enableECSManagedTags: true,
      serviceConnectConfiguration: {
        enabled: true,
        namespace: 'shop',
        services: [
          {
            portName: 'web-http',
            discoveryName: 'storefront',
            clientAliases: [{ port: 80, dnsName: 'www.shop' }],
            ingressPortOverride: 18080,
            timeout: { idleTimeoutSeconds: 120, perRequestTimeoutSeconds: 30 },
            tls: {
              issuerCertificateAuthority: { awsPcaAuthorityArn: `arn:aws:acm-pca:us-east-1:${account}:certificate-authority/11111111-2222-3333-4444-555555555555` },
              kmsKey: `arn:aws:kms:us-east-1:${account}:key/66666666-7777-8888-9999-000000000000`,
              roleArn: `arn:aws:iam::${account}:role/service-connect-tls`,
            },
          },
        ],
        logConfiguration: proxyLogs('web'),
        accessLogConfiguration: { format: 'JSON', includeQueryParameters: 'ENABLED' },
        containerConfigurations: [{ logLevel: 'debug' }],
      },
      tags: [{ key: 'team', value: 'shop' }, { key: 'tier', value: 'frontend' }],
    },
    {
      cluster: 'shop',
      serviceName: 'api',
      taskDefinition: 'api',
      desiredCount: 2,
      launchType: 'FARGATE',
      platformVersion: '1.4.0',
      networkConfiguration: { awsvpcConfiguration: { subnets, securityGroups } },
      serviceConnectConfiguration: {
        enabled: true,
        services: [{ portName: 'api-grpc', clientAliases: [{ port: 50051 }], timeout: { perRequestTimeoutSeconds: 15 } }],
        logConfiguration: proxyLogs('api'),
        accessLogConfiguration: { format: 'TEXT' },
      },
    },
    {
      cluster: 'shop',
      serviceName: 'worker',
      taskDefinition: 'worker',
      desiredCount: 1,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: [subnets[0] ?? ''], securityGroups, assignPublicIp: 'ENABLED' } },
      serviceConnectConfiguration: { enabled: true, namespace: 'shop' },
      tags: [{ key: 'team', value: 'shop' }],
    },
    {
      cluster: 'legacy',
      serviceName: 'batch',
      taskDefinition: 'batch',
      desiredCount: 2,
      launchType: 'EC2',
      role: 'ecsServiceRole',
      loadBalancers: [{ loadBalancerName: 'legacy-elb', containerName: 'batch', containerPort: 8000 }],
      placementConstraints: [{ type: 'distinctInstance' }],
      placementStrategy: [
        { type: 'spread', field: 'attribute:ecs.availability-zone' },
        { type: 'binpack', field: 'memory' },
      ],
      deploymentConfiguration: { maximumPercent: 100, minimumHealthyPercent: 50 },
    },
    {
      cluster: 'legacy',
      serviceName: 'legacy-api',
      taskDefinition: 'legacy-api',
      desiredCount: 1,
      launchType: 'EC2',
      networkConfiguration: { awsvpcConfiguration: { subnets, securityGroups } },
      serviceConnectConfiguration: { enabled: true, namespace: 'legacy.internal', services: [{ portName: 'legacy-http' }] },
    },
    {
      cluster: 'legacy',
      serviceName: 'node-agent',
      taskDefinition: 'node-agent',
      schedulingStrategy: 'DAEMON',
      launchType: 'EC2',
    },
  ],
};

const walkthroughSubnets = ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'];
const walkthroughSecurityGroups = ['sg-0123456789abcdef0'];
export const walkthroughExecutionRoleArn = 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole';
const awslogs = (group: string, prefix: string) => ({ logDriver: 'awslogs' as const, options: { 'awslogs-group': group, 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': prefix } });

/** The walkthrough as the console creates it: what it sends, including the defaults it fills in. */
export const consoleWalkthrough: RawFleet = {
  namespaces: [{ Name: 'test-namespace', type: 'HTTP', Description: 'Service Connect walkthrough', Tags: [{ Key: 'team', Value: 'platform' }] }],
  clusters: [{ clusterName: 'default', serviceConnectDefaults: { namespace: 'test-namespace' }, tags: [{ key: 'team', value: 'platform' }] }],
  logGroups: ['/ecs/curl', '/ecs/nginx', '/ecs/service-connect-proxy'],
  taskDefinitions: [
    {
      family: 'nginx',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      executionRoleArn: walkthroughExecutionRoleArn,
      containerDefinitions: [
        {
          name: 'nginx',
          image: 'public.ecr.aws/nginx/nginx:1.27',
          essential: true,
          portMappings: [{ name: 'nginx-80-tcp', containerPort: 80, hostPort: 80, protocol: 'tcp', appProtocol: 'http' }],
          environment: [],
          logConfiguration: awslogs('/ecs/nginx', 'nginx'),
        },
      ],
      tags: [{ key: 'team', value: 'platform' }],
    },
    {
      family: 'curl',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      executionRoleArn: walkthroughExecutionRoleArn,
      containerDefinitions: [
        {
          name: 'curl',
          image: 'public.ecr.aws/docker/library/alpine:3.20',
          essential: true,
          command: ['sh', '-c', 'apk add --no-cache curl && while true; do curl -sS http://nginx-80-tcp.test-namespace:80/ -o /dev/null -w "%{http_code}\\n"; sleep 10; done'],
          logConfiguration: awslogs('/ecs/curl', 'curl'),
        },
      ],
    },
  ],
  services: [
    {
      cluster: 'default',
      serviceName: 'nginx',
      taskDefinition: 'nginx',
      desiredCount: 1,
      launchType: 'FARGATE',
      platformVersion: 'LATEST',
      networkConfiguration: { awsvpcConfiguration: { subnets: walkthroughSubnets, securityGroups: walkthroughSecurityGroups, assignPublicIp: 'DISABLED' } },
      deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200, deploymentCircuitBreaker: { enable: true, rollback: true } },
      serviceConnectConfiguration: {
        enabled: true,
        namespace: 'test-namespace',
        services: [{ portName: 'nginx-80-tcp', discoveryName: 'nginx-80-tcp', clientAliases: [{ port: 80, dnsName: 'nginx-80-tcp.test-namespace' }] }],
        logConfiguration: awslogs('/ecs/service-connect-proxy', 'nginx'),
      },
      tags: [{ key: 'team', value: 'platform' }],
    },
    {
      cluster: 'default',
      serviceName: 'curl',
      taskDefinition: 'curl',
      desiredCount: 1,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: walkthroughSubnets, securityGroups: walkthroughSecurityGroups } },
      serviceConnectConfiguration: { enabled: true, namespace: 'test-namespace', logConfiguration: awslogs('/ecs/service-connect-proxy', 'curl') },
    },
  ],
};
