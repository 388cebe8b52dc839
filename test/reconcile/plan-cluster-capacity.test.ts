/** Cluster capacity providers and configuration: compared where DescribeClusters returns them, changed with the call that takes them. */
import { planCluster } from '../../src/reconcile/plan-cluster.js';
import { planContext } from '../../src/reconcile/plan-context.js';
import type { JsonObject } from '../../src/reconcile/ports.js';
import { CLUSTER, liveCluster, liveNamespace, manifests, NAMESPACE, observedWith, one, OPTS } from './plan-fixtures.js';

const apps = liveNamespace('apps');

function plan(extraSpec: string, raw: JsonObject) {
  const desired = manifests(NAMESPACE, `${CLUSTER}${extraSpec}`);
  return planCluster(one(desired, 'Cluster', 'default'), planContext(desired, observedWith([apps], [liveCluster('default', { serviceConnectNamespace: apps.arn, raw })]), OPTS));
}

const live = { capacityProviders: ['FARGATE', 'FARGATE_SPOT'], defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1, base: 0 }] };

test('providers in another order and a strategy with the base AWS fills in are in sync', () => {
  const p = plan('  capacityProviders: [FARGATE_SPOT, FARGATE]\n  defaultCapacityProviderStrategy: [{capacityProvider: FARGATE, weight: 1}]\n', live);
  expect(p.outcome).toBe('unchanged');
});

test('a new provider is one PutClusterCapacityProviders that keeps the live default strategy the manifest leaves out', () => {
  const p = plan('  capacityProviders: [FARGATE]\n', live);
  expect(p.changes.map((c) => c.path)).toEqual(['capacityProviders']);
  expect(p.steps).toEqual([{ op: 'putClusterCapacityProviders', input: { cluster: 'default', capacityProviders: ['FARGATE'], defaultCapacityProviderStrategy: live.defaultCapacityProviderStrategy } }]);
});

test('a changed default strategy keeps the live providers the manifest leaves out', () => {
  const p = plan('  defaultCapacityProviderStrategy: [{capacityProvider: FARGATE_SPOT, weight: 2}]\n', live);
  expect(p.steps).toEqual([
    { op: 'putClusterCapacityProviders', input: { cluster: 'default', capacityProviders: live.capacityProviders, defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 2 }] } },
  ]);
});

test('configuration is compared on the members the manifest states, and a change is an UpdateCluster showing only them', () => {
  const raw = { configuration: { executeCommandConfiguration: { logging: 'DEFAULT', kmsKeyId: 'k' }, managedStorageConfiguration: { kmsKeyId: 'm' } } };
  expect(plan('  configuration: {executeCommandConfiguration: {logging: DEFAULT}}\n', raw).outcome).toBe('unchanged');
  const p = plan('  configuration: {executeCommandConfiguration: {logging: NONE}}\n', raw);
  expect(p.changes).toEqual([{ path: 'configuration.executeCommandConfiguration.logging', old: 'DEFAULT', new: 'NONE' }]);
  expect(p.steps).toEqual([{ op: 'updateCluster', input: { cluster: 'default', configuration: { executeCommandConfiguration: { logging: 'NONE' } } } }]);
});
