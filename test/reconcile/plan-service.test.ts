/** The service planner, case by case. */
import { serviceKey, type ObservedState } from '../../src/reconcile/observed.js';
import { planContext, type PlanOptions } from '../../src/reconcile/plan-context.js';
import { planService } from '../../src/reconcile/plan-service.js';
import { CLUSTER, liveCluster, liveNamespace, liveServiceFor, manifests, NAMESPACE, observedWith, one, OPTS, service, taskDefinition, taskDefinitionArn } from './plan-fixtures.js';

const apps = liveNamespace('apps');

interface Case {
  name: string;
  /** The Service manifest's extra spec lines. */
  extra?: string;
  /** Changes to the in-sync live state (none: the service does not exist). */
  live?: (o: ObservedState) => void;
  exists?: boolean;
  opts?: Partial<PlanOptions>;
  want: { outcome: string; ops: string[]; reason?: RegExp; paths?: string[] };
}

function planFor(c: Pick<Case, 'extra' | 'live' | 'exists' | 'opts'>) {
  const desired = manifests(NAMESPACE, CLUSTER, taskDefinition('web'), service('web', { server: true, ...(c.extra ? { extra: c.extra } : {}) }));
  const observed = observedWith([apps], [liveCluster('default', { serviceConnectNamespace: apps.arn })]);
  if (c.exists !== false) {
    liveServiceFor(one(desired, 'Service', 'web'), one(desired, 'TaskDefinition', 'web'), observed);
    c.live?.(observed);
  }
  return planService(one(desired, 'Service', 'web'), planContext(desired, observed, { ...OPTS, ...c.opts }));
}

function live(o: ObservedState) {
  const s = o.services.get(serviceKey('default', 'web'));
  if (!s) throw new Error('no live service');
  return s;
}

const cases: Case[] = [
  { name: 'a missing service is created', exists: false, want: { outcome: 'create', ops: ['createService'] } },
  { name: 'a service in sync is unchanged', want: { outcome: 'unchanged', ops: [] } },
  {
    name: 'a desiredCount changed out of band is set back',
    live: (o) => {
      live(o).raw.desiredCount = 3;
    },
    want: { outcome: 'update', ops: ['updateService'], paths: ['desiredCount'] },
  },
  {
    name: 'a field the manifest leaves out is not managed',
    live: (o) => {
      live(o).raw.healthCheckGracePeriodSeconds = 30;
    },
    want: { outcome: 'unchanged', ops: [] },
  },
  {
    name: 'Service Connect turned off out of band is turned on again',
    live: (o) => {
      const d = live(o).deployments[0];
      if (d) d.serviceConnectConfiguration = { enabled: false };
    },
    want: { outcome: 'update', ops: ['updateService'] },
  },
  {
    name: 'another task definition running is replaced by the manifest one',
    live: (o) => {
      const s = live(o);
      s.taskDefinition = taskDefinitionArn('web', 7);
    },
    want: { outcome: 'update', ops: ['updateService'], paths: ['taskDefinition'] },
  },
  {
    name: 'a launch type change is a replace, refused without --allow-replace',
    live: (o) => {
      live(o).raw.launchType = 'EC2';
    },
    want: { outcome: 'replace', ops: [], reason: /launchType cannot change in place.*--allow-replace/ },
  },
  {
    name: 'a launch type change with --allow-replace deletes and creates',
    live: (o) => {
      live(o).raw.launchType = 'EC2';
    },
    opts: { allowReplace: true },
    want: { outcome: 'replace', ops: ['deleteService', 'createService'] },
  },
  {
    name: 'a service nobody owns is a conflict',
    live: (o) => {
      live(o).tags = {};
    },
    want: { outcome: 'conflict', ops: [], reason: /switchboard\.dev\/adopt/ },
  },
  {
    name: 'a service whose rollout failed without a rollback is held until the manifest changes',
    live: (o) => {
      const d = live(o).deployments[0];
      if (d) d.rolloutState = 'FAILED';
    },
    want: { outcome: 'blocked', ops: [], reason: /rollout of web:1 failed/ },
  },
  {
    name: 'unreadable services of its cluster block the plan',
    live: (o) => {
      o.unavailable.servicesByCluster.set('default', { message: 'down', category: 'Transient' });
    },
    want: { outcome: 'blocked', ops: [], reason: /services of cluster default could not be read/ },
  },
  {
    name: 'vpcLatticeConfigurations are compared with the PRIMARY deployment, the only place AWS returns them',
    extra: '  vpcLatticeConfigurations: [{roleArn: "arn:aws:iam::1:role/r", targetGroupArn: "arn:aws:vpc-lattice:us-east-1:1:targetgroup/tg-1", portName: web-http}]\n',
    live: (o) => {
      const s = live(o);
      const d = s.deployments[0];
      if (d) d.vpcLatticeConfigurations = s.raw.vpcLatticeConfigurations as never;
      delete s.raw.vpcLatticeConfigurations;
    },
    want: { outcome: 'unchanged', ops: [] },
  },
  {
    name: 'a service on a capacity provider strategy goes back to its launch type in place',
    live: (o) => {
      const s = live(o);
      delete s.raw.launchType;
      s.raw.capacityProviderStrategy = [{ capacityProvider: 'FARGATE_SPOT', weight: 1, base: 0 }];
    },
    want: { outcome: 'update', ops: ['updateService'], paths: ['capacityProviderStrategy'] },
  },
  {
    name: 'missing tags are added without a new deployment',
    extra: '  tags: {team: web}\n',
    want: { outcome: 'update', ops: ['tagEcs'], paths: ['tags.team'] },
  },
];

test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
  const p = planFor(c);
  expect({ outcome: p.outcome, ops: p.steps.map((s) => s.op) }).toEqual({ outcome: c.want.outcome, ops: c.want.ops });
  if (c.want.reason) expect(p.reason).toMatch(c.want.reason);
  if (c.want.paths) expect(p.changes.map((x) => x.path)).toEqual(c.want.paths);
});

test('a service depends on its task definition and namespace manifests, and on a cluster this pass creates', () => {
  const desired = manifests(NAMESPACE, CLUSTER, taskDefinition('web'), service('web', { server: true }));
  const p = planService(one(desired, 'Service', 'web'), planContext(desired, observedWith([apps]), OPTS));
  expect(p.dependsOn.sort()).toEqual(['Cluster/default', 'Namespace/apps', 'TaskDefinition/web']);
});

test('a service in a cluster that does not exist and is not declared is blocked with what to do', () => {
  const desired = manifests(NAMESPACE, taskDefinition('web'), service('web'));
  const observed = observedWith([apps]);
  observed.missingClusters.add('default');
  const p = planService(one(desired, 'Service', 'web'), planContext(desired, observed, OPTS));
  expect(p.outcome).toBe('blocked');
  expect(p.reason).toMatch(/cluster default does not exist: add a Cluster manifest/);
});

// Seen in the lifecycle long run: a Service names a namespace whose manifest went before it was
// ever created; CreateService answered NamespaceNotFoundException on every pass.
test('a service naming a namespace that neither exists nor is declared is blocked with what to do, and sends nothing', () => {
  const plainCluster = 'kind: Cluster\nmetadata: {name: default}\nspec: {}\n';
  const desired = manifests(plainCluster, taskDefinition('web'), service('web', { server: true }));
  const p = planService(one(desired, 'Service', 'web'), planContext(desired, observedWith([]), OPTS));
  expect(p.outcome).toBe('blocked');
  expect(p.steps).toEqual([]);
  expect(p.hold).toEqual({ kind: 'stalled', reason: 'MissingDependency' });
  expect(p.reason).toBe('namespace apps does not exist: add a Namespace manifest named apps, create it, or name an existing one in serviceConnectConfiguration.namespace');
  // Declared (created this pass), or existing: planned as usual.
  expect(planService(one(desired, 'Service', 'web'), planContext(desired, observedWith([apps]), OPTS)).outcome).toBe('create');
  const declared = manifests(NAMESPACE, CLUSTER, taskDefinition('web'), service('web', { server: true }));
  expect(planService(one(declared, 'Service', 'web'), planContext(declared, observedWith([]), OPTS)).outcome).toBe('create');
  // A cluster whose Service Connect default names it: ECS creates the namespace with the cluster.
  const clusterMade = manifests(CLUSTER, taskDefinition('web'), service('web', { server: true }));
  expect(clusterMade.some((r) => r.kind === 'Cluster' && r.spec.serviceConnectDefaults?.namespace === 'apps')).toBe(true);
  expect(planService(one(clusterMade, 'Service', 'web'), planContext(clusterMade, observedWith([]), OPTS)).outcome).toBe('create');
});

test('a created service shows its namespace by name, whether or not the namespace exists yet', () => {
  const desired = manifests(NAMESPACE, CLUSTER, taskDefinition('web'), service('web', { server: true }));
  const shown = (namespaces: ReturnType<typeof liveNamespace>[]) => {
    const p = planService(one(desired, 'Service', 'web'), planContext(desired, observedWith(namespaces), OPTS));
    expect(p.outcome).toBe('create');
    return (p.changes[0]?.new as { serviceConnectConfiguration?: { namespace?: string } }).serviceConnectConfiguration?.namespace;
  };
  expect(shown([])).toBe('apps');
  expect(shown([apps])).toBe('apps');
});

test('moving between launch type and strategy forces a deployment, as the strategy alone starts none', () => {
  const p = planFor({
    live: (o) => {
      const s = live(o);
      delete s.raw.launchType;
      s.raw.capacityProviderStrategy = [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }];
    },
  });
  expect(p.steps[0]).toMatchObject({ op: 'updateService', input: { capacityProviderStrategy: [], forceNewDeployment: true } });
});

test('adopting a service tags it as ours before updating it, so a policy that allows changes only on owned services lets the update through', () => {
  const desired = manifests(NAMESPACE, CLUSTER, taskDefinition('web'), service('web', { server: true, annotations: '{switchboard.dev/adopt: "true"}' }));
  const observed = observedWith([apps], [liveCluster('default', { serviceConnectNamespace: apps.arn })]);
  const s = liveServiceFor(one(desired, 'Service', 'web'), one(desired, 'TaskDefinition', 'web'), observed);
  s.tags = {};
  s.raw.desiredCount = 3;
  const p = planService(one(desired, 'Service', 'web'), planContext(desired, observed, OPTS));
  expect(p.steps.map((st) => st.op)).toEqual(['tagEcs', 'updateService']);
});
