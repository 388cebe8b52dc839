import type { ResourceKey } from '../../src/manifests/model.js';
import { emptyObservedState, serviceKey } from '../../src/reconcile/observed.js';
import { RedeployTracker, type OwedRedeploy } from '../../src/reconcile/redeploys.js';
import type { LiveService } from '../../src/reconcile/ports.js';
import { CLUSTER, liveServiceFor, manifests, one, service, taskDefinition } from './plan-fixtures.js';

const owed: OwedRedeploy = { key: 'Service/web' as ResourceKey, cluster: 'default', service: 'web', deploymentId: 'ecs-svc/1', endpoints: ['api:80'] };

function live(change: (s: LiveService) => void = () => undefined): Map<string, LiveService> {
  const desired = manifests('kind: Namespace\nmetadata: {name: apps}\nspec: {type: HTTP}\n', CLUSTER, taskDefinition('web'), service('web', { server: true }));
  const state = emptyObservedState();
  const s = liveServiceFor(one(desired, 'Service', 'web'), one(desired, 'TaskDefinition', 'web'), state);
  change(s);
  return new Map([[serviceKey('default', 'web'), s]]);
}

test.each<[string, boolean, (s: LiveService) => void]>([
  ['runs the deployment that started too early', true, () => undefined],
  ['runs another PRIMARY deployment (anyone redeployed it)', false, (s) => {
    s.deployments = s.deployments.map((d) => ({ ...d, id: 'ecs-svc/2' }));
  }],
  ['is being deleted', false, (s) => {
    s.status = 'DRAINING';
  }],
])('a redeploy owed to a service that %s: still owed %s', (_what, stillOwed, change) => {
  const tracker = new RedeployTracker();
  tracker.owe(owed);
  expect(tracker.stillOwed(live(change))).toEqual(stillOwed ? [owed] : []);
  // Once forgotten, it stays forgotten.
  expect(tracker.stillOwed(live())).toEqual(stillOwed ? [owed] : []);
});

test('a redeploy is kept while its service is not read, and forgotten once paid', () => {
  const tracker = new RedeployTracker();
  tracker.owe(owed);
  expect(tracker.stillOwed(new Map())).toEqual([]);
  expect(tracker.stillOwed(live())).toEqual([owed]);
  tracker.paid(owed.key);
  expect(tracker.stillOwed(live())).toEqual([]);
});
