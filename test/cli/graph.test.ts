/**
 * `switchboard graph`: the map of the manifests, offline as Mermaid or DOT, and with --url each
 * node's live state from a controller's real /status endpoint.
 */
import { readFileSync } from 'node:fs';
import { Health } from '../../src/observe/health.js';
import { startHttpServer, type HttpServerHandle } from '../../src/observe/http.js';
import { Metrics } from '../../src/observe/metrics.js';
import { StatusStore } from '../../src/observe/status.js';
import { runSwitchboard } from '../helpers/cli.js';

let status: StatusStore;
let metrics: Metrics;
let server: HttpServerHandle;

beforeEach(async () => {
  status = new StatusStore();
  metrics = new Metrics({ defaultMetrics: false, observeAws: false });
  server = await startHttpServer({ listen: '127.0.0.1:0', status, metrics, health: new Health() });
});

afterEach(async () => {
  await server.close();
  metrics.dispose();
});

test('offline, the examples are drawn as Mermaid by default and as DOT on request', async () => {
  const mermaid = await runSwitchboard(['graph', '-f', 'manifests/examples']);
  expect(mermaid).toMatchObject({ code: 0, stderr: '' });
  expect(mermaid.stdout).toMatch(/^flowchart LR\n/);
  expect(mermaid.stdout).toContain('svc_web -->|"api:8080"| svc_api');
  const dot = await runSwitchboard(['graph', '-f', 'manifests/examples', '--format', 'dot']);
  expect(dot).toMatchObject({ code: 0, stderr: '' });
  expect(dot.stdout).toMatch(/^digraph service_connect \{\n/);
  expect(dot.stdout).toContain('"Service/curl" -> "Service/nginx" [label="nginx-80-tcp.test-namespace:80"];');
});

test('invalid manifests are reported as validate reports them, and nothing is drawn', async () => {
  const run = await runSwitchboard(['graph', '-f', 'manifests/invalid/duplicate-key.yaml']);
  expect(run.code).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/duplicate-key\.yaml:\d+:\d+: error: /);
});

test('with --url, each node carries the state the controller reports for it', async () => {
  status.recordResult('Service/web', 'r1', { key: 'Service/web', outcome: 'unchanged', reason: 'up to date', changes: [], durationMs: 1, needsAttention: false });
  status.markStalled('Service/api', 'r1', [{ severity: 'error', code: 'unknown-field', file: 'api.yaml', line: 9, column: 3, message: 'unknown field "desiredCont"' }]);
  const run = await runSwitchboard(['graph', '-f', 'manifests/examples', '--url', server.url]);
  expect(run).toMatchObject({ code: 0, stderr: '' });
  expect(run.stdout).toContain('<br/>Stalled: api.yaml:9:3: unknown field #34;desiredCont#34;"]');
  expect(run.stdout).toMatch(/^ {2}class svc_api stalled$/m);
  expect(run.stdout).toMatch(/^ {2}class svc_web ready$/m);
  // Resources the controller does not report (yet) are drawn without a state.
  expect(run.stdout).toMatch(/^ {2}class .*svc_nginx.* unknown$/m);
});

test('with --url, a controller that cannot be reached is a clear message and exit 1', async () => {
  const closed = await startHttpServer({ listen: '127.0.0.1:0', status, metrics, health: new Health() });
  await closed.close();
  const run = await runSwitchboard(['graph', '-f', 'manifests/examples', '--url', closed.url]);
  expect(run).toMatchObject({ code: 1, stdout: '' });
  expect(run.stderr).toMatch(/^graph: cannot reach the controller at http:\/\/127\.0\.0\.1:\d+\/status: ECONNREFUSED/);
});

test('the README shows the map of the bundled examples exactly as graph draws it', async () => {
  const readme = readFileSync('README.md', 'utf8');
  const block = /```mermaid\n([\s\S]*?)```/.exec(readme)?.[1];
  const run = await runSwitchboard(['graph', '-f', 'manifests/examples']);
  expect(block).toBe(run.stdout);
});
