/** The cluster planner, case by case. */
import { planCluster } from '../../src/reconcile/plan-cluster.js';
import { planContext } from '../../src/reconcile/plan-context.js';
import type { ObservedState } from '../../src/reconcile/observed.js';
import { CLUSTER, liveCluster, liveNamespace, manifests, NAMESPACE, observedWith, one, OPTS } from './plan-fixtures.js';

const desired = manifests(NAMESPACE, CLUSTER);
const cluster = one(desired, 'Cluster', 'default');
const apps = liveNamespace('apps');

function plan(observed: ObservedState) {
  return planCluster(cluster, planContext(desired, observed, OPTS));
}

test.each<[string, () => ObservedState, { outcome: string; ops: string[]; dependsOn?: string[]; reason?: RegExp }]>([
  ['a missing cluster is created after its declared namespace', () => observedWith([apps]), { outcome: 'create', ops: ['createCluster'], dependsOn: ['Namespace/apps'] }],
  ['a cluster with its default namespace set is unchanged', () => observedWith([apps], [liveCluster('default', { serviceConnectNamespace: apps.arn })]), { outcome: 'unchanged', ops: [] }],
  ['a cluster without its default namespace is updated', () => observedWith([apps], [liveCluster('default')]), { outcome: 'update', ops: ['updateCluster'] }],
  [
    'a cluster nobody owns is a conflict',
    () => observedWith([apps], [liveCluster('default', { tags: {} })]),
    { outcome: 'conflict', ops: [], reason: /not managed by switchboard/ },
  ],
  [
    'unreadable clusters block the plan',
    () => {
      const o = observedWith([apps]);
      o.unavailable.clusters = { message: 'down', category: 'Transient' };
      return o;
    },
    { outcome: 'blocked', ops: [], reason: /ECS clusters could not be read/ },
  ],
])('%s', (_name, observed, want) => {
  const p = plan(observed());
  expect(p.outcome).toBe(want.outcome);
  expect(p.steps.map((s) => s.op)).toEqual(want.ops);
  if (want.dependsOn) expect(p.dependsOn).toEqual(want.dependsOn);
  if (want.reason) expect(p.reason).toMatch(want.reason);
});

test('tags the manifest states are added, and no others removed when it states none', () => {
  const tagged = manifests(NAMESPACE, `${CLUSTER}  tags: {team: a}\n`);
  const p = planCluster(one(tagged, 'Cluster', 'default'), planContext(tagged, observedWith([apps], [liveCluster('default', { serviceConnectNamespace: apps.arn })]), OPTS));
  expect(p.steps).toEqual([{ op: 'tagEcs', arn: liveCluster('default').arn, add: { team: 'a' }, remove: [] }]);
});

test('adopting a cluster tags it as ours before updating it, so a policy that allows changes only on owned clusters lets the update through', () => {
  const adopted = manifests(NAMESPACE, CLUSTER.replace('metadata: {name: default}', 'metadata: {name: default, annotations: {switchboard.dev/adopt: "true"}}'));
  const p = planCluster(one(adopted, 'Cluster', 'default'), planContext(adopted, observedWith([apps], [liveCluster('default', { tags: {} })]), OPTS));
  expect(p.steps.map((s) => s.op)).toEqual(['tagEcs', 'updateCluster']);
});
