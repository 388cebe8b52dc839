/**
 * `switchboard status` against the real HTTP endpoints, fed by a StatusStore the way the loop feeds it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Health } from '../../src/observe/health.js';
import { startHttpServer, type HttpServerHandle } from '../../src/observe/http.js';
import { Metrics } from '../../src/observe/metrics.js';
import { StatusStore } from '../../src/observe/status.js';
import { formatAge, formatStatusTable } from '../../src/observe/status-table.js';
import { statusUrl } from '../../src/cli/status.js';
import { runSwitchboard } from '../helpers/cli.js';

let status: StatusStore;
let metrics: Metrics;
let server: HttpServerHandle;

beforeEach(async () => {
  status = new StatusStore();
  metrics = new Metrics({ defaultMetrics: false, observeAws: false });
  server = await startHttpServer({ listen: '127.0.0.1:0', status, metrics, health: new Health() });
  status.setSource({ description: 'directory ./manifests', revision: 'a1b2c3', complete: true });
});

afterEach(async () => {
  await server.close();
  metrics.dispose();
});

function converge(): void {
  status.recordResult('Service/web', 'a1b2c3', { key: 'Service/web', outcome: 'configured', reason: 'updated desiredCount', changes: [{ path: 'desiredCount', old: 1, new: 2 }], durationMs: 30, needsAttention: false });
  status.recordResult('TaskDefinition/web', 'a1b2c3', { key: 'TaskDefinition/web', outcome: 'unchanged', reason: 'up to date', changes: [], durationMs: 3, needsAttention: false });
  status.recordPass({ pass: 1, revision: 'a1b2c3', durationMs: 1200, counts: { configured: 1, unchanged: 1 } });
  status.firstFullPassDone();
}

test('when every resource is Ready, status prints the header and table and exits 0', async () => {
  converge();
  const run = await runSwitchboard(['status', '--url', server.url]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const lines = run.stdout.split('\n');
  expect(lines[0]).toBe('Source:      directory ./manifests @ a1b2c3');
  expect(lines[1]).toMatch(/^Last pass: {3}#1 success, revision a1b2c3, 1\.2s, \d+s ago \(1 configured, 1 unchanged\)$/);
  expect(lines[2]).toBe('Controller:  ready');
  expect(lines[4]).toMatch(/^KIND\/NAME +READY +REASON +SINCE +LAST CHANGE +MESSAGE$/);
  expect(lines[5]).toMatch(/^Service\/web +True +Configured +\d+s +\d+s +configured: desiredCount$/);
  expect(lines[6]).toMatch(/^TaskDefinition\/web +True +UpToDate +\d+s +- +up to date$/);
  expect(run.stdout).toContain('2 resources: 2 ready, 0 not ready');
});

test('a stalled resource is shown with its located error and status exits 1', async () => {
  converge();
  status.markStalled('Service/api', 'a1b2c3', [
    { severity: 'error', code: 'unknown-field', file: 'manifests/api.yaml', line: 7, column: 3, message: 'unknown field "desiredCont"' },
  ]);
  const run = await runSwitchboard(['status', '--url', `${server.url}/`]);
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(/^Service\/api +False +InvalidManifest +\d+s +- +manifests\/api\.yaml:7:3: unknown field "desiredCont"$/m);
  expect(run.stdout).toContain('3 resources: 2 ready, 1 not ready (1 stalled)');
});

test('a failed resource shows the AWS error in full', async () => {
  converge();
  status.recordResult('Service/db', 'a1b2c3', {
    key: 'Service/db',
    outcome: 'failed',
    reason: 'update failed',
    changes: [],
    durationMs: 5,
    needsAttention: true,
    error: { message: `AccessDeniedException: ${'x'.repeat(200)}`, code: 'AccessDeniedException' },
  });
  const run = await runSwitchboard(['status', '--url', server.url]);
  expect(run.code).toBe(1);
  const row = run.stdout.split('\n').find((l) => l.startsWith('Service/db'));
  // Not a terminal: one line per resource, nothing cut.
  expect(row).toMatch(/False +ReconcileFailed +\d+s +- +update failed: AccessDeniedException: x{200}$/);
});

test('before the first full pass, status says not ready and exits 1', async () => {
  status.markReconciling('Service/web', 'a1b2c3');
  const run = await runSwitchboard(['status', '--url', server.url]);
  expect(run.code).toBe(1);
  expect(run.stdout).toContain('Controller:  not ready (the first full pass has not finished)');
  expect(run.stdout).toContain('Last pass:   none yet');
  expect(run.stdout).toMatch(/^Service\/web +Unknown +Progressing +\d+s +- +reconciling revision a1b2c3$/m);
});

test('--output json prints the status document as served', async () => {
  converge();
  const run = await runSwitchboard(['status', '--url', server.url, '--output', 'json']);
  expect(run.code).toBe(0);
  const doc: unknown = JSON.parse(run.stdout);
  expect(doc).toMatchObject({ kind: 'SwitchboardStatus', controller: { ready: true }, resources: [{ key: 'Service/web' }, { key: 'TaskDefinition/web' }] });
});

test('an unreachable controller is a clear message and exit 1', async () => {
  const closed = await startHttpServer({ listen: '127.0.0.1:0', status, metrics, health: new Health() });
  await closed.close();
  const run = await runSwitchboard(['status', '--url', closed.url]);
  expect(run.code).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.stderr).toBe(`status: cannot reach the controller at ${closed.url}/status: ECONNREFUSED; is \`switchboard run\` running, and is --url its --listen address?\n`);
});

test('a URL that is not a controller is reported, not rendered', async () => {
  const other: Server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"hello":"world"}');
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  try {
    const run = await runSwitchboard(['status', '--url', `http://127.0.0.1:${(other.address() as AddressInfo).port}`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/did not answer a switchboard status document/);
  } finally {
    await new Promise<void>((resolve) => other.close(() => resolve()));
  }
});

test('a controller that does not answer in time is reported after --timeout', async () => {
  const silent: Server = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    const started = Date.now();
    const run = await runSwitchboard(['status', '--url', `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, '--timeout', '0.2']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cannot reach the controller at .*: no answer in time/);
    expect(Date.now() - started).toBeLessThan(3000);
  } finally {
    silent.closeAllConnections();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  }
});

test('bad flags are usage errors (exit 2)', async () => {
  expect((await runSwitchboard(['status', '--url', 'not a url'])).code).toBe(2);
  expect((await runSwitchboard(['status', '--url', 'ftp://host'])).code).toBe(2);
  expect((await runSwitchboard(['status', '--output', 'yaml'])).code).toBe(2);
});

test('the status URL keeps a base path and drops a query', () => {
  expect(statusUrl(new URL('http://h:8080')).href).toBe('http://h:8080/status');
  expect(statusUrl(new URL('http://h/switchboard/?x=1')).href).toBe('http://h/switchboard/status');
});

test('ages are shown in the largest whole unit', () => {
  const now = Date.parse('2024-05-01T12:00:00Z');
  expect(formatAge('2024-05-01T11:59:15Z', now)).toBe('45s');
  expect(formatAge('2024-05-01T11:57:00Z', now)).toBe('3m');
  expect(formatAge('2024-05-01T09:00:00Z', now)).toBe('3h');
  expect(formatAge('2024-04-27T12:00:00Z', now)).toBe('4d');
  expect(formatAge(undefined, now)).toBe('-');
});

describe('what an operator needs to read', () => {
  const NOW = Date.parse('2024-05-01T12:10:00Z');
  const store = (): StatusStore => new StatusStore({ now: () => Date.parse('2024-05-01T12:00:00Z') });

  test('a created resource reads as created, not as the reason it was missing', () => {
    const s = store();
    s.recordResult('Cluster/shop', 'r1', { key: 'Cluster/shop', outcome: 'created', reason: 'cluster shop does not exist', changes: [{ path: '', new: { clusterName: 'shop' } }], durationMs: 1, needsAttention: false });
    const text = formatStatusTable(s.toJSON(), NOW);
    expect(text).toMatch(/^Cluster\/shop +True +Created +10m +10m +created$/m);
    expect(text).not.toContain('does not exist');
  });

  test('on a terminal, a long Stalled message is wrapped under the MESSAGE column, never cut', () => {
    const s = store();
    const message = 'spec.launchType: must be one of EC2, FARGATE, EXTERNAL, MANAGED_INSTANCES; did you mean FARGATE? (fix the value)';
    s.markStalled('Service/nginx', 'r1', [{ severity: 'error', code: 'enum', file: '/srv/manifests/nginx.yaml', line: 30, column: 15, message }]);
    const lines = formatStatusTable(s.toJSON(), NOW, { width: 100 }).split('\n');
    const first = lines.findIndex((l) => l.startsWith('Service/nginx'));
    const column = lines[first - 1]?.indexOf('MESSAGE') ?? -1;
    const wrapped = [lines[first]?.slice(column), ...lines.slice(first + 1).filter((l) => l.startsWith(' '.repeat(column)) && l.trim() !== '').map((l) => l.slice(column))];
    expect(wrapped.join(' ')).toBe(`/srv/manifests/nginx.yaml:30:15: ${message}`);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(100);
  });

  test('-o wide adds the observed revision, the last reconcile and the AWS error with its request id', async () => {
    status.recordResult('Service/db', 'a1b2c3d4e5f6a7b8', { key: 'Service/db', outcome: 'failed', reason: 'update failed', changes: [], durationMs: 5, needsAttention: true, error: { message: 'AccessDeniedException: no', code: 'AccessDeniedException', requestId: 'req-123' } });
    const run = await runSwitchboard(['status', '--url', server.url, '-o', 'wide']);
    expect(run.stdout).toMatch(/^KIND\/NAME +READY +REASON +SINCE +LAST CHANGE +OBSERVED +RECONCILED +ERROR +MESSAGE$/m);
    expect(run.stdout).toMatch(/^Service\/db +False +ReconcileFailed +\d+s +- +a1b2c3d4e5f6 +\d+s +AccessDeniedException \(request req-123\) +update failed: AccessDeniedException: no$/m);
  });
});

test('against a controller with --status-token, status sends the token from --status-token or SWITCHBOARD_STATUS_TOKEN', async () => {
  const guarded = await startHttpServer({ listen: '127.0.0.1:0', status, metrics, health: new Health(), statusToken: 'tok' });
  try {
    converge();
    const without = await runSwitchboard(['status', '--url', guarded.url]);
    expect(without).toMatchObject({ code: 1, stdout: '' });
    expect(without.stderr).toBe(`status: ${guarded.url}/status answered HTTP 401: the controller asks for a token: pass --status-token (or set SWITCHBOARD_STATUS_TOKEN)\n`);
    const wrong = await runSwitchboard(['status', '--url', guarded.url, '--status-token', 'nope']);
    expect(wrong.stderr).toMatch(/the token is not the controller's --status-token/);
    expect((await runSwitchboard(['status', '--url', guarded.url, '--status-token', 'tok'])).code).toBe(0);
    process.env.SWITCHBOARD_STATUS_TOKEN = 'tok';
    try {
      expect((await runSwitchboard(['status', '--url', guarded.url])).code).toBe(0);
    } finally {
      delete process.env.SWITCHBOARD_STATUS_TOKEN;
    }
  } finally {
    await guarded.close();
  }
});
