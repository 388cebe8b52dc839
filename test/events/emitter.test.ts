/** The controller's events, each said once: what is emitted for results, stalled manifests, passes and leadership. */
import type { PassSummary } from '../../src/controller/controller.js';
import { ControllerEvents } from '../../src/events/emitter.js';
import type { ControllerEvent } from '../../src/events/types.js';
import type { Problem } from '../../src/manifests/problems.js';
import type { ResourceResult } from '../../src/reconcile/apply.js';

function setup(isLeader = () => true) {
  const events: ControllerEvent[] = [];
  const emitter = new ControllerEvents({ controllerId: 'switchboard', publish: (e) => events.push(e), isLeader, now: () => 1_000 });
  return { events, emitter, types: () => events.map((e) => e.detailType) };
}

function result(key: string, outcome: ResourceResult['outcome'], extra: Partial<ResourceResult> = {}): ResourceResult {
  return { key: key as ResourceResult['key'], outcome, reason: outcome, changes: [], durationMs: 1, needsAttention: false, decision: { type: 'done' }, ...extra };
}

function pass(extra: Partial<PassSummary> = {}): PassSummary {
  return { pass: 1, revision: 'r1', trigger: 'change', durationMs: 1, counts: { created: 0, configured: 0, unchanged: 0, deleted: 0, skipped: 0, failed: 0 }, results: [], full: true, ...extra };
}

const problem: Problem = { file: 'curl.yaml', line: 12, column: 15, message: 'must be one of EC2, FARGATE, EXTERNAL', severity: 'error', code: 'schema', path: 'spec.launchType' } as Problem;

test('a change is reconciled once per result that changed something, with its masked changes; unchanged and skipped results say nothing', () => {
  const { events, emitter, types } = setup();
  emitter.result(result('Service/nginx', 'configured', { changes: [{ path: 'containerDefinitions[app].environment[DB_PASSWORD]', old: 'old-secret', new: 'new-secret' }] }), 'r1');
  emitter.result(result('Service/curl', 'unchanged'), 'r1');
  emitter.result(result('Service/web', 'skipped'), 'r1');
  emitter.result(result('Namespace/apps', 'created'), 'r1');
  emitter.result(result('Service/old', 'deleted'), 'r1');
  expect(types()).toEqual(['Resource Reconciled', 'Resource Reconciled', 'Resource Reconciled']);
  expect(events[0]?.detail).toMatchObject({ controllerId: 'switchboard', resource: 'Service/nginx', revision: 'r1', reason: 'Configured' });
  expect(JSON.stringify(events[0]?.detail)).not.toContain('secret');
});

test('a broken manifest is one Resource Stalled however often it is seen, and news again once it was fixed and broke again', () => {
  const { events, emitter, types } = setup();
  emitter.stalledManifest('Service/curl', [problem], 'r1');
  emitter.stalledManifest('Service/curl', [problem], 'r2');
  expect(types()).toEqual(['Resource Stalled']);
  expect(events[0]?.detail.message).toBe('curl.yaml:12:15: spec.launchType: must be one of EC2, FARGATE, EXTERNAL');
  emitter.result(result('Service/curl', 'configured'), 'r3');
  emitter.stalledManifest('Service/curl', [problem], 'r4');
  expect(types()).toEqual(['Resource Stalled', 'Resource Reconciled', 'Resource Stalled']);
});

test('a failed rollout is one Rollout Failed while the same failure is reported pass after pass', () => {
  const { emitter, types } = setup();
  const failed = result('Service/nginx', 'failed', {
    reason: 'the rollout of nginx:2 failed and was rolled back',
    needsAttention: true,
    decision: { type: 'terminal', reason: 'RolloutFailed', message: 'the rollout of nginx:2 failed and was rolled back' },
  });
  emitter.result(failed, 'r1');
  emitter.result(failed, 'r1');
  expect(types()).toEqual(['Rollout Failed']);
  emitter.result(result('Service/nginx', 'unchanged'), 'r2');
  emitter.result(failed, 'r3');
  expect(types()).toEqual(['Rollout Failed', 'Rollout Failed']);
});

test('a refused prune is one Prune Refused while the same refusal repeats; a full pass without one ends it', () => {
  const { emitter, types } = setup();
  const refused = pass({ pruneRefused: 'prune stopped: 2 resources would be deleted, more than --max-prune 0; nothing is deleted' });
  emitter.pass(refused);
  emitter.pass(refused);
  emitter.pass(pass({ full: false }));
  emitter.pass(refused);
  expect(types()).toEqual(['Prune Refused']);
  emitter.pass(pass());
  emitter.pass(refused);
  expect(types()).toEqual(['Prune Refused', 'Prune Refused']);
});

test('any other cause a retry cannot fix is one Resource Stalled with the reconciler\'s reason; persistent drift it decides is one Persistent Drift', () => {
  const { events, emitter, types } = setup();
  const conflict = result('Service/web', 'failed', { needsAttention: true, decision: { type: 'terminal', reason: 'OwnershipConflict', message: 'service web is managed by controller "other"' } });
  emitter.result(conflict, 'r1');
  emitter.result(conflict, 'r2');
  const drift = result('Service/api', 'configured', { decision: { type: 'terminal', reason: 'PersistentDrift', message: 'desiredCount keeps coming back' } });
  emitter.result(drift, 'r1');
  emitter.result(drift, 'r2');
  expect(types()).toEqual(['Resource Stalled', 'Resource Reconciled', 'Persistent Drift', 'Resource Reconciled']);
  expect(events[0]?.detail).toMatchObject({ resource: 'Service/web', reason: 'OwnershipConflict' });
});

test('drift set back on three resyncs in a row is one Persistent Drift; a resync that finds it unchanged starts the count again', () => {
  const { emitter, types } = setup();
  const drifted = pass({ trigger: 'resync', results: [result('Service/nginx', 'configured')] });
  emitter.pass(drifted);
  emitter.pass(drifted);
  expect(types()).toEqual([]);
  emitter.pass(drifted);
  emitter.pass(drifted);
  expect(types()).toEqual(['Persistent Drift']);
  emitter.pass(pass({ trigger: 'resync', results: [result('Service/nginx', 'unchanged')] }));
  for (let i = 0; i < 3; i++) emitter.pass(drifted);
  expect(types()).toEqual(['Persistent Drift', 'Persistent Drift']);
});

test('a standby says nothing; the new leader says Leader Changed once', () => {
  let leader = false;
  const { events, emitter, types } = setup(() => leader);
  emitter.stalledManifest('Service/curl', [problem], 'r1');
  emitter.result(result('Service/nginx', 'configured'), 'r1');
  expect(types()).toEqual([]);
  leader = true;
  emitter.leader({ holder: 'host:1:abc', lease: 's3://b/k' });
  expect(types()).toEqual(['Leader Changed']);
  expect(events[0]?.detail).toMatchObject({ holder: 'host:1:abc', lease: 's3://b/k', reason: 'Leader' });
});

test('messages follow the output rules: credential-looking text masked, long text cut', () => {
  const { events, emitter } = setup();
  const leaked: Problem = { ...problem, message: `cannot reach postgres://app:s3cret@db:5432/app ${'x'.repeat(5_000)}` } as Problem;
  emitter.stalledManifest('Service/curl', [leaked], 'r1');
  const message = events[0]?.detail.message ?? '';
  expect(message).not.toContain('s3cret');
  expect(message).toContain('postgres://app:');
  expect(message.length).toBeLessThan(5_000);
});
