/**
 * A minimal S3 for the benchmark's S3-source scenario: ListObjectsV2 (paginated at 1,000 keys,
 * continuation tokens) and GetObject on one in-memory bucket, path-style, counting every request.
 * (The tests use s3rver, which cannot paginate on Node 17+; the 1,000-service fleet needs 2 pages.)
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** One in-memory bucket served over HTTP. */
export class FakeS3 {
  private readonly objects = new Map<string, { body: Buffer; etag: string }>();
  private server: http.Server | undefined;
  /** Requests seen: ListObjectsV2 first pages, continuation pages, GetObject; `pages`: the pages of each listing, in order. */
  counts = { listFirstPages: 0, listContinuations: 0, gets: 0, other: 0, pages: [] as number[] };

  constructor(readonly bucket: string) {}

  /** Writes an object (not counted). */
  put(key: string, body: string): void {
    const buf = Buffer.from(body);
    this.objects.set(key, { body: buf, etag: `"${createHash('md5').update(buf).digest('hex')}"` });
  }

  get keyCount(): number {
    return this.objects.size;
  }

  resetCounts(): void {
    this.counts = { listFirstPages: 0, listContinuations: 0, gets: 0, other: 0, pages: [] };
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => this.handle(req, res));
    });
    this.server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://s3');
    const parts = url.pathname.split('/').filter((p) => p !== '');
    const bucket = decodeURIComponent(parts[0] ?? '');
    const key = parts.slice(1).map(decodeURIComponent).join('/');
    const send = (status: number, body: string, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/xml', 'x-amz-request-id': 'FAKE', ...headers });
      res.end(body);
    };
    if (bucket !== this.bucket) {
      send(404, '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchBucket</Code><Message>no such bucket</Message></Error>');
      return;
    }
    if (req.method === 'GET' && key === '' && url.searchParams.get('list-type') === '2') {
      const token = url.searchParams.get('continuation-token');
      if (token) {
        this.counts.listContinuations++;
        const last = this.counts.pages.length - 1;
        if (last >= 0) this.counts.pages[last] = (this.counts.pages[last] ?? 0) + 1;
      } else {
        this.counts.listFirstPages++;
        this.counts.pages.push(1);
      }
      const prefix = url.searchParams.get('prefix') ?? '';
      const max = Math.min(1000, Number(url.searchParams.get('max-keys') ?? 1000));
      const keys = [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
      const start = token ? keys.findIndex((k) => k > Buffer.from(token, 'base64url').toString()) : 0;
      const page = start < 0 ? [] : keys.slice(start, start + max);
      const truncated = start >= 0 && start + max < keys.length;
      const next = truncated ? Buffer.from(page[page.length - 1] ?? '').toString('base64url') : undefined;
      const contents = page
        .map((k) => {
          const o = this.objects.get(k);
          return `<Contents><Key>${escapeXml(k)}</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>${escapeXml(o?.etag ?? '')}</ETag><Size>${o?.body.length ?? 0}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
        })
        .join('');
      send(
        200,
        `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${this.bucket}</Name><Prefix>${escapeXml(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${max}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${next ? `<NextContinuationToken>${next}</NextContinuationToken>` : ''}${contents}</ListBucketResult>`,
      );
      return;
    }
    if (req.method === 'GET' && key !== '') {
      this.counts.gets++;
      const o = this.objects.get(key);
      if (!o) {
        send(404, '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>no such key</Message></Error>');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-yaml', etag: o.etag, 'content-length': String(o.body.length), 'x-amz-request-id': 'FAKE' });
      res.end(o.body);
      return;
    }
    this.counts.other++;
    send(405, '<?xml version="1.0" encoding="UTF-8"?><Error><Code>MethodNotAllowed</Code><Message>not supported here</Message></Error>');
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
