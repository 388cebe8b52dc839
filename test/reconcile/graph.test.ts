/** The one dependency graph the controller and the planner share. */
import { buildDesiredSet } from '../../src/controller/desired-set.js';
import { dependencyGraph, withDependencies } from '../../src/reconcile/graph.js';
import { namespaceIndex } from '../../src/reconcile/normalize-service.js';
import { planChanges } from '../../src/reconcile/plan.js';
import { CLUSTER, liveNamespace, manifests, NAMESPACE, observedWith, OPTS, service, taskDefinition } from './plan-fixtures.js';

const apps = liveNamespace('apps');

test.each<[string, string[], Record<string, string[]>]>([
  [
    'a service depends on its task definition, its namespace and its cluster',
    [NAMESPACE, CLUSTER, taskDefinition('web'), service('web', { server: true })],
    { 'Service/web': ['TaskDefinition/web', 'Namespace/apps', 'Cluster/default'], 'Cluster/default': ['Namespace/apps'] },
  ],
  [
    "a service that names no namespace depends on its cluster's default",
    [NAMESPACE, CLUSTER, taskDefinition('web'), service('web').replace('{enabled: true, namespace: apps}', '{enabled: true}')],
    { 'Service/web': ['TaskDefinition/web', 'Namespace/apps', 'Cluster/default'] },
  ],
  [
    'a namespace named by ARN is found through the live namespaces',
    [NAMESPACE, taskDefinition('web'), service('web').replace('namespace: apps', `namespace: "${apps.arn}"`)],
    { 'Service/web': ['TaskDefinition/web', 'Namespace/apps'] },
  ],
  [
    'a cluster is found by its clusterName, not its manifest name',
    ['kind: Cluster\nmetadata: {name: main}\nspec: {clusterName: prod}\n', taskDefinition('web'), service('web', { extra: '  cluster: prod\n' }).replace('{enabled: true, namespace: apps}', '{enabled: false}')],
    { 'Service/web': ['TaskDefinition/web', 'Cluster/main'] },
  ],
  ['what no manifest declares is no dependency', [taskDefinition('web'), service('web')], { 'Service/web': ['TaskDefinition/web'] }],
])('%s', (_name, docs, want) => {
  const graph = dependencyGraph(manifests(...docs), { defaultCluster: 'default', namespaces: namespaceIndex([apps]) });
  for (const [key, deps] of Object.entries(want)) expect([key, graph.get(key as 'Service/x')]).toEqual([key, deps]);
});

test('withDependencies follows the graph transitively', () => {
  const graph = dependencyGraph(manifests(NAMESPACE, CLUSTER, taskDefinition('web'), service('web')), { defaultCluster: 'default' });
  expect([...withDependencies(['Service/web'], graph)].sort()).toEqual(['Cluster/default', 'Namespace/apps', 'Service/web', 'TaskDefinition/web']);
});

test("the controller's desired set and the planner order by the same edges", () => {
  const desired = manifests(NAMESPACE, CLUSTER, taskDefinition('web'), service('web', { server: true }), taskDefinition('client'), service('client'));
  const set = buildDesiredSet(desired, [], undefined, 'default');
  const plan = planChanges(desired, observedWith([apps]), OPTS);
  for (const p of plan.resources) expect([p.key, [...p.dependsOn].sort()]).toEqual([p.key, [...(set.dependencies.get(p.key) ?? [])].sort()]);
});
