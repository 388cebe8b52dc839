/**
 * The controller's read-only HTTP endpoints: `/healthz` (the loop is alive), `/readyz` (the first
 * full pass is done), `/status` (the status document) and `/metrics` (Prometheus text).
 * Loopback by default; nothing here changes state.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HealthReport } from './health.js';

/** What /status and /readyz read (a StatusStore). */
export interface StatusView {
  toJSON(): unknown;
  isReady(): boolean;
}

/** What /metrics reads (a Metrics). */
export interface MetricsView {
  expose(): Promise<string>;
  readonly contentType: string;
}

/** What /healthz reads (a Health). */
export interface HealthView {
  check(): HealthReport;
}

export interface HttpServerOptions {
  /** `host:port` (`[::1]:port` for IPv6) or a bare port on loopback; port 0 picks a free one. Default `127.0.0.1:8080`. */
  listen?: string;
  status: StatusView;
  metrics: MetricsView;
  health: HealthView;
}

export interface HttpServerHandle {
  /** The base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  close(): Promise<void>;
}

export const DEFAULT_LISTEN = '127.0.0.1:8080';

/** A listen address that cannot be used. */
export class ListenAddressError extends Error {
  constructor(readonly value: string, reason: string) {
    super(`--listen ${JSON.stringify(value)}: ${reason}`);
    this.name = 'ListenAddressError';
  }
}

/** Parses `host:port`, `[ipv6]:port` or a bare port (loopback); throws ListenAddressError. */
export function parseListen(value: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d+)$/.exec(value) ?? /^()()(\d+)$/.exec(value);
  if (!m) throw new ListenAddressError(value, 'expected HOST:PORT, e.g. 127.0.0.1:8080 or 0.0.0.0:8080');
  const host = m[1] ?? m[2] ?? '';
  const port = Number(m[3]);
  if (port > 65535) throw new ListenAddressError(value, 'the port must be 0-65535');
  if (host === '' && value.includes(':')) throw new ListenAddressError(value, 'name the address, e.g. 127.0.0.1:8080 (loopback) or 0.0.0.0:8080 (every interface)');
  return { host: host === '' ? '127.0.0.1' : host, port };
}

const TEXT = 'text/plain; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

function send(req: IncomingMessage, res: ServerResponse, code: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(code, { 'Content-Type': contentType, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(req.method === 'HEAD' ? undefined : body);
}

async function route(req: IncomingMessage, res: ServerResponse, options: HttpServerOptions): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  const known = path === '/healthz' || path === '/readyz' || path === '/status' || path === '/metrics';
  if (!known) return send(req, res, 404, TEXT, 'not found: try /healthz, /readyz, /status or /metrics\n');
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(req, res, 405, TEXT, 'method not allowed: these endpoints are read-only\n', { Allow: 'GET, HEAD' });
  switch (path) {
    case '/healthz': {
      const h = options.health.check();
      if (h.alive) return send(req, res, 200, TEXT, 'ok\n');
      return send(req, res, 503, TEXT, `unhealthy: no progress from the reconcile loop for ${Math.round(h.sinceHeartbeatMs / 1000)}s (limit ${Math.round(h.staleAfterMs / 1000)}s)\n`);
    }
    case '/readyz':
      if (options.status.isReady()) return send(req, res, 200, TEXT, 'ready\n');
      return send(req, res, 503, TEXT, 'not ready: the first full pass has not finished\n');
    case '/status':
      return send(req, res, 200, JSON_TYPE, `${JSON.stringify(options.status.toJSON(), null, 2)}\n`);
    default: {
      const text = await options.metrics.expose();
      return send(req, res, 200, options.metrics.contentType, text);
    }
  }
}

/** Starts the endpoints; resolves once listening (rejects when the address is taken or invalid). */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServerHandle> {
  const { host, port } = parseListen(options.listen ?? DEFAULT_LISTEN);
  const server = createServer((req, res) => {
    // A handler failure (e.g. a metric collector throwing) is a 500, never an unhandled rejection.
    route(req, res, options).catch((err: unknown) => {
      if (res.headersSent) res.destroy();
      else send(req, res, 500, TEXT, `internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    });
  });
  // Probes and scrapes are small: bound how long a slow client may hold a socket.
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(new ListenAddressError(options.listen ?? DEFAULT_LISTEN, err.message));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
