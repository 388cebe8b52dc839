/** New Service Connect endpoints and the services already running. */
import { planChanges } from '../../src/reconcile/plan.js';
import { callingTaskDefinition, CLUSTER, liveCluster, liveNamespace, liveServiceFor, manifests, NAMESPACE, observedWith, one, OPTS, service, taskDefinition } from './plan-fixtures.js';

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

function planServers(docs: string[], running: string[] = []) {
  const desired = manifests(NAMESPACE, CLUSTER, ...docs);
  const observed = observedWith([apps], [liveCluster('default', { serviceConnectNamespace: apps.arn })]);
  for (const name of running) liveServiceFor(one(desired, 'Service', name), one(desired, 'TaskDefinition', name), observed);
  const plan = planChanges(desired, observed, OPTS);
  return (name: string) => plan.resources.find((r) => r.key === `Service/${name}`);
}

describe('servers calling endpoints added in the same pass', () => {
  test('a server calling a new server waits for its rollout, and the plan says why', () => {
    const get = planServers([callingTaskDefinition('alpha', 'http://bravo-http.apps:80/'), service('alpha', { server: true }), taskDefinition('bravo'), service('bravo', { server: true })]);
    expect(get('alpha')?.endpointOrder).toEqual({ after: ['Service/bravo'] });
    expect(get('alpha')?.dependsOn).toContain('Service/bravo');
    expect(get('alpha')?.notes).toContain('waits for the rollout of Service/bravo first: it calls bravo-http.apps:80, which this pass adds, and tasks resolve only the endpoints that exist when they start');
    expect(get('bravo')?.endpointOrder).toBeUndefined();
  });

  test('servers calling each other go together and are redeployed after the pass', () => {
    const get = planServers([callingTaskDefinition('alpha', 'bravo-http.apps:80'), service('alpha', { server: true }), callingTaskDefinition('bravo', 'http://alpha-http.apps'), service('bravo', { server: true })]);
    expect(get('alpha')?.endpointOrder).toEqual({ after: [], redeploy: { cycle: ['Service/alpha', 'Service/bravo'], endpoints: ['bravo-http.apps:80'] } });
    expect(get('bravo')?.endpointOrder).toEqual({ after: [], redeploy: { cycle: ['Service/alpha', 'Service/bravo'], endpoints: ['alpha-http.apps:80'] } });
    expect(get('alpha')?.dependsOn).not.toContain('Service/bravo');
    expect(get('alpha')?.notes.join('\n')).toMatch(/redeployed once the rollouts of Service\/alpha, Service\/bravo are ready: .*before bravo-http\.apps:80 exist/);
  });

  test('a cycle that also calls a third server waits for that one, and only members calling each other are redeployed', () => {
    const get = planServers([
      callingTaskDefinition('alpha', 'bravo-http.apps:80', 'charlie-http.apps:80'),
      service('alpha', { server: true }),
      callingTaskDefinition('bravo', 'alpha-http.apps:80'),
      service('bravo', { server: true }),
      callingTaskDefinition('charlie', 'nothing'),
      service('charlie', { server: true }),
    ]);
    expect(get('alpha')?.endpointOrder).toEqual({ after: ['Service/charlie'], redeploy: { cycle: ['Service/alpha', 'Service/bravo'], endpoints: ['bravo-http.apps:80'] } });
    expect(get('bravo')?.endpointOrder).toEqual({ after: [], redeploy: { cycle: ['Service/alpha', 'Service/bravo'], endpoints: ['alpha-http.apps:80'] } });
    expect(get('charlie')?.endpointOrder).toBeUndefined();
  });

  test.each([
    ['a running server whose endpoint is not new', [callingTaskDefinition('alpha', 'bravo-http.apps:80'), service('alpha', { server: true }), taskDefinition('bravo'), service('bravo', { server: true })], ['bravo']],
    ['a host name that only starts like the endpoint', [callingTaskDefinition('alpha', 'http://bravo-http.apps.example.com:80'), service('alpha', { server: true }), taskDefinition('bravo'), service('bravo', { server: true })], []],
    ['another port', [callingTaskDefinition('alpha', 'bravo-http.apps:8080'), service('alpha', { server: true }), taskDefinition('bravo'), service('bravo', { server: true })], []],
    ['a caller that is not changed in this pass', [callingTaskDefinition('alpha', 'bravo-http.apps:80'), service('alpha', { server: true }), taskDefinition('bravo'), service('bravo', { server: true })], ['alpha']],
  ])('no order for %s', (_name, docs, running) => {
    const get = planServers(docs, running);
    expect(get('alpha')?.endpointOrder).toBeUndefined();
    expect(get('bravo')?.endpointOrder).toBeUndefined();
  });
});

describe('running services whose task definition calls an endpoint the pass adds', () => {
  test('a running client that calls the new server is redeployed once the server is ready, saying why', () => {
    const get = planServers([taskDefinition('web'), service('web', { server: true }), callingTaskDefinition('client', 'http://web-http.apps:80/'), service('client')], ['client']);
    const client = get('client');
    expect(client?.outcome).toBe('update');
    expect(client?.reason).toBe('redeploying so its tasks resolve web-http.apps:80, which its task definition calls and this pass adds (tasks resolve only the endpoints that exist when they start)');
    expect(client?.dependsOn).toContain('Service/web');
    expect(client?.steps).toEqual([expect.objectContaining({ op: 'updateService', input: { cluster: 'default', service: 'client', forceNewDeployment: true } })]);
  });

  test('a running server that calls a new server is redeployed too; one that calls another host is only noted', () => {
    const get = planServers(
      [taskDefinition('web'), service('web', { server: true }), callingTaskDefinition('alpha', 'web-http.apps:80'), service('alpha', { server: true }), callingTaskDefinition('bravo', 'http://web-http.example.com/'), service('bravo', { server: true })],
      ['alpha', 'bravo'],
    );
    expect(get('alpha')?.outcome).toBe('update');
    expect(get('bravo')?.outcome).toBe('unchanged');
  });
});
