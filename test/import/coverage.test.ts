/**
 * The import's field table (src/import/coverage.ts) against what the planner does: a field the
 * table says is reconciled shows a change when the manifest differs from live state, a replace
 * field plans a replacement, and a field left out is one the planner would never compare. When the
 * planner starts (or stops) comparing a field, this fails until the table follows.
 */
import { CLUSTER_FIELDS, CLUSTER_WRITTEN_APART, SERVICE_FIELDS, SERVICE_WRITTEN_APART } from '../../src/import/coverage.js';
import { COVERAGE } from '../../src/manifests/coverage/table.js';
import type { ClusterSpec, DesiredResourceOf, ServiceSpec } from '../../src/manifests/model.js';
import { emptyObservedState, serviceKey } from '../../src/reconcile/observed.js';
import { planChanges } from '../../src/reconcile/plan.js';
import type { JsonObject, JsonValue, LiveService } from '../../src/reconcile/ports.js';

const ARN = 'arn:aws:ecs:us-east-1:123456789012';

/** Two valid values of each Service field: the live one, and the one the manifest states. */
const SAMPLES: Record<string, [JsonValue, JsonValue]> = {
  launchType: ['EC2', 'FARGATE'],
  capacityProviderStrategy: [[{ capacityProvider: 'FARGATE', weight: 1 }], [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }]],
  platformVersion: ['1.4.0', '1.3.0'],
  schedulingStrategy: ['REPLICA', 'DAEMON'],
  desiredCount: [1, 2],
  role: ['arn:aws:iam::123456789012:role/a', 'arn:aws:iam::123456789012:role/b'],
  networkConfiguration: [{ awsvpcConfiguration: { subnets: ['subnet-1'] } }, { awsvpcConfiguration: { subnets: ['subnet-2'] } }],
  loadBalancers: [[{ targetGroupArn: 'arn:tg/a', containerName: 'app', containerPort: 80 }], [{ targetGroupArn: 'arn:tg/a', containerName: 'app', containerPort: 81 }]],
  serviceRegistries: [[{ registryArn: 'arn:sr/a' }], [{ registryArn: 'arn:sr/b' }]],
  healthCheckGracePeriodSeconds: [10, 20],
  deploymentController: [{ type: 'ECS' }, { type: 'CODE_DEPLOY' }],
  deploymentConfiguration: [{ maximumPercent: 200 }, { maximumPercent: 150 }],
  placementConstraints: [[{ type: 'distinctInstance' }], [{ type: 'memberOf', expression: 'attribute:x == y' }]],
  placementStrategy: [[{ type: 'random' }], [{ type: 'binpack', field: 'memory' }]],
  availabilityZoneRebalancing: ['ENABLED', 'DISABLED'],
  propagateTags: ['NONE', 'SERVICE'],
  enableECSManagedTags: [false, true],
  enableExecuteCommand: [false, true],
  gatewayConnectors: [[{ portName: 'a' }], [{ portName: 'b' }]],
  monitoring: [{ metricConfigurations: [] }, { metricConfigurations: [{ metricNames: ['CPUUtilization'], resolutionSeconds: 10 }] }],
};

function liveService(raw: JsonObject): LiveService {
  return {
    cluster: 'c',
    clusterArn: `${ARN}:cluster/c`,
    name: 's',
    arn: `${ARN}:service/c/s`,
    status: 'ACTIVE',
    taskDefinition: `${ARN}:task-definition/app:1`,
    desiredCount: 1,
    runningCount: 1,
    raw,
    deployments: [{ id: 'ecs-svc/1', status: 'PRIMARY', rolloutState: 'COMPLETED', taskDefinition: `${ARN}:task-definition/app:1`, desiredCount: 1, runningCount: 1, failedTasks: 0, serviceConnectResources: [] }],
    events: [],
    tags: { 'switchboard.dev/managed-by': 'switchboard', 'switchboard.dev/resource': 'Service/s' },
  };
}

function planField(field: string, live: JsonValue, stated: JsonValue) {
  const liveName = SERVICE_FIELDS[field]?.liveName ?? field;
  const observed = emptyObservedState();
  observed.services.set(serviceKey('c', 's'), liveService({ [liveName]: live }));
  const resource: DesiredResourceOf<'Service'> = {
    kind: 'Service',
    name: 's',
    key: 'Service/s',
    metadata: { name: 's' },
    spec: { cluster: 'c', taskDefinition: 'app:1', [field]: stated } as unknown as ServiceSpec,
    source: { file: 'x.yaml', line: 1, column: 1 },
  };
  const plan = planChanges([resource], observed, { controllerId: 'switchboard', defaultCluster: 'c', prune: false, allowReplace: false, allowEmpty: false, maxPrune: 10, sourceHealthy: true });
  const p = plan.resources.find((r) => r.key === 'Service/s');
  return { outcome: p?.outcome, paths: (p?.changes ?? []).map((c) => c.path) };
}

test('every Service field read from the Service object has two sample values', () => {
  expect(Object.keys(SAMPLES).sort()).toEqual(
    Object.entries(SERVICE_FIELDS)
      .filter(([, how]) => !how.onDeployment)
      .map(([field]) => field)
      .sort(),
  );
});

describe.each(Object.entries(SERVICE_FIELDS).filter(([, how]) => !how.onDeployment))('Service field %s', (field, how) => {
  const [live, stated] = SAMPLES[field] ?? [null, null];
  test(`is ${how.coverage} by the planner`, () => {
    const same = planField(field, live, live);
    const changed = planField(field, live, stated);
    switch (how.coverage) {
      case 'reconciled':
        expect(same.outcome).toBe('unchanged');
        expect(changed.outcome).toBe('update');
        expect(changed.paths.some((p) => p === field || p.startsWith(`${field}.`) || p.startsWith(`${field}[`))).toBe(true);
        break;
      case 'replace':
        expect(same.outcome).toBe('unchanged');
        expect(changed.outcome).toBe('replace');
        break;
      case 'unreconciled':
        // Never compared: a manifest stating it would promise what the controller does not keep.
        expect(changed.outcome).toBe('unchanged');
        break;
      default: {
        const never: never = how.coverage;
        throw new Error(String(never));
      }
    }
  });
});

const CLUSTER_SAMPLES: Record<string, [JsonValue, JsonValue]> = {
  configuration: [{ executeCommandConfiguration: { logging: 'DEFAULT' } }, { executeCommandConfiguration: { logging: 'NONE' } }],
  capacityProviders: [['FARGATE'], ['FARGATE', 'FARGATE_SPOT']],
  defaultCapacityProviderStrategy: [[{ capacityProvider: 'FARGATE', weight: 1 }], [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }]],
};

test.each(Object.entries(CLUSTER_FIELDS))('Cluster field %s is treated by the planner as import says', (field, how) => {
  const [live, stated] = CLUSTER_SAMPLES[field] ?? [null, null];
  const planOf = (value: JsonValue) => {
    const observed = emptyObservedState();
    const tags = { 'switchboard.dev/managed-by': 'switchboard', 'switchboard.dev/resource': 'Cluster/c' };
    observed.clusters.set('c', { name: 'c', arn: `${ARN}:cluster/c`, status: 'ACTIVE', settings: [], tags, raw: { [field]: live } });
    const resource: DesiredResourceOf<'Cluster'> = {
      kind: 'Cluster',
      name: 'c',
      key: 'Cluster/c',
      metadata: { name: 'c' },
      spec: { clusterName: 'c', [field]: value } as unknown as ClusterSpec,
      source: { file: 'x.yaml', line: 1, column: 1 },
    };
    const plan = planChanges([resource], observed, { controllerId: 'switchboard', defaultCluster: 'c', prune: false, allowReplace: false, allowEmpty: false, maxPrune: 10, sourceHealthy: true });
    return plan.resources.find((r) => r.key === 'Cluster/c')?.outcome;
  };
  expect(planOf(live)).toBe('unchanged');
  expect(planOf(stated)).toBe(how.coverage === 'reconciled' ? 'update' : 'unchanged');
});

test('the import tables name every top-level Service and Cluster field of the coverage contract, once', () => {
  const top = (kind: 'Service' | 'Cluster') => Object.keys(COVERAGE[kind]).filter((p) => !p.includes('.') && !p.includes('[')).sort();
  expect([...Object.keys(SERVICE_FIELDS), ...SERVICE_WRITTEN_APART].sort()).toEqual(top('Service'));
  expect([...Object.keys(CLUSTER_FIELDS), ...CLUSTER_WRITTEN_APART].sort()).toEqual(top('Cluster'));
});
