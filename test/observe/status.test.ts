import type { Problem } from '../../src/manifests/problems.js';
import { StatusStore, type Condition, type RecordedResult, type ResourceStatus } from '../../src/observe/status.js';

/** A settable clock starting at 2024-05-01T12:00:00Z. */
function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = Date.parse('2024-05-01T12:00:00.000Z');
  return { now: () => t, advance: (ms) => (t += ms) };
}

function result(partial: Partial<RecordedResult> & Pick<RecordedResult, 'outcome'>): RecordedResult {
  return { key: 'Service/nginx', reason: '', changes: [], durationMs: 12, needsAttention: partial.outcome === 'failed', ...partial };
}

function condition(r: ResourceStatus | undefined, type: Condition['type']): Condition {
  const c = r?.conditions.find((x) => x.type === type);
  if (!c) throw new Error(`no ${type} condition`);
  return c;
}

const problem: Problem = {
  severity: 'error',
  code: 'unknown-field',
  file: 'manifests/nginx.yaml',
  line: 12,
  column: 5,
  resource: 'Service/nginx',
  path: 'spec.desiredCont',
  message: 'unknown field desiredCont',
  hint: 'did you mean desiredCount?',
};

test('a new resource being reconciled is Reconciling with Ready unknown', () => {
  const s = new StatusStore({ now: clock().now });
  s.markReconciling('Service/nginx', 'rev1');
  const r = s.get('Service/nginx');
  expect(condition(r, 'Reconciling')).toMatchObject({ status: 'True', reason: 'Progressing' });
  expect(condition(r, 'Ready')).toMatchObject({ status: 'Unknown', reason: 'Progressing' });
  expect(condition(r, 'Stalled').status).toBe('False');
  expect(r).toMatchObject({ kind: 'Service', name: 'nginx' });
});

test('a successful result makes the resource Ready and records the revision, change set and time', () => {
  const c = clock();
  const s = new StatusStore({ now: c.now });
  s.markReconciling('Service/nginx', 'rev1');
  c.advance(1500);
  s.recordResult('Service/nginx', 'rev1', result({ outcome: 'configured', reason: 'updated', changes: [{ path: 'desiredCount', old: 1, new: 2 }] }));
  const r = s.get('Service/nginx');
  // The message says what was done, not why the plan acted.
  expect(condition(r, 'Ready')).toEqual({ type: 'Ready', status: 'True', reason: 'Configured', message: 'configured: desiredCount', lastTransitionTime: '2024-05-01T12:00:01.500Z' });
  expect(condition(r, 'Reconciling').status).toBe('False');
  expect(r?.observedRevision).toBe('rev1');
  expect(r?.lastReconcileTime).toBe('2024-05-01T12:00:01.500Z');
  expect(r?.lastChangeSet).toEqual({ time: '2024-05-01T12:00:01.500Z', revision: 'rev1', outcome: 'configured', changes: [{ path: 'desiredCount', old: 1, new: 2 }] });
});

test('lastTransitionTime moves only when a condition flips, not when its reason changes', () => {
  const c = clock();
  const s = new StatusStore({ now: c.now });
  s.recordResult('Service/nginx', 'rev1', result({ outcome: 'created' }));
  const first = condition(s.get('Service/nginx'), 'Ready').lastTransitionTime;
  c.advance(60_000);
  s.markReconciling('Service/nginx', 'rev2');
  s.recordResult('Service/nginx', 'rev2', result({ outcome: 'unchanged' }));
  const stillReady = condition(s.get('Service/nginx'), 'Ready');
  expect(stillReady).toMatchObject({ status: 'True', reason: 'UpToDate', lastTransitionTime: first });
  c.advance(60_000);
  s.recordResult('Service/nginx', 'rev3', result({ outcome: 'failed', reason: 'update failed', error: { message: 'boom', code: 'InvalidParameterException', requestId: 'req-1' } }));
  expect(condition(s.get('Service/nginx'), 'Ready')).toMatchObject({ status: 'False', reason: 'ReconcileFailed', lastTransitionTime: '2024-05-01T12:02:00.000Z' });
});

test('an unchanged result keeps the last non-empty change set', () => {
  const c = clock();
  const s = new StatusStore({ now: c.now });
  s.recordResult('Service/nginx', 'rev1', result({ outcome: 'configured', changes: [{ path: 'desiredCount', old: 1, new: 2 }] }));
  c.advance(10_000);
  s.recordResult('Service/nginx', 'rev2', result({ outcome: 'unchanged' }));
  expect(s.get('Service/nginx')?.lastChangeSet).toMatchObject({ revision: 'rev1', changes: [{ path: 'desiredCount' }] });
  expect(s.get('Service/nginx')?.observedRevision).toBe('rev2');
});

test('a failure records the error with code and request id, and success clears it', () => {
  const s = new StatusStore({ now: clock().now });
  s.recordResult('Service/nginx', 'rev1', result({ outcome: 'failed', reason: 'update failed: boom', error: { message: 'boom', code: 'AccessDeniedException', requestId: 'req-9' } }));
  expect(s.get('Service/nginx')?.lastError).toEqual({ message: 'boom', code: 'AccessDeniedException', requestId: 'req-9' });
  expect(condition(s.get('Service/nginx'), 'Ready').message).toBe('update failed: boom');
  s.recordResult('Service/nginx', 'rev1', result({ outcome: 'unchanged' }));
  expect(s.get('Service/nginx')?.lastError).toBeUndefined();
});

test('a skipped result that needs attention is Blocked, not Ready', () => {
  const s = new StatusStore({ now: clock().now });
  s.recordResult('Service/api', 'rev1', result({ key: 'Service/api', outcome: 'skipped', reason: 'not applied: depends on TaskDefinition/api', needsAttention: true }));
  expect(condition(s.get('Service/api'), 'Ready')).toMatchObject({ status: 'False', reason: 'Blocked', message: 'not applied: depends on TaskDefinition/api' });
});

test('an invalid manifest stalls the resource with the located error', () => {
  const s = new StatusStore({ now: clock().now });
  s.markStalled('Service/nginx', 'rev4', [problem, { ...problem, severity: 'warning', message: 'just a warning' }]);
  const r = s.get('Service/nginx');
  expect(condition(r, 'Stalled')).toMatchObject({ status: 'True', reason: 'InvalidManifest', message: 'manifests/nginx.yaml:12:5: unknown field desiredCont' });
  expect(condition(r, 'Ready')).toMatchObject({ status: 'False', reason: 'InvalidManifest' });
  expect(r?.problems).toEqual([{ file: 'manifests/nginx.yaml', line: 12, column: 5, message: 'unknown field desiredCont', path: 'spec.desiredCont', hint: 'did you mean desiredCount?' }]);
  expect(r?.observedRevision).toBe('rev4');
  s.markReconciling('Service/nginx', 'rev5');
  expect(condition(s.get('Service/nginx'), 'Stalled').status).toBe('False');
});

test('a blocked resource is not Ready and says why', () => {
  const s = new StatusStore({ now: clock().now });
  s.markBlocked('Service/nginx', 'the source listing is incomplete; prune waits');
  expect(condition(s.get('Service/nginx'), 'Ready')).toMatchObject({ status: 'False', reason: 'Blocked', message: 'the source listing is incomplete; prune waits' });
});

test('a deleted resource leaves the list and appears under recently pruned; remove forgets a key', () => {
  const s = new StatusStore({ now: clock().now });
  s.recordResult('Service/old', 'rev1', result({ key: 'Service/old', outcome: 'unchanged' }));
  s.recordResult('Service/keep', 'rev1', result({ key: 'Service/keep', outcome: 'unchanged' }));
  s.recordResult('Service/gone', 'rev1', result({ key: 'Service/gone', outcome: 'unchanged' }));
  s.recordResult('Service/old', 'rev2', result({ key: 'Service/old', outcome: 'deleted' }));
  s.remove('Service/gone');
  const doc = s.toJSON();
  expect(doc.resources.map((r) => r.key)).toEqual(['Service/keep']);
  expect(doc.recentlyPruned).toEqual([{ key: 'Service/old', revision: 'rev2', time: '2024-05-01T12:00:00.000Z' }]);
});

test('secret-looking values in change sets are masked even when the caller forgot', () => {
  const s = new StatusStore({ now: clock().now });
  s.recordResult(
    'TaskDefinition/app',
    'rev1',
    result({
      key: 'TaskDefinition/app',
      outcome: 'configured',
      changes: [
        { path: 'containerDefinitions[app].environment[DB_PASSWORD]', old: 'hunter2', new: 'hunter3' },
        { path: 'containerDefinitions[app].environment[API_TOKEN].value', new: 'tok' },
        { path: 'containerDefinitions[app].environment', new: [{ name: 'SECRET_KEY', value: 'abc' }, { name: 'MODE', value: 'prod' }] },
        { path: 'containerDefinitions[app].image', old: 'nginx:1', new: 'nginx:2' },
      ],
    }),
  );
  const text = JSON.stringify(s.toJSON());
  expect(text).not.toMatch(/hunter|"tok"|abc/);
  expect(s.get('TaskDefinition/app')?.lastChangeSet?.changes).toEqual([
    { path: 'containerDefinitions[app].environment[DB_PASSWORD]', old: '***', new: '***' },
    { path: 'containerDefinitions[app].environment[API_TOKEN].value', new: '***' },
    { path: 'containerDefinitions[app].environment', new: [{ name: 'SECRET_KEY', value: '***' }, { name: 'MODE', value: 'prod' }] },
    { path: 'containerDefinitions[app].image', old: 'nginx:1', new: 'nginx:2' },
  ]);
});

test('the document lists resources sorted by key with a summary, source and passes', () => {
  const c = clock();
  const s = new StatusStore({ now: c.now });
  s.setSource({ description: 'directory ./manifests', revision: 'abc123', complete: true });
  s.recordResult('Service/web', 'abc123', result({ key: 'Service/web', outcome: 'created' }));
  s.markStalled('Service/api', 'abc123', [problem]);
  s.markReconciling('Cluster/main', 'abc123');
  c.advance(2000);
  s.recordPass({ pass: 1, revision: 'abc123', durationMs: 2000, counts: { created: 1, failed: 0 }, trigger: 'initial' });
  const doc = s.toJSON();
  expect(doc.resources.map((r) => r.key)).toEqual(['Cluster/main', 'Service/api', 'Service/web']);
  expect(doc.summary).toEqual({ resources: 3, ready: 1, notReady: 2, reconciling: 1, stalled: 1 });
  expect(doc.source).toEqual({ description: 'directory ./manifests', revision: 'abc123', complete: true, updatedAt: '2024-05-01T12:00:00.000Z' });
  expect(doc.lastPass).toEqual({
    pass: 1,
    revision: 'abc123',
    result: 'success',
    trigger: 'initial',
    startedAt: '2024-05-01T12:00:00.000Z',
    finishedAt: '2024-05-01T12:00:02.000Z',
    durationMs: 2000,
    counts: { created: 1, failed: 0 },
  });
  expect(doc.lastSuccessfulPass).toEqual(doc.lastPass);
  expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
});

test('a pass with failures is the last pass but not the last successful one', () => {
  const c = clock();
  const s = new StatusStore({ now: c.now });
  s.recordPass({ pass: 1, revision: 'r1', durationMs: 10, counts: { unchanged: 3 } });
  c.advance(1000);
  s.recordPass({ pass: 2, revision: 'r2', durationMs: 10, counts: { unchanged: 2, failed: 1 } });
  expect(s.toJSON().lastPass).toMatchObject({ pass: 2, result: 'failed' });
  expect(s.lastSuccessfulPass).toMatchObject({ pass: 1, result: 'success' });
  s.recordPass({ pass: 3, revision: 'r2', durationMs: 10, counts: {}, error: 'source unreadable' });
  expect(s.toJSON().lastPass).toMatchObject({ pass: 3, result: 'error', error: 'source unreadable' });
});

test('the controller is ready only after the first full pass', () => {
  const c = clock();
  const s = new StatusStore({ now: c.now });
  expect(s.isReady()).toBe(false);
  expect(s.toJSON().controller).toEqual({ startedAt: '2024-05-01T12:00:00.000Z', ready: false });
  c.advance(5000);
  s.firstFullPassDone();
  c.advance(5000);
  s.firstFullPassDone();
  expect(s.isReady()).toBe(true);
  expect(s.toJSON().controller).toEqual({ startedAt: '2024-05-01T12:00:00.000Z', ready: true, firstFullPassAt: '2024-05-01T12:00:05.000Z' });
});

test('long error messages and change sets are bounded', () => {
  const s = new StatusStore({ now: clock().now });
  const changes = Array.from({ length: 80 }, (_, i) => ({ path: `tags.t${i}`, new: i }));
  s.recordResult('Service/big', 'r1', result({ key: 'Service/big', outcome: 'configured', changes }));
  expect(s.get('Service/big')?.lastChangeSet).toMatchObject({ truncated: 30 });
  expect(s.get('Service/big')?.lastChangeSet?.changes).toHaveLength(50);
  s.recordResult('Service/big', 'r1', result({ key: 'Service/big', outcome: 'failed', reason: 'x'.repeat(5000) }));
  expect(condition(s.get('Service/big'), 'Ready').message.length).toBeLessThanOrEqual(1024);
});

test('the JSON text is the indented document after every kind of change, and its version moves with each change', () => {
  const c = clock();
  const s = new StatusStore({ now: c.now });
  const same = (): void => expect(s.toJsonText()).toBe(JSON.stringify(s.toJSON(), null, 2));
  same();
  const versions = [s.version];
  const step = (change: () => void): void => {
    change();
    c.advance(1000);
    same();
    expect(s.version).toBeGreaterThan(versions[versions.length - 1] as number);
    versions.push(s.version);
  };
  step(() => s.recordResult('Service/web', 'r1', result({ key: 'Service/web', outcome: 'created' })));
  step(() => s.markReconciling('Service/api', 'r1'));
  step(() => s.recordResult('Service/web', 'r2', result({ key: 'Service/web', outcome: 'configured', changes: [{ path: 'desiredCount', old: 1, new: 2 }] })));
  step(() => s.markStalled('Service/api', 'r2', [problem]));
  step(() => s.markBlocked('Service/web', 'line one\nline "two"'));
  step(() => s.setSource({ description: 'directory ./m', revision: 'r2', complete: false }));
  step(() => s.recordPass({ pass: 1, revision: 'r2', durationMs: 10, counts: { configured: 1 } }));
  step(() => s.firstFullPassDone());
  step(() => s.recordResult('Service/api', 'r3', result({ key: 'Service/api', outcome: 'deleted' })));
  step(() => s.remove('Service/web'));
  expect(s.toJSON().resources).toEqual([]);
  const v = s.version;
  s.toJsonText();
  s.remove('Service/none');
  expect(s.version).toBe(v);
});
