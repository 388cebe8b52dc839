/**
 * `import` on fleets made by raw AWS calls: the round trip holds (import -> validate -> plan shows
 * only adoption -> apply only tags -> "No changes."), and what has no faithful manifest is warned
 * about, never silently changed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DeregisterTaskDefinitionCommand, DescribeServicesCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { createRawFleet } from '../helpers/raw-fleet.js';
import { useSimWorld } from '../helpers/sim-world.js';
import { expectRoundTrip } from '../helpers/round-trip.js';
import { everythingFleet } from './fleets.js';

const w = useSimWorld();

function read(dir: string, file: string): string {
  return readFileSync(path.join(dir, file), 'utf8');
}

test('a fleet of Fargate and EC2, awsvpc and bridge, every Service Connect setting, load balancers, placement and a FireLens sidecar round-trips', async () => {
  await createRawFleet(w.aws, everythingFleet);
  const dir = path.join(w.dir, 'out');
  const trip = await expectRoundTrip(w.sim, dir, ['--cluster', 'shop', '--cluster', 'legacy']);
  expect(trip.imported.stderr).toContain('import: wrote 8 files to');
  expect(trip.imported.stderr).toContain('6 services, 6 task definitions, 1 namespace, 2 clusters');

  // What has no faithful manifest is said, and no secret value is ever printed.
  const stderr = trip.imported.stderr;
  expect(stderr).toMatch(/Namespace\/legacy\.internal: not imported: the VPC of a DNS_PRIVATE namespace cannot be read/);
  expect(stderr).toMatch(/TaskDefinition\/web: container web sets SESSION_SECRET as plain environment values; .*`secrets` with `valueFrom`/);
  expect(stderr).not.toContain('plain-text-session-secret');
  expect(stderr).not.toMatch(/does not validate|does not reproduce/);

  // A cluster's configuration and capacity providers are reconciled: written as they are live.
  const clusters = read(dir, 'clusters.yaml');
  expect(clusters).toMatch(/capacityProviders:\n\s+- FARGATE\n\s+- FARGATE_SPOT/);
  expect(clusters).toMatch(/configuration:\n\s+executeCommandConfiguration:\n\s+logging: DEFAULT/);
  expect(clusters).not.toContain('# Left out');
  expect(clusters).toMatch(/settings:\n\s+- name: containerInsights\n\s+value: enabled/);

  // Service Connect as written, defaults left out; a daemon states no desired count.
  const web = read(dir, 'services/web.yaml');
  for (const text of ['discoveryName: storefront', 'dnsName: www.shop', 'ingressPortOverride: 18080', 'perRequestTimeoutSeconds: 30', 'awsPcaAuthorityArn:', 'includeQueryParameters: ENABLED', 'condition: START', 'type: fluentbit', 'valueFrom:']) {
    expect(web).toContain(text);
  }
  // The proxy's log level is reconciled: written, not left out in a comment.
  expect(web).toMatch(/^\s+containerConfigurations:\n\s+- logLevel: debug$/m);
  expect(web).not.toContain('#   serviceConnectConfiguration.containerConfigurations');
  expect(read(dir, 'services/api.yaml')).not.toMatch(/discoveryName|dnsName|includeQueryParameters/);
  expect(read(dir, 'services/node-agent.yaml')).not.toContain('desiredCount');
  expect(read(dir, 'services/batch.yaml')).toMatch(/role: arn:aws:iam::123456789012:role\/ecsServiceRole/);
  expect(read(dir, 'services/legacy-api.yaml')).toContain('namespace: legacy.internal');
});

test('two services of one family at different revisions: the newest is a TaskDefinition, the other names its revision, with a warning', async () => {
  await createRawFleet(w.aws, {
    clusters: [{ clusterName: 'jobs' }],
    taskDefinitions: [
      { family: 'job', containerDefinitions: [{ name: 'job', image: 'busybox:1.35', memory: 64 }] },
      { family: 'job', containerDefinitions: [{ name: 'job', image: 'busybox:1.36', memory: 64 }] },
    ],
    services: [
      { cluster: 'jobs', serviceName: 'nightly', taskDefinition: 'job:1', desiredCount: 1 },
      { cluster: 'jobs', serviceName: 'hourly', taskDefinition: 'job:2', desiredCount: 1 },
    ],
  });
  const dir = path.join(w.dir, 'out');
  const trip = await expectRoundTrip(w.sim, dir, ['--cluster', 'jobs']);
  expect(trip.imported.stderr).toMatch(/Service\/nightly: runs job:1 but the newest ACTIVE revision is job:2; .*names job:1 explicitly/);
  expect(read(dir, 'services/nightly.yaml')).toContain('taskDefinition: job:1');
  expect(read(dir, 'services/hourly.yaml')).toMatch(/kind: TaskDefinition\nmetadata:\n {2}name: job\n[\s\S]*image: busybox:1.36[\s\S]*taskDefinition: job\n/);
});

test('a service whose family moved on since it was deployed keeps the revision it runs', async () => {
  await createRawFleet(w.aws, {
    clusters: [{ clusterName: 'jobs' }],
    taskDefinitions: [{ family: 'job', containerDefinitions: [{ name: 'job', image: 'busybox:1.35', memory: 64 }] }],
    services: [{ cluster: 'jobs', serviceName: 'nightly', taskDefinition: 'job', desiredCount: 1 }],
  });
  await w.aws.ecs.send(new RegisterTaskDefinitionCommand({ family: 'job', containerDefinitions: [{ name: 'job', image: 'busybox:1.37', memory: 64 }] }));
  const dir = path.join(w.dir, 'out');
  const trip = await expectRoundTrip(w.sim, dir, ['--cluster', 'jobs']);
  expect(trip.imported.stderr).toContain('Service/nightly: runs job:1 but the newest ACTIVE revision is job:2');
  expect(trip.imported.stderr).toContain('0 task definitions');
});

test('a fleet partly owned by another controller: its resources are skipped with a warning, the rest round-trips', async () => {
  const other = [{ key: 'switchboard.dev/managed-by', value: 'payments-team' }, { key: 'switchboard.dev/resource', value: 'Service/billing' }];
  await createRawFleet(w.aws, {
    namespaces: [
      { Name: 'shared', type: 'HTTP', Tags: [{ Key: 'switchboard.dev/managed-by', Value: 'payments-team' }, { Key: 'switchboard.dev/resource', Value: 'Namespace/shared' }] },
    ],
    clusters: [{ clusterName: 'mixed', tags: [{ key: 'switchboard.dev/managed-by', value: 'payments-team' }, { key: 'switchboard.dev/resource', value: 'Cluster/mixed' }] }],
    taskDefinitions: [
      { family: 'billing', containerDefinitions: [{ name: 'billing', image: 'busybox', memory: 64 }], tags: [{ key: 'switchboard.dev/managed-by', value: 'payments-team' }, { key: 'switchboard.dev/resource', value: 'TaskDefinition/billing' }] },
      { family: 'ledger', containerDefinitions: [{ name: 'ledger', image: 'busybox', memory: 64, portMappings: [{ name: 'ledger', containerPort: 80, appProtocol: 'http' }] }], tags: [{ key: 'switchboard.dev/managed-by', value: 'payments-team' }, { key: 'switchboard.dev/resource', value: 'TaskDefinition/ledger' }] },
      { family: 'reports', containerDefinitions: [{ name: 'reports', image: 'busybox', memory: 64 }] },
    ],
    services: [
      { cluster: 'mixed', serviceName: 'billing', taskDefinition: 'billing', desiredCount: 1, tags: other },
      { cluster: 'mixed', serviceName: 'ledger', taskDefinition: 'ledger', desiredCount: 1, serviceConnectConfiguration: { enabled: true, namespace: 'shared', services: [{ portName: 'ledger' }] } },
      { cluster: 'mixed', serviceName: 'reports', taskDefinition: 'reports', desiredCount: 1, serviceConnectConfiguration: { enabled: true, namespace: 'shared' } },
    ],
  });
  const dir = path.join(w.dir, 'out');
  const trip = await expectRoundTrip(w.sim, dir, ['--cluster', 'mixed']);
  const stderr = trip.imported.stderr;
  expect(stderr).toContain('Service/billing: skipped: service billing in cluster mixed is managed by controller "payments-team"');
  expect(stderr).toContain('Cluster/mixed: skipped: cluster mixed is managed by controller "payments-team"');
  expect(stderr).toContain('Namespace/shared: skipped: namespace shared is managed by controller "payments-team"');
  expect(stderr).toContain('Service/ledger: its task definition family ledger is managed by controller "payments-team"; the service names ledger:1');
  expect(trip.adopted.map((r) => r.key).sort()).toEqual(['Service/ledger', 'Service/reports']);
  // Nothing of the other controller's was touched.
  const billing = await w.aws.ecs.send(new DescribeServicesCommand({ cluster: 'mixed', services: ['billing'], include: ['TAGS'] }));
  expect(billing.services?.[0]?.tags).toEqual(other);
});

test('services of one name in two clusters, a deregistered revision, and volumes configured at launch: warned about, the rest round-trips', async () => {
  const td = (family: string) => ({ family, containerDefinitions: [{ name: family, image: 'busybox', memory: 64 }] });
  await createRawFleet(w.aws, {
    clusters: [{ clusterName: 'blue' }, { clusterName: 'green' }],
    taskDefinitions: [
      td('edge'),
      td('old'),
      {
        family: 'store',
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'store', image: 'busybox', mountPoints: [{ sourceVolume: 'data', containerPath: '/data' }] }],
        volumes: [{ name: 'data', configuredAtLaunch: true }],
      },
    ],
    services: [
      { cluster: 'blue', serviceName: 'edge', taskDefinition: 'edge', desiredCount: 1 },
      { cluster: 'green', serviceName: 'edge', taskDefinition: 'edge', desiredCount: 2 },
      { cluster: 'blue', serviceName: 'legacy', taskDefinition: 'old', desiredCount: 1 },
      {
        cluster: 'blue',
        serviceName: 'store',
        taskDefinition: 'store',
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0aaaaaaaaaaaaaaa1'] } },
        volumeConfigurations: [{ name: 'data', managedEBSVolume: { roleArn: 'arn:aws:iam::123456789012:role/ebs', sizeInGiB: 20 } }],
      },
    ],
  });
  await w.aws.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'old:1' }));
  const dir = path.join(w.dir, 'out');
  const trip = await expectRoundTrip(w.sim, dir, ['--cluster', 'blue', '--cluster', 'green']);
  const stderr = trip.imported.stderr;
  expect(stderr).toContain('Service/edge: skipped in cluster green: a Service manifest is named after its service, and Service/edge is already imported from cluster blue');
  expect(stderr).toContain('Service/legacy: runs old:1 but the family has no ACTIVE revision');
  expect(read(dir, 'services/legacy.yaml')).toContain('taskDefinition: old:1');
  // Compared with the PRIMARY deployment, where AWS returns it: written.
  expect(read(dir, 'services/store.yaml')).toMatch(/volumeConfigurations:\n\s+- name: data\n\s+managedEBSVolume:/);
});
