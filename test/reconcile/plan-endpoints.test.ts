/** New Service Connect endpoints and the services already running. */
import { planChanges } from '../../src/reconcile/plan.js';
import { CLUSTER, liveCluster, liveNamespace, liveServiceFor, manifests, NAMESPACE, observedWith, one, OPTS, service, taskDefinition } from './plan-fixtures.js';

const apps = liveNamespace('apps');

function scenario(clientAnnotations?: string) {
  const desired = manifests(
    NAMESPACE,
    CLUSTER,
    taskDefinition('web'),
    service('web', { server: true }),
    taskDefinition('client'),
    service('client', clientAnnotations ? { annotations: clientAnnotations } : {}),
  );
  const observed = observedWith([apps], [liveCluster('default', { serviceConnectNamespace: apps.arn })]);
  liveServiceFor(one(desired, 'Service', 'client'), one(desired, 'TaskDefinition', 'client'), observed);
  return planChanges(desired, observed, OPTS);
}

test('a running client is told it will not see a new server endpoint', () => {
  const plan = scenario();
  expect(plan.resources.find((r) => r.key === 'Service/web')?.outcome).toBe('create');
  expect(plan.resources.find((r) => r.key === 'Service/client')?.outcome).toBe('unchanged');
  expect(plan.notes.join('\n')).toMatch(/Service\/client: its running tasks started before web-http\.apps:80 existed/);
});

test('a running client that asks for it is redeployed after the new server', () => {
  const plan = scenario('{switchboard.dev/redeploy-on-new-endpoints: "true"}');
  const client = plan.resources.find((r) => r.key === 'Service/client');
  expect(client?.outcome).toBe('update');
  expect(client?.dependsOn).toContain('Service/web');
  expect(client?.steps).toEqual([expect.objectContaining({ op: 'updateService', input: { cluster: 'default', service: 'client', forceNewDeployment: true } })]);
});
