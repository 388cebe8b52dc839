/** The namespace planner, case by case. */
import { planContext } from '../../src/reconcile/plan-context.js';
import { planNamespace } from '../../src/reconcile/plan-namespace.js';
import type { ObservedState } from '../../src/reconcile/observed.js';
import { liveNamespace, manifests, NAMESPACE, observedWith, one, OPTS } from './plan-fixtures.js';

const desired = manifests(NAMESPACE);
const ns = one(desired, 'Namespace', 'apps');

function plan(observed: ObservedState) {
  return planNamespace(ns, planContext(desired, observed, OPTS));
}

test.each<[string, () => ObservedState, { outcome: string; ops: string[]; reason?: RegExp }]>([
  ['a missing namespace is created', () => observedWith(), { outcome: 'create', ops: ['createNamespace'] }],
  ['an owned namespace as declared is unchanged', () => observedWith([liveNamespace('apps')]), { outcome: 'unchanged', ops: [] }],
  [
    'a changed description of an HTTP namespace is updated',
    () => observedWith([liveNamespace('apps', { description: 'old' })]),
    { outcome: 'update', ops: ['updateNamespace'] },
  ],
  [
    'a namespace of another type cannot change in place',
    () => observedWith([liveNamespace('apps', { type: 'DNS_PRIVATE' })]),
    { outcome: 'blocked', ops: [], reason: /type cannot change in place/ },
  ],
  [
    'a namespace another controller owns is a conflict',
    () => {
      const o = observedWith([liveNamespace('apps', { description: 'old' })]);
      o.namespaceTags.set(liveNamespace('apps').arn, { 'switchboard.dev/managed-by': 'other' });
      return o;
    },
    { outcome: 'conflict', ops: [], reason: /managed by controller "other"/ },
  ],
  [
    'unreadable namespaces block the plan and carry the read error',
    () => {
      const o = observedWith();
      o.unavailable.namespaces = { message: 'boom', category: 'Transient' };
      return o;
    },
    { outcome: 'blocked', ops: [], reason: /could not be read: boom/ },
  ],
])('%s', (_name, observed, want) => {
  const p = plan(observed());
  expect(p.outcome).toBe(want.outcome);
  expect(p.steps.map((s) => s.op)).toEqual(want.ops);
  if (want.reason) expect(p.reason).toMatch(want.reason);
});

test('the description of a DNS namespace is noted, not updated', () => {
  const dns = manifests('kind: Namespace\nmetadata: {name: apps}\nspec: {type: DNS_PRIVATE, vpc: vpc-1, description: new}\n');
  const p = planNamespace(one(dns, 'Namespace', 'apps'), planContext(dns, observedWith([liveNamespace('apps', { type: 'DNS_PRIVATE', description: 'old' })]), OPTS));
  expect(p.outcome).toBe('unchanged');
  expect(p.notes).toEqual(['the description of a DNS namespace is not updated by this version']);
});
