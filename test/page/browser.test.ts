/**
 * The controller's page in a real browser (Debian's chromium, driven by playwright-core) against
 * a running daemon on the simulator: the map shows the namespaces, services, aliases and states;
 * a broken manifest turns its node Stalled; no request leaves the controller; a screenshot is kept
 * in test-artifacts/. CI installs chromium (.ci/run); elsewhere the test is skipped without it.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { startDaemon, until, type Daemon } from '../daemon/helpers.js';
import { tempDir } from '../helpers/fs.js';

const CHROMIUM = process.env.SWITCHBOARD_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = path.resolve('test-artifacts');
const TOKEN = 'page-test-token';
const available = existsSync(CHROMIUM);

if (!available && process.env.CI) {
  test('chromium is installed for the browser test', () => {
    throw new Error(`${CHROMIUM} is missing: .ci/run installs it (apt-get install -y chromium)`);
  });
}

const maybe = available ? describe : describe.skip;

maybe('the page in chromium', () => {
  let sim: SimulatorHandle;
  let daemon: Daemon;
  let dir: string;
  let cleanup: () => void;
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  const requests: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ timeScale: 100 });
    ({ dir, cleanup } = tempDir());
    cpSync('manifests/examples', dir, { recursive: true });
    daemon = await startDaemon(['--source', dir, '--endpoint-url', sim.url, '--resync-interval', '1m'], { SWITCHBOARD_STATUS_TOKEN: TOKEN });
    await until('ready', async () => (await fetch(`${daemon.url}/readyz`)).status === 200, 30_000);
    profile = mkdtempSync(path.join(tmpdir(), 'switchboard-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      httpCredentials: { username: 'operator', password: TOKEN },
      viewport: { width: 1400, height: 1000 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
  }, 90_000);

  afterAll(async () => {
    await context?.close();
    if (daemon && daemon.child.exitCode === null) {
      daemon.child.kill('SIGTERM');
      await daemon.exited;
    }
    await sim?.close();
    cleanup?.();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  const node = (key: string) => page.locator(`#map g[id="${key}"]`);
  const stateOf = async (key: string): Promise<string | undefined> => /state-(\w+)/.exec((await node(key).getAttribute('class')) ?? '')?.[1];

  test('without the token, the page and its data are refused; the assets are not secret', async () => {
    expect((await fetch(`${daemon.url}/`)).status).toBe(401);
    expect((await fetch(`${daemon.url}/map.json`)).status).toBe(401);
    expect((await fetch(`${daemon.url}/status`)).status).toBe(401);
    expect((await fetch(`${daemon.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${daemon.url}/assets/page.js`)).status).toBe(200);
  });

  test('the map shows every namespace with its services, aliases and states, beside the status table', async () => {
    await page.goto(`${daemon.url}/`);
    await page.waitForSelector('body[data-ready="true"] #map svg', { timeout: 30_000 });
    // A created service is Ready once the controller has seen its rollout complete (it looks again
    // a while later): until then it is Reconciling. Either way the map and the table agree.
    const services = ['Service/api', 'Service/web', 'Service/worker', 'Service/nginx', 'Service/curl'];
    await until('every service converged or rolling out on the map', async () => (await Promise.all(services.map(stateOf))).every((s) => s === 'ready' || s === 'reconciling'), 30_000);
    expect(await page.locator('#map g.cluster').evaluateAll((gs) => gs.map((g) => g.id))).toEqual(['Namespace/shop', 'Namespace/test-namespace']);
    expect(await node('Namespace/shop').locator('text').first().textContent()).toBe('namespace shop · Ready');
    const text = async (key: string): Promise<string[]> => node(key).locator('text').allTextContents();
    const stateLine = /^(Ready|Reconciling: .+)$/;
    expect(await text('Service/api')).toEqual(['api', 'cluster shop', 'port api-http → api', 'http://api:8080', expect.stringMatching(stateLine)]);
    expect(await text('Service/worker')).toContain('grpc://worker:50051');
    expect(await text('Service/nginx')).toContain('http://nginx-80-tcp.test-namespace:80');
    expect(await text('Service/curl')).toEqual(['curl', 'cluster default', 'client only', expect.stringMatching(stateLine)]);
    for (const key of services) {
      const onMap = (await text(key)).pop()?.split(':')[0];
      expect({ key, table: await page.locator(`#rows tr[id="${key}"] td.state`).textContent() }).toEqual({ key, table: onMap });
    }
    expect(await page.locator('#map g.edge title').allTextContents()).toEqual(expect.arrayContaining(['Service/web->Service/api', 'Service/api->Service/worker', 'Service/curl->Service/nginx']));
    // The table: every resource, its state, and a link from each node to its row.
    expect(await page.locator('#rows tr[id="TaskDefinition/shop-api"] td.state').textContent()).toBe('Ready');
    expect(await node('Service/nginx').locator('a').getAttribute('xlink:href')).toBe('#Service/nginx');
    expect(await page.locator('#source').textContent()).toContain(dir);
  }, 60_000);

  test('a broken manifest turns its node Stalled, with the file and line, without a reload', async () => {
    const file = path.join(dir, 'nginx.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('launchType: FARGATE', 'launchType: FARGATEE'));
    await until('nginx Stalled on the map', async () => (await stateOf('Service/nginx')) === 'stalled', 20_000);
    expect((await node('Service/nginx').locator('text').allTextContents()).pop()).toMatch(/^Stalled: .*nginx\.yaml:\d+:\d+: /);
    expect(await page.locator('#rows tr[id="Service/nginx"] td.state').textContent()).toBe('Stalled');
    expect(await page.locator('#rows tr[id="Service/nginx"] td.message').textContent()).toMatch(/nginx\.yaml:\d+:\d+: .*FARGATEE/);
    expect(await stateOf('Service/curl')).not.toBe('stalled');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'page.png'), fullPage: true });
    expect(existsSync(path.join(ARTIFACTS, 'page.png'))).toBe(true);
  }, 60_000);

  test('no request left the controller, and the page met no error or policy violation', () => {
    const origin = new URL(daemon.url).origin;
    expect(requests.length).toBeGreaterThan(3);
    expect(requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('data:'))).toEqual([]);
    expect(problems).toEqual([]);
  });
});
