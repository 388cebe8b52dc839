/**
 * The controller's read-only HTTP endpoints: `/healthz` (the loop is alive), `/readyz` (the first
 * full pass is done and the source reads), `/status` (the status document) and `/metrics` (Prometheus text).
 * Loopback by default; nothing here changes state.
 *
 * The status document can be megabytes (about 850 bytes a resource): it is rendered at most once
 * per change and per `statusMinIntervalMs`, and at most `maxStatusInFlight` bodies are sent at once
 * (more readers get 503 with Retry-After), so readers of `/status` cannot starve the event loop
 * that answers `/healthz` and `/readyz`, which are never limited.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FreshnessReport } from './freshness.js';
import type { HealthReport } from './health.js';
import { carriesToken, TOKEN_CHALLENGE } from './token.js';

/** What /status and /readyz read (a StatusStore). */
export interface StatusView {
  /** Increases whenever the document changes. */
  readonly version: number;
  /** The document as JSON text. */
  toJsonText(): string;
  isReady(): boolean;
  /** Leader or standby and since when, when a lease is used (shown on /readyz). */
  leadershipLine?(): string | undefined;
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

/** What /readyz reads of the source (a SourceFreshness). */
export interface FreshnessView {
  check(): FreshnessReport;
}

export interface HttpServerOptions {
  /** `host:port` (`[::1]:port` for IPv6) or a bare port on loopback; port 0 picks a free one. Default `127.0.0.1:8080`. */
  listen?: string;
  status: StatusView;
  metrics: MetricsView;
  health: HealthView;
  /** When given, /readyz is 503 while the source has not read successfully for too long. */
  source?: FreshnessView;
  /** A changed document is rendered again at most this often (default 1 s); readers in between get the last rendering. */
  statusMinIntervalMs?: number;
  /** How many `/status` bodies may be in flight at once (default 4); more readers get 503. */
  maxStatusInFlight?: number;
  /** The clock the render interval is measured with. */
  now?: () => number;
  /** The map page (`/`, `/map.json`, `/assets/*`), when the controller serves it. */
  page?: PageView;
  /** When set, `/status` and the page's status data answer only requests carrying it (never /healthz, /readyz). */
  statusToken?: string;
}

/** Status data (the page, the map: behind `--status-token`, bounded like `/status`) or a static asset. */
export type PageRouteKind = 'status-data' | 'asset';

/** An answer to one page request. */
export interface PageAnswer {
  status: 200 | 304;
  contentType: string;
  body: Buffer | string;
  headers: Record<string, string>;
}

/** What the page's routes are (a MapPage). */
export interface PageView {
  classify(path: string): PageRouteKind | undefined;
  answer(path: string, ifNoneMatch: string | undefined): Promise<PageAnswer | undefined>;
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
const DEFAULT_STATUS_MIN_INTERVAL_MS = 1000;
const DEFAULT_MAX_STATUS_IN_FLIGHT = 4;

function send(req: IncomingMessage, res: ServerResponse, code: number, contentType: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(code, { 'Content-Type': contentType, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** The status document as bytes, rendered again only when it changed and the last rendering is old enough. */
class RenderedStatus {
  private last: { version: number; at: number; body: Buffer } | undefined;

  constructor(
    private readonly view: StatusView,
    private readonly minIntervalMs: number,
    private readonly now: () => number,
  ) {}

  body(): Buffer {
    const version = this.view.version;
    const last = this.last;
    if (last !== undefined && (last.version === version || this.now() - last.at < this.minIntervalMs)) return last.body;
    // One Buffer shared by every reader: res.end() of a Buffer does not copy it.
    const body = Buffer.from(`${this.view.toJsonText()}\n`, 'utf8');
    this.last = { version, at: this.now(), body };
    return body;
  }
}

/** Counts responses in flight and turns away readers beyond the bound. */
class InFlight {
  private count = 0;

  constructor(private readonly max: number) {}

  /** Takes a place for `res` until it finishes or its reader goes away; false when none is free. */
  enter(res: ServerResponse): boolean {
    if (this.count >= this.max) return false;
    this.count++;
    res.once('close', () => this.count--);
    return true;
  }
}

interface Routes {
  options: HttpServerOptions;
  status: RenderedStatus;
  statusReaders: InFlight;
}

async function route(req: IncomingMessage, res: ServerResponse, routes: Routes): Promise<void> {
  const { options } = routes;
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const page = options.page?.classify(path);
  const known = page !== undefined || path === '/healthz' || path === '/readyz' || path === '/status' || path === '/metrics';
  if (!known) return send(req, res, 404, TEXT, `not found: try ${options.page ? '/ (the map), ' : ''}/healthz, /readyz, /status or /metrics\n`);
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(req, res, 405, TEXT, 'method not allowed: these endpoints are read-only\n', { Allow: 'GET, HEAD' });
  if ((path === '/status' || page === 'status-data') && options.statusToken !== undefined && !carriesToken(req.headers.authorization, options.statusToken)) {
    return send(req, res, 401, TEXT, 'unauthorized: this controller runs with --status-token; send it as a bearer token (switchboard status --status-token)\n', { 'WWW-Authenticate': TOKEN_CHALLENGE });
  }
  if (page !== undefined) {
    if (page === 'status-data' && !routes.statusReaders.enter(res)) return send(req, res, 503, TEXT, 'busy: too many status requests in flight; retry shortly\n', { 'Retry-After': '1' });
    const answer = await options.page?.answer(path, req.headers['if-none-match']);
    return answer ? send(req, res, answer.status, answer.contentType, answer.body, answer.headers) : send(req, res, 404, TEXT, 'not found\n');
  }
  switch (path) {
    case '/healthz': {
      const h = options.health.check();
      if (h.alive) return send(req, res, 200, TEXT, 'ok\n');
      return send(req, res, 503, TEXT, `unhealthy: no progress from the reconcile loop for ${Math.round(h.sinceHeartbeatMs / 1000)}s (limit ${Math.round(h.staleAfterMs / 1000)}s)\n`);
    }
    case '/readyz': {
      const role = options.status.leadershipLine?.();
      const suffix = role ? ` (${role})` : '';
      if (!options.status.isReady()) return send(req, res, 503, TEXT, `not ready: the first full pass has not finished${suffix}\n`);
      const f = options.source?.check();
      if (f !== undefined && !f.fresh) {
        return send(req, res, 503, TEXT, `not ready: no successful read of the source for ${Math.round(f.sinceReadMs / 1000)}s (limit ${Math.round(f.staleAfterMs / 1000)}s)${suffix}\n`);
      }
      return send(req, res, 200, TEXT, `ready${suffix}\n`);
    }
    case '/status':
      if (!routes.statusReaders.enter(res)) return send(req, res, 503, TEXT, 'busy: too many status requests in flight; retry shortly\n', { 'Retry-After': '1' });
      return send(req, res, 200, JSON_TYPE, routes.status.body());
    default: {
      const text = await options.metrics.expose();
      return send(req, res, 200, options.metrics.contentType, text);
    }
  }
}

/** Starts the endpoints; resolves once listening (rejects when the address is taken or invalid). */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServerHandle> {
  const { host, port } = parseListen(options.listen ?? DEFAULT_LISTEN);
  const routes: Routes = {
    options,
    status: new RenderedStatus(options.status, options.statusMinIntervalMs ?? DEFAULT_STATUS_MIN_INTERVAL_MS, options.now ?? Date.now),
    statusReaders: new InFlight(options.maxStatusInFlight ?? DEFAULT_MAX_STATUS_IN_FLIGHT),
  };
  const server = createServer((req, res) => {
    // A handler failure (e.g. a metric collector throwing) is a 500, never an unhandled rejection.
    route(req, res, routes).catch((err: unknown) => {
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
