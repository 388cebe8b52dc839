/** The task-definition planner, case by case. */
import { desiredTaskDefinition } from '../../src/reconcile/desired.js';
import { emptyObservedState, type ObservedState } from '../../src/reconcile/observed.js';
import { planContext } from '../../src/reconcile/plan-context.js';
import { planTaskDefinition } from '../../src/reconcile/plan-task-definition.js';
import { manifests, one, OPTS, taskDefinition, taskDefinitionArn } from './plan-fixtures.js';

const desired = manifests(taskDefinition('web'));
const td = desiredTaskDefinition(one(desired, 'TaskDefinition', 'web'));
const latest = (tags: Record<string, string>) => ({ arn: taskDefinitionArn('web', 4), family: 'web', revision: 4, status: 'ACTIVE', definition: { family: 'web', containerDefinitions: [] }, tags });

function plan(observed: ObservedState) {
  return planTaskDefinition(td, planContext(desired, observed, OPTS));
}

function observing(obs: { matchingArn?: string; latest?: ReturnType<typeof latest> }): ObservedState {
  const o = emptyObservedState();
  o.taskDefinitions.set(td.key, obs);
  return o;
}

test.each<[string, () => ObservedState, { outcome: string; ops: string[]; reason: RegExp }]>([
  ['a family without ACTIVE revisions gets its first', () => emptyObservedState(), { outcome: 'create', ops: ['registerTaskDefinition'], reason: /no ACTIVE revision/ }],
  ['a revision with this content is used as it is', () => observing({ matchingArn: taskDefinitionArn('web', 3) }), { outcome: 'unchanged', ops: [], reason: /revision web:3 has this content/ }],
  [
    'a newest revision with other content gets a new revision',
    () => observing({ latest: latest({ 'switchboard.dev/managed-by': 'switchboard' }) }),
    { outcome: 'update', ops: ['registerTaskDefinition'], reason: /newest ACTIVE revision web:4 differs/ },
  ],
  ['a family registered by someone else is a conflict', () => observing({ latest: latest({}) }), { outcome: 'conflict', ops: [], reason: /not managed by switchboard/ }],
  [
    'an unreadable family blocks the plan',
    () => {
      const o = emptyObservedState();
      o.unavailable.taskDefinitions.set(td.key, { message: 'throttled', category: 'Throttled' });
      return o;
    },
    { outcome: 'blocked', ops: [], reason: /could not be read: throttled/ },
  ],
])('%s', (_name, observed, want) => {
  const p = plan(observed());
  expect(p.outcome).toBe(want.outcome);
  expect(p.steps.map((s) => s.op)).toEqual(want.ops);
  expect(p.reason).toMatch(want.reason);
});

test('a registration carries the manifest tags, ours and the content hash', () => {
  const [step] = plan(emptyObservedState()).steps;
  expect(step).toMatchObject({ op: 'registerTaskDefinition', hash: td.hash, tags: { 'switchboard.dev/managed-by': 'switchboard', 'switchboard.dev/resource': 'TaskDefinition/web', 'switchboard.dev/spec-hash': td.hash } });
});

test('a revision with this content but other tags is retagged, not registered again', () => {
  const ours = { ...latest({ 'switchboard.dev/managed-by': 'switchboard', 'switchboard.dev/spec-hash': 'old', team: 'a' }) };
  const p = plan(observing({ matchingArn: ours.arn, latest: ours }));
  expect(p.outcome).toBe('update');
  expect(p.steps).toEqual([expect.objectContaining({ op: 'tagTaskDefinition', arn: ours.arn, remove: ['team'], hash: td.hash })]);
});

test('a revision someone else registered with this content is used as it is, never retagged', () => {
  const theirs = latest({ team: 'a' });
  expect(plan(observing({ matchingArn: theirs.arn, latest: theirs })).steps).toEqual([]);
});
