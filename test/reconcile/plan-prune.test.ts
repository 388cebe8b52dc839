/** The prune planner: what is deleted, and every reason nothing is. */
import { planContext, type PlanOptions } from '../../src/reconcile/plan-context.js';
import { planPrune } from '../../src/reconcile/plan-prune.js';
import { ownershipTags } from '../../src/reconcile/ownership.js';
import type { ObservedState } from '../../src/reconcile/observed.js';
import type { LiveService } from '../../src/reconcile/ports.js';
import { liveNamespace, liveServiceFor, manifests, NAMESPACE, namespaceArn, observedWith, one, OPTS, service, taskDefinition } from './plan-fixtures.js';

const desired = manifests(NAMESPACE);
const PRUNE: PlanOptions = { ...OPTS, prune: true };

function orphanService(name: string, tags = ownershipTags('switchboard', `Service/${name}`)): LiveService {
  return { cluster: 'default', clusterArn: '', name, arn: `arn:aws:ecs:us-east-1:1:service/default/${name}`, status: 'ACTIVE', taskDefinition: '', desiredCount: 1, runningCount: 1, raw: {}, deployments: [], events: [], tags };
}

function withOrphans(): ObservedState {
  const old = liveNamespace('old');
  const o = observedWith([liveNamespace('apps'), old]);
  o.orphans.services.push(orphanService('gone'));
  o.orphans.taskDefinitionFamilies.push({ family: 'gone', key: 'TaskDefinition/gone', arns: ['arn:td/gone:1'], tags: ownershipTags('switchboard', 'TaskDefinition/gone') });
  o.orphans.namespaces.push({ namespace: old, key: 'Namespace/old' });
  return o;
}

test('owned orphans are deleted in reverse dependency order', () => {
  const notes: string[] = [];
  const plans = planPrune(desired, planContext(desired, withOrphans(), PRUNE), notes);
  expect(plans.map((p) => [p.key, p.outcome, p.steps.map((s) => s.op)])).toEqual([
    ['Service/gone', 'delete', ['deleteService']],
    ['TaskDefinition/gone', 'delete', ['deregisterTaskDefinitions']],
    ['Namespace/old', 'delete', ['deleteNamespace']],
  ]);
  expect(notes).toEqual([]);
});

test.each<[string, Partial<PlanOptions>, (o: ObservedState) => void, RegExp]>([
  ['an unhealthy source', { sourceHealthy: false }, () => undefined, /some manifests failed to load/],
  [
    'a partial view of live state',
    {},
    (o) => {
      o.unavailable.orphans = { message: 'x', category: 'Transient' };
    },
    /part of the live state could not be read/,
  ],
  ['more than --max-prune', { maxPrune: 2 }, () => undefined, /3 resources would be deleted, more than --max-prune 2/],
])('nothing is deleted from %s', (_name, opts, change, note) => {
  const o = withOrphans();
  change(o);
  const notes: string[] = [];
  expect(planPrune(desired, planContext(desired, o, { ...PRUNE, ...opts }), notes)).toEqual([]);
  expect(notes.join('\n')).toMatch(note);
});

test('an empty source prunes nothing without --allow-empty', () => {
  const notes: string[] = [];
  expect(planPrune([], planContext([], withOrphans(), PRUNE), notes)).toEqual([]);
  expect(notes.join('\n')).toMatch(/the source holds no manifests/);
});

test('what is not ours is never deleted, whatever the observation says', () => {
  const o = withOrphans();
  o.orphans.services = [orphanService('theirs', { 'switchboard.dev/managed-by': 'other' })];
  const plans = planPrune(desired, planContext(desired, o, PRUNE), []);
  expect(plans.map((p) => p.key)).not.toContain('Service/theirs');
});

test('a namespace that still has Cloud Map services is kept, and the plan says why', () => {
  const o = withOrphans();
  const ns = o.orphans.namespaces[0];
  if (ns) ns.namespace.serviceCount = 2;
  const notes: string[] = [];
  const plans = planPrune(desired, planContext(desired, o, PRUNE), notes);
  expect(plans.map((p) => p.key)).not.toContain('Namespace/old');
  expect(notes.join('\n')).toMatch(/Namespace\/old: .* still has 2 services/);
});

// Cloud Map's ServiceCount counts only client-server services: a namespace only clients use shows 0.
test.each<[string, string[], (o: ObservedState) => void, RegExp]>([
  ['a declared Service names it', [taskDefinition('web'), service('web').replace('namespace: apps', 'namespace: old')], () => undefined, /Service\/web names it/],
  ['a declared Cluster names it as its default', [`kind: Cluster\nmetadata: {name: default}\nspec:\n  serviceConnectDefaults: {namespace: old}\n`], () => undefined, /Cluster\/default names it/],
  [
    'a service no manifest declares runs in it',
    [],
    (o) => {
      o.namespaceUsers.set(namespaceArn('ns-old'), 'default/legacy');
    },
    /service default\/legacy runs in it/,
  ],
  [
    'a declared service runs in it (its PRIMARY deployment)',
    [taskDefinition('web'), service('web')],
    (o) => {
      const s = o.services.get('default/web');
      const d = s?.deployments[0];
      if (d) d.serviceConnectConfiguration = { enabled: true, namespace: namespaceArn('ns-old') };
    },
    /service default\/web runs in it/,
  ],
])('a namespace in use is kept when %s, and the plan says why', (_name, docs, change, why) => {
  const d = manifests(NAMESPACE, ...docs);
  const o = withOrphans();
  const web = d.find((r) => r.kind === 'Service');
  const td = d.find((r) => r.kind === 'TaskDefinition');
  if (web?.kind === 'Service' && td?.kind === 'TaskDefinition') liveServiceFor(web, td, o);
  change(o);
  const notes: string[] = [];
  const plans = planPrune(d, planContext(d, o, PRUNE), notes);
  expect(plans.map((p) => p.key)).not.toContain('Namespace/old');
  expect(notes.join('\n')).toMatch(new RegExp(`Namespace/old: no manifest declares namespace old, but .*${why.source}.*; it is kept`));
});

test('a refused prune reports why when something would have been deleted, and nothing when nothing would', () => {
  const refusals: string[] = [];
  planPrune(desired, planContext(desired, withOrphans(), { ...PRUNE, maxPrune: 1 }), [], (r) => refusals.push(r));
  expect(refusals).toEqual(['prune stopped: 3 resources would be deleted, more than --max-prune 1; nothing is deleted']);
  planPrune(desired, planContext(desired, observedWith([liveNamespace('apps')]), { ...PRUNE, sourceHealthy: false }), [], (r) => refusals.push(r));
  expect(refusals).toHaveLength(1);
});

// Seen in the lifecycle long run: a service moving to another family still runs the old one (its
// previous deployment) until the rollout ends; deregistering it then would leave a rollback, or
// a scale-out of that deployment, a revision that is INACTIVE.
test('a family no manifest declares is kept while a live service still runs one of its revisions', () => {
  const docs = manifests(NAMESPACE, taskDefinition('web'), service('web'));
  const o = observedWith([liveNamespace('apps')]);
  const web = liveServiceFor(one(docs, 'Service', 'web'), one(docs, 'TaskDefinition', 'web'), o);
  const old = 'arn:aws:ecs:us-east-1:123456789012:task-definition/legacy:4';
  const [primary] = web.deployments;
  if (primary === undefined) throw new Error('no PRIMARY deployment');
  web.deployments.push({ ...primary, id: 'ecs-svc/0', status: 'ACTIVE', taskDefinition: old });
  o.orphans.taskDefinitionFamilies.push({ family: 'legacy', key: 'TaskDefinition/legacy', arns: [old], tags: ownershipTags('switchboard', 'TaskDefinition/legacy') });
  const notes: string[] = [];
  expect(planPrune(docs, planContext(docs, o, PRUNE), notes)).toEqual([]);
  expect(notes).toEqual(['TaskDefinition/legacy: no manifest declares task definition family legacy, but legacy:4 (service default/web runs it); it is deregistered once no service runs it']);
  // An undeclared service this pass does not delete holds a revision the same way.
  const o2 = withOrphans();
  o2.taskDefinitionUsers.set('arn:td/gone:1', 'default/other');
  const plans = planPrune(desired, planContext(desired, o2, PRUNE), []);
  expect(plans.map((p) => p.key)).toEqual(['Service/gone', 'Namespace/old']);
});
