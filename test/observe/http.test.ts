import http from 'node:http';
import { jest } from '@jest/globals';
import { resourceKey } from '../../src/manifests/model.js';
import { Health, defaultStaleAfterMs } from '../../src/observe/health.js';
import { ListenAddressError, parseListen, startHttpServer, type HttpServerHandle } from '../../src/observe/http.js';
import { Metrics } from '../../src/observe/metrics.js';
import { StatusStore } from '../../src/observe/status.js';

let now = Date.parse('2024-05-01T12:00:00.000Z');
const clock = (): number => now;
let status: StatusStore;
let metrics: Metrics;
let health: Health;
let server: HttpServerHandle;

beforeEach(async () => {
  now = Date.parse('2024-05-01T12:00:00.000Z');
  status = new StatusStore({ now: clock });
  metrics = new Metrics({ defaultMetrics: false, observeAws: false, now: clock });
  health = new Health({ staleAfterMs: 60_000, now: clock });
  server = await startHttpServer({ listen: '127.0.0.1:0', status, metrics, health });
});

afterEach(async () => {
  await server.close();
  metrics.dispose();
});

test('healthz is ok while heartbeats come and 503 once they stop for longer than the limit', async () => {
  let res = await fetch(`${server.url}/healthz`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  expect(await res.text()).toBe('ok\n');
  now += 61_000;
  res = await fetch(`${server.url}/healthz`);
  expect(res.status).toBe(503);
  expect(await res.text()).toContain('no progress from the reconcile loop for 61s (limit 60s)');
  health.heartbeat();
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
});

test('readyz is 503 until the first full pass is done, then 200', async () => {
  let res = await fetch(`${server.url}/readyz`);
  expect(res.status).toBe(503);
  expect(await res.text()).toContain('first full pass');
  status.firstFullPassDone();
  res = await fetch(`${server.url}/readyz`);
  expect(res.status).toBe(200);
  expect(await res.text()).toBe('ready\n');
});

test('status serves the status document as JSON', async () => {
  status.setSource({ description: 'directory ./m', revision: 'r1', complete: true });
  status.recordResult('Service/web', 'r1', { key: 'Service/web', outcome: 'created', reason: 'created', changes: [], durationMs: 5, needsAttention: false });
  const res = await fetch(`${server.url}/status?pretty`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(res.headers.get('cache-control')).toBe('no-store');
  const body: unknown = await res.json();
  expect(body).toEqual(status.toJSON());
  expect(body).toMatchObject({ kind: 'SwitchboardStatus', source: { revision: 'r1' }, resources: [{ key: 'Service/web' }] });
});

test('metrics serves the Prometheus text with its content type', async () => {
  metrics.recordPass({ counts: { unchanged: 1 } });
  metrics.setQueueDepth(2);
  const res = await fetch(`${server.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe(metrics.contentType);
  const text = await res.text();
  expect(text).toContain('switchboard_passes_total{result="success"} 1');
  expect(text).toContain('switchboard_queue_depth 2');
});

test('unknown paths are 404 and writes are 405 with the allowed methods', async () => {
  expect((await fetch(`${server.url}/`)).status).toBe(404);
  expect((await fetch(`${server.url}/status/extra`)).status).toBe(404);
  const post = await fetch(`${server.url}/status`, { method: 'POST', body: '{}' });
  expect(post.status).toBe(405);
  expect(post.headers.get('allow')).toBe('GET, HEAD');
  expect((await fetch(`${server.url}/readyz`, { method: 'DELETE' })).status).toBe(405);
});

test('a HEAD probe gets the status code without a body', async () => {
  const res = await fetch(`${server.url}/healthz`, { method: 'HEAD' });
  expect(res.status).toBe(200);
  expect(await res.text()).toBe('');
});

test('a failing metrics collector is a 500, and the server keeps serving', async () => {
  const broken = await startHttpServer({
    listen: '127.0.0.1:0',
    status,
    health,
    metrics: { contentType: 'text/plain', expose: () => Promise.reject(new Error('collector broke')) },
  });
  try {
    const res = await fetch(`${broken.url}/metrics`);
    expect(res.status).toBe(500);
    expect(await res.text()).toContain('collector broke');
    expect((await fetch(`${broken.url}/healthz`)).status).toBe(200);
  } finally {
    await broken.close();
  }
});

test('listening on a taken port fails with the address in the message', async () => {
  const port = new URL(server.url).port;
  await expect(startHttpServer({ listen: `127.0.0.1:${port}`, status, metrics, health })).rejects.toThrow(new RegExp(`--listen "127.0.0.1:${port}": .*EADDRINUSE`));
});

test('listen addresses are host:port, [ipv6]:port or a bare port on loopback', () => {
  expect(parseListen('127.0.0.1:8080')).toEqual({ host: '127.0.0.1', port: 8080 });
  expect(parseListen('0.0.0.0:9090')).toEqual({ host: '0.0.0.0', port: 9090 });
  expect(parseListen('[::1]:0')).toEqual({ host: '::1', port: 0 });
  expect(parseListen('localhost:80')).toEqual({ host: 'localhost', port: 80 });
  expect(parseListen('8080')).toEqual({ host: '127.0.0.1', port: 8080 });
  expect(() => parseListen(':8080')).toThrow(ListenAddressError);
  expect(() => parseListen('127.0.0.1:99999')).toThrow(/0-65535/);
  expect(() => parseListen('127.0.0.1')).toThrow(/HOST:PORT/);
});

test('the default staleness is twice the resync interval, or 10 minutes', () => {
  expect(defaultStaleAfterMs(5 * 60_000)).toBe(10 * 60_000);
  expect(defaultStaleAfterMs(30_000)).toBe(60_000);
  expect(defaultStaleAfterMs()).toBe(600_000);
  expect(new Health().staleAfterMs).toBe(600_000);
});

describe('a busy status page', () => {
  function fill(store: StatusStore, n: number): void {
    const reason = `configured ${'x'.repeat(200)}`;
    for (let i = 0; i < n; i++) {
      const key = resourceKey('Service', `svc-${String(i).padStart(5, '0')}`);
      store.recordResult(key, 'r1', { key, outcome: 'configured', reason, changes: [{ path: 'desiredCount', old: 1, new: 2 }], durationMs: 3, needsAttention: false });
    }
  }

  test('the status document is serialised once per change, however many requests read it', async () => {
    status.recordResult('Service/web', 'r1', { key: 'Service/web', outcome: 'created', reason: 'created', changes: [], durationMs: 5, needsAttention: false });
    const stringify = jest.spyOn(JSON, 'stringify');
    try {
      const bodies = await Promise.all(Array.from({ length: 20 }, async () => (await fetch(`${server.url}/status`)).text()));
      expect(new Set(bodies).size).toBe(1);
      const calls = stringify.mock.calls.length;
      expect(calls).toBeLessThanOrEqual(2);
      // A change is served to the next reader (this server re-renders at once after a change).
      const fresh = await startHttpServer({ listen: '127.0.0.1:0', status, metrics, health, statusMinIntervalMs: 0 });
      try {
        await fetch(`${fresh.url}/status`).then((r) => r.text());
        status.markBlocked('Service/web', 'waiting');
        const after = (await (await fetch(`${fresh.url}/status`)).json()) as { resources: { conditions: { message: string }[] }[] };
        expect(after.resources[0]?.conditions[0]?.message).toBe('waiting');
      } finally {
        await fresh.close();
      }
    } finally {
      stringify.mockRestore();
    }
  });

  test('the served document is the status document', async () => {
    fill(status, 3);
    status.markStalled('Service/bad', 'r1', [{ severity: 'error', code: 'x', file: 'a.yaml', line: 1, column: 2, message: 'bad' }]);
    status.setSource({ description: 'directory ./m', revision: 'r1', complete: true });
    const text = await (await fetch(`${server.url}/status`)).text();
    expect(text).toBe(`${JSON.stringify(status.toJSON(), null, 2)}\n`);
  });

  test('status bodies in flight are bounded: more get 503 with Retry-After, while /healthz and /readyz keep answering', async () => {
    // About 8 MB of document: a reader that does not read keeps its body in flight.
    fill(status, 20_000);
    const bounded = await startHttpServer({ listen: '127.0.0.1:0', status, metrics, health, maxStatusInFlight: 2 });
    const held: http.ClientRequest[] = [];
    try {
      const open = (): Promise<http.IncomingMessage> =>
        new Promise((resolve, reject) => {
          const req = http.get(`${bounded.url}/status`, (res) => {
            res.pause();
            resolve(res);
          });
          req.on('error', reject);
          held.push(req);
        });
      const first = await open();
      const second = await open();
      expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
      const third = await fetch(`${bounded.url}/status`);
      expect(third.status).toBe(503);
      expect(third.headers.get('retry-after')).toBe('1');
      expect(await third.text()).toMatch(/busy/);
      expect((await fetch(`${bounded.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${bounded.url}/readyz`)).status).toBe(503);
      expect((await fetch(`${bounded.url}/metrics`)).status).toBe(200);
      // A reader that goes away frees its place.
      for (const r of held.splice(0)) r.destroy();
      let again = 503;
      for (let i = 0; i < 50 && again !== 200; i++) {
        const res = await fetch(`${bounded.url}/status`, { method: 'HEAD' });
        again = res.status;
        if (again !== 200) await new Promise((r) => setTimeout(r, 20));
      }
      expect(again).toBe(200);
    } finally {
      for (const r of held) r.destroy();
      await bounded.close();
    }
  });
});
