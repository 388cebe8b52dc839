/**
 * The page's routes on the real HTTP listener: what it serves, what the token guards, caching of
 * its data per change, and the map kept from the last good manifests.
 */
import { loadManifests } from '../../src/cli/common.js';
import { DaemonMap } from '../../src/cli/run-map.js';
import { Health } from '../../src/observe/health.js';
import { startHttpServer, type HttpServerHandle } from '../../src/observe/http.js';
import { Metrics } from '../../src/observe/metrics.js';
import { StatusStore } from '../../src/observe/status.js';
import type { DesiredResource } from '../../src/manifests/model.js';

const TOKEN = 's3cr3t';
let now = Date.parse('2024-05-01T12:00:00Z');
let status: StatusStore;
let metrics: Metrics;
let map: DaemonMap;
let server: HttpServerHandle;
let resources: DesiredResource[];

beforeAll(async () => {
  resources = (await loadManifests(['manifests/examples'])).resources;
});

beforeEach(async () => {
  status = new StatusStore({ now: () => now });
  metrics = new Metrics({ defaultMetrics: false, observeAws: false });
  map = new DaemonMap({ status, defaultCluster: 'default', region: 'us-east-1', now: () => now });
  map.onDesired(new Map(resources.map((r) => [r.key, r])), new Set());
  server = await startHttpServer({ listen: '127.0.0.1:0', status, metrics, health: new Health(), page: map.page, statusToken: TOKEN, now: () => now });
});

afterEach(async () => {
  await server.close();
  metrics.dispose();
});

const get = (path: string, headers: Record<string, string> = {}): Promise<Response> => fetch(`${server.url}${path}`, { headers });
const bearer = { Authorization: `Bearer ${TOKEN}` };

test('the page and its data need the token, as a bearer token or a Basic password; probes and static assets do not', async () => {
  for (const path of ['/', '/map.json', '/map.dot', '/map.mmd', '/status']) {
    const refused = await get(path);
    expect({ path, status: refused.status, challenge: refused.headers.get('www-authenticate') }).toEqual({ path, status: 401, challenge: 'Basic realm="switchboard", charset="UTF-8"' });
    expect((await get(path, { Authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await get(path, bearer)).status).toBe(200);
    expect((await get(path, { Authorization: `Basic ${Buffer.from(`anyone:${TOKEN}`).toString('base64')}` })).status).toBe(200);
  }
  for (const path of ['/healthz', '/assets/page.js', '/assets/page.css', '/assets/viz.js']) expect({ path, status: (await get(path)).status }).toEqual({ path, status: 200 });
});

test('the HTML allows no request outside the controller and no inline script', async () => {
  const res = await get('/', bearer);
  expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
  const csp = res.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(csp).toContain("connect-src 'self'");
  const html = await res.text();
  expect(html).not.toMatch(/<script>|https?:\/\//);
  expect(html).toContain('<script src="assets/viz.js"></script>');
  // Graphviz for the browser comes from the installed package.
  const viz = await (await get('/assets/viz.js')).text();
  expect(viz).toMatch(/^\/\*!\nViz\.js /);
});

test('/map.json carries the map as DOT with states, the header and one row per resource, and is computed again only after a change', async () => {
  status.markStalled('Service/api', 'r1', [{ severity: 'error', code: 'enum', file: '/m/api.yaml', line: 3, column: 5, message: 'bad value' }]);
  const first = await get('/map.json', bearer);
  const etag = first.headers.get('etag') ?? '';
  const model = (await first.json()) as { dot: string; rows: { key: string; state: string; message: string }[]; header: { source: string } };
  expect(model.dot).toContain('"Service/api" [id="Service/api", class="service server state-stalled"');
  expect(model.dot).toContain('Stalled: api.yaml:3:5: bad value');
  expect(model.rows).toEqual([{ key: 'Service/api', state: 'Stalled', reason: 'InvalidManifest', message: '/m/api.yaml:3:5: bad value', since: expect.any(String) as unknown as string }]);
  expect(model.header.source).toBe('not read yet');
  expect((await get('/map.json', { ...bearer, 'If-None-Match': etag })).status).toBe(304);
  status.recordResult('Service/web', 'r1', { key: 'Service/web', outcome: 'created', reason: 'missing', changes: [], durationMs: 1, needsAttention: false });
  // Within a second of the last computation, readers get it again; after, the change.
  expect((await get('/map.json', { ...bearer, 'If-None-Match': etag })).status).toBe(304);
  now += 1500;
  const next = await get('/map.json', { ...bearer, 'If-None-Match': etag });
  expect(next.status).toBe(200);
  expect(((await next.json()) as { rows: unknown[] }).rows).toHaveLength(2);
});

test('/map.mmd is the Mermaid map with states, as switchboard graph --url prints it', async () => {
  status.recordResult('Service/api', 'r1', { key: 'Service/api', outcome: 'created', reason: 'missing', changes: [], durationMs: 1, needsAttention: false });
  const text = await (await get('/map.mmd', bearer)).text();
  expect(text).toMatch(/^flowchart LR\n/);
  expect(text).toMatch(/^ {2}class svc_api ready$/m);
});

test('a resource whose manifest breaks keeps its place on the map; one whose manifest is gone leaves it', async () => {
  const byKey = new Map(resources.map((r) => [r.key, r]));
  const withoutApi = new Map([...byKey].filter(([k]) => k !== 'Service/api'));
  map.onDesired(withoutApi, new Set(['Service/api']));
  expect(await (await get('/map.dot', bearer)).text()).toContain('"Service/api" [');
  map.onDesired(withoutApi, new Set());
  now += 1500;
  expect(await (await get('/map.dot', bearer)).text()).not.toContain('"Service/api" [');
});

test('status rows of log groups no manifest needs any more are dropped', () => {
  for (const g of ['/ecs/nginx', '/ecs/curl']) status.recordResult(`LogGroup/${g}`, 'r1', { key: `LogGroup/${g}`, outcome: 'created', reason: 'missing', changes: [], durationMs: 1, needsAttention: false });
  map.onDesired(new Map(resources.filter((r) => r.key !== 'TaskDefinition/curl').map((r) => [r.key, r])), new Set());
  expect(status.keys().filter((k) => k.startsWith('LogGroup/'))).toEqual(['LogGroup//ecs/nginx']);
});
