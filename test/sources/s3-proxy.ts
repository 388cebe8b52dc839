/**
 * A recording HTTP proxy in front of s3rver: it logs every request the S3 source makes, stamps
 * responses with a request id, and can answer in s3rver's place: with an S3 error (s3rver has no
 * bucket policies, so AccessDenied is produced here, as S3 would send it) or with a canned body
 * (s3rver 3.7.1 cannot paginate on Node 17+: its continuation tokens use DES, which OpenSSL 3
 * refuses). It can also hold requests while a test changes the bucket, because s3rver writes an
 * object's data and ETag in separate steps and a listing in between sees a transient ETag.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
}

/** An answer given instead of s3rver's: an S3 error document, or a ready XML body. */
export type InjectedReply = { status: number; code: string; message: string } | { status: number; xml: string };

/** What kind of S3 call a request is (path-style addressing). */
export function operationOf(r: RecordedRequest): string {
  const keyed = r.path.split('/').filter((s) => s !== '').length > 1;
  if (r.method === 'GET' && !keyed && r.query.get('list-type') === '2') return 'ListObjectsV2';
  if (r.method === 'GET' && keyed) return 'GetObject';
  if (r.method === 'PUT' && keyed) return 'PutObject';
  return `${r.method} ${r.path}`;
}

export class S3Proxy {
  readonly requests: RecordedRequest[] = [];
  fault: ((r: RecordedRequest) => InjectedReply | undefined) | undefined;
  private held: Promise<void> | undefined;
  private server: http.Server | undefined;
  private counter = 0;

  constructor(private readonly upstream: { host: string; port: number }) {}

  /** The S3 operations seen so far, in order. */
  operations(): string[] {
    return this.requests.map(operationOf);
  }

  count(operation: string): number {
    return this.operations().filter((o) => o === operation).length;
  }

  /** Runs `change` while requests wait at the door, so none sees the bucket half-changed. */
  async whileHeld<T>(change: () => Promise<T>): Promise<T> {
    let release = (): void => undefined;
    this.held = new Promise<void>((resolve) => (release = resolve));
    try {
      return await change();
    } finally {
      this.held = undefined;
      release();
    }
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const held = this.held;
      if (held === undefined) this.handle(req, res);
      else void held.then(() => this.handle(req, res));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const rec: RecordedRequest = { method: req.method ?? 'GET', path: decodeURIComponent(url.pathname), query: url.searchParams, headers: req.headers };
    this.requests.push(rec);
    const requestId = `REQ${++this.counter}`;
    const reply = this.fault?.(rec);
    if (reply !== undefined) {
      req.resume();
      res.writeHead(reply.status, { 'content-type': 'application/xml', 'x-amz-request-id': requestId });
      res.end(
        'xml' in reply
          ? reply.xml
          : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${reply.code}</Code><Message>${reply.message}</Message><RequestId>${requestId}</RequestId></Error>`,
      );
      return;
    }
    const up = http.request(
      { host: this.upstream.host, port: this.upstream.port, method: req.method, path: req.url, headers: req.headers },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, { ...upRes.headers, 'x-amz-request-id': requestId });
        upRes.pipe(res);
      },
    );
    up.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** One ListObjectsV2 page, as S3 writes it. */
export function listPageXml(
  bucket: string,
  prefix: string,
  objects: readonly { key: string; etag: string; size: number }[],
  maxKeys: number,
  nextToken: string | undefined,
): string {
  const contents = objects
    .map((o) => `<Contents><Key>${o.key}</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>${o.etag.replace(/"/g, '&quot;')}</ETag><Size>${o.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`)
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
    `<Name>${bucket}</Name><Prefix>${prefix}</Prefix><KeyCount>${objects.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys>` +
    `<IsTruncated>${nextToken !== undefined}</IsTruncated>${nextToken !== undefined ? `<NextContinuationToken>${nextToken}</NextContinuationToken>` : ''}` +
    `${contents}</ListBucketResult>`
  );
}
