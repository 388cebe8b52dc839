import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { SdkS3, createS3Client } from '../../src/aws/s3.js';
import { S3Source, SourceReadError, createSource, parseS3Location } from '../../src/sources/index.js';
import type { ManifestSource } from '../../src/sources/index.js';
import { Recorder, contents, sleep, waitFor } from './helpers.js';
import { S3Proxy, listPageXml } from './s3-proxy.js';

const BUCKET = 'manifests';
const OWNER = '111122223333';
const POLL = 50;

let dataDir: string;
let server: S3rver;
let direct: S3Client;
let proxy: S3Proxy;
let endpoint: string;
let savedCreds: [string | undefined, string | undefined];
const recorders: Recorder[] = [];
const sources: ManifestSource[] = [];

beforeAll(async () => {
  // s3rver accepts only its own key pair, and checks the signature.
  savedCreds = [process.env.AWS_ACCESS_KEY_ID, process.env.AWS_SECRET_ACCESS_KEY];
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
  dataDir = await mkdtemp(path.join(tmpdir(), 'switchboard-s3rver-'));
  server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dataDir, configureBuckets: [{ name: BUCKET }] });
  const { port } = await server.run();
  direct = new S3Client({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', forcePathStyle: true });
  proxy = new S3Proxy({ host: '127.0.0.1', port });
  endpoint = await proxy.start();
});

afterAll(async () => {
  direct.destroy();
  await proxy.close();
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
  [process.env.AWS_ACCESS_KEY_ID, process.env.AWS_SECRET_ACCESS_KEY] = savedCreds;
});

beforeEach(() => {
  proxy.fault = undefined;
});

afterEach(async () => {
  for (const r of recorders.splice(0)) r.stop();
  for (const s of sources.splice(0)) s.close();
  // Empty the bucket between tests through the emulator directly (not recorded by the proxy).
  const listed = await new SdkS3(direct).listObjects(BUCKET, '');
  for (const o of listed) await direct.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: o.key }));
  proxy.requests.length = 0;
});

// Changes are made while the proxy holds the source's requests: s3rver (unlike S3) writes an
// object's data and ETag in separate steps, and a listing in between would see a transient ETag.
async function put(key: string, body: string): Promise<void> {
  await proxy.whileHeld(() => direct.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body })));
}

async function del(key: string): Promise<void> {
  await proxy.whileHeld(() => direct.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key })));
}

function source(location = `s3://${BUCKET}/app/`, options: { expectedBucketOwner?: string } = {}): ManifestSource {
  const s = createSource(location, { s3Endpoint: endpoint, region: 'us-east-1', pollIntervalMs: POLL, ...options });
  sources.push(s);
  return s;
}

function watch(s: ManifestSource): Recorder {
  const r = new Recorder().start(s);
  recorders.push(r);
  return r;
}

/** Waits until the proxy has seen `n` more listings than it had when called. */
async function polls(n: number): Promise<void> {
  const target = proxy.count('ListObjectsV2') + n;
  await waitFor(() => proxy.count('ListObjectsV2') >= target, 5000, `${n} more listings`);
}

describe('the S3 source', () => {
  test('reads the YAML objects under the prefix, skipping the status folder, dot-segments and other keys', async () => {
    await put('app/a.yaml', 'a: 1');
    await put('app/team/b.yml', 'b: 1');
    await put('app/.switchboard/status.json', '{}');
    await put('app/.switchboard/old.yaml', 'x: 1');
    await put('app/team/.hidden/c.yaml', 'c: 1');
    await put('app/readme.txt', 'hello');
    await put('application/d.yaml', 'd: 1'); // shares the text prefix, not the folder
    await put('other/e.yaml', 'e: 1');

    const s = await source(`s3://${BUCKET}/app`).read();

    expect(contents(s)).toEqual({ [`s3://${BUCKET}/app/a.yaml`]: 'a: 1', [`s3://${BUCKET}/app/team/b.yml`]: 'b: 1' });
    expect(s.complete).toBe(true);
    expect(s.unreadable).toEqual([]);
    expect(proxy.count('GetObject')).toBe(2);
  });

  test('polls: upload, change (one GetObject), unchanged (nothing fetched), delete', async () => {
    await put('app/a.yaml', 'a: 1');
    const r = watch(source());
    expect(contents(await r.snapshot(1))).toEqual({ [`s3://${BUCKET}/app/a.yaml`]: 'a: 1' });

    await put('app/b.yaml', 'b: 1');
    expect(contents(await r.snapshot(2))).toEqual({ [`s3://${BUCKET}/app/a.yaml`]: 'a: 1', [`s3://${BUCKET}/app/b.yaml`]: 'b: 1' });
    await polls(1);

    const gets = proxy.count('GetObject');
    await put('app/a.yaml', 'a: 2');
    expect(contents(await r.snapshot(3))).toEqual({ [`s3://${BUCKET}/app/a.yaml`]: 'a: 2', [`s3://${BUCKET}/app/b.yaml`]: 'b: 1' });
    expect(proxy.count('GetObject')).toBe(gets + 1);

    const before = proxy.count('GetObject');
    await polls(4);
    expect(proxy.count('GetObject')).toBe(before);
    expect(r.snapshots).toHaveLength(3);

    await del('app/b.yaml');
    expect(contents(await r.snapshot(4))).toEqual({ [`s3://${BUCKET}/app/a.yaml`]: 'a: 2' });
    expect(proxy.count('GetObject')).toBe(before);
    expect(r.errors).toEqual([]);
  });

  test('the revision is the digest of the (key, ETag) list: the same objects give the same revision', async () => {
    await put('app/a.yaml', 'a: 1');
    const first = await source().read();
    expect((await source().read()).revision).toBe(first.revision);
    await put('app/a.yaml', 'a: 2');
    expect((await source().read()).revision).not.toBe(first.revision);
  });

  test('the expected bucket owner is sent on every call', async () => {
    await put('app/a.yaml', 'a: 1');
    const s = source(undefined, { expectedBucketOwner: OWNER });
    await s.read();
    await s.writeStatus('{}');
    expect(proxy.operations().sort()).toEqual(['GetObject', 'ListObjectsV2', 'PutObject']);
    expect(proxy.requests.map((q) => q.headers['x-amz-expected-bucket-owner'])).toEqual([OWNER, OWNER, OWNER]);
  });

  test('without an expected bucket owner, no such header is sent', async () => {
    await source().read();
    expect(proxy.requests.length).toBeGreaterThan(0);
    expect(proxy.requests.every((q) => q.headers['x-amz-expected-bucket-owner'] === undefined)).toBe(true);
  });

  test('a missing bucket is reported with its AWS code and request id, and nothing is emitted', async () => {
    const r = watch(source('s3://no-such-bucket/app/'));
    const err = await r.error(1);
    expect(err.code).toBe('NoSuchBucket');
    expect(err.requestId).toMatch(/^REQ\d+$/);
    expect(err.message).toMatch(/^s3:\/\/no-such-bucket\/app\/: s3:ListObjectsV2 failed: NoSuchBucket/);
    await r.error(2); // it keeps polling, and keeps failing
    expect(r.snapshots).toEqual([]);
  });

  test('AccessDenied keeps the last good snapshot; recovery emits again even with the same revision', async () => {
    await put('app/a.yaml', 'a: 1');
    const r = watch(source());
    const good = await r.snapshot(1);

    proxy.fault = () => ({ status: 403, code: 'AccessDenied', message: 'Access Denied' });
    const err = await r.error(1);
    expect(err.code).toBe('AccessDenied');
    expect(err.requestId).toMatch(/^REQ\d+$/);
    expect(err.message).toMatch(/^s3:\/\/manifests\/app\/: s3:ListObjectsV2 failed: AccessDenied/);
    await r.error(2);
    expect(r.snapshots).toHaveLength(1);

    proxy.fault = undefined;
    const back = await r.snapshot(2);
    expect(back.revision).toBe(good.revision);
    expect(back.complete).toBe(true);
    await polls(3);
    expect(r.snapshots).toHaveLength(2);
  });

  test('a change made while the source is failing arrives once access is back', async () => {
    await put('app/a.yaml', 'a: 1');
    const r = watch(source());
    await r.snapshot(1);
    proxy.fault = () => ({ status: 403, code: 'AccessDenied', message: 'Access Denied' });
    await r.error(1);
    await put('app/a.yaml', 'a: 2');
    await r.error(3);
    expect(r.snapshots).toHaveLength(1);
    proxy.fault = undefined;
    expect(contents(await r.snapshot(2))).toEqual({ [`s3://${BUCKET}/app/a.yaml`]: 'a: 2' });
  });

  test('an unreachable endpoint fails the read as a network error', async () => {
    const closed = createSource(`s3://${BUCKET}/app/`, { s3Endpoint: 'http://127.0.0.1:1', region: 'us-east-1', pollIntervalMs: POLL });
    sources.push(closed);
    const started = Date.now();
    const err: unknown = await closed.read().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceReadError);
    expect((err as SourceReadError).code).toBe('NetworkError');
    expect((err as SourceReadError).message).toMatch(/^s3:\/\/manifests\/app\/: s3:ListObjectsV2 failed: .*ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test('a listing is read across pages, and one that fails mid-pagination is never emitted', async () => {
    for (let i = 0; i < 5; i++) await put(`app/f${i}.yaml`, `n: ${i}`);
    const all = await new SdkS3(direct).listObjects(BUCKET, 'app/');
    let failSecondPage = true;
    // Pages are served here (continuation token = index of the next key); objects come from s3rver.
    proxy.fault = (q) => {
      if (q.query.get('list-type') !== '2') return undefined;
      const token = q.query.get('continuation-token');
      if (token !== null && failSecondPage) return { status: 403, code: 'AccessDenied', message: 'Access Denied' };
      const size = Number(q.query.get('max-keys') ?? '1000');
      const from = token === null ? 0 : Number(token);
      const next = from + size < all.length ? String(from + size) : undefined;
      return { status: 200, xml: listPageXml(BUCKET, 'app/', all.slice(from, from + size), size, next) };
    };
    const client = createS3Client({ endpoint, region: 'us-east-1' });
    const paged = new S3Source(parseS3Location(`s3://${BUCKET}/app/`), new SdkS3(client, { pageSize: 2 }), { pollIntervalMs: POLL });
    sources.push(paged);

    const err: unknown = await paged.read().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceReadError);
    expect((err as SourceReadError).code).toBe('AccessDenied');
    const r = watch(paged);
    await r.error(2);
    expect(r.snapshots).toEqual([]);
    expect(proxy.count('GetObject')).toBe(0);

    failSecondPage = false;
    const s = await r.snapshot(1);
    expect(Object.keys(contents(s))).toEqual([0, 1, 2, 3, 4].map((i) => `s3://${BUCKET}/app/f${i}.yaml`));
    expect(contents(s)[`s3://${BUCKET}/app/f3.yaml`]).toBe('n: 3');
    expect(s.complete).toBe(true);
    const lists = proxy.requests.filter((q) => q.query.get('list-type') === '2');
    expect(lists.slice(-3).map((q) => [q.query.get('max-keys'), q.query.get('continuation-token')])).toEqual([
      ['2', null],
      ['2', '2'],
      ['2', '4'],
    ]);
  });

  describe('a listing is complete only when the protocol says so', () => {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html: IsTruncated says
    // whether more keys follow, and NextContinuationToken is sent when it is true.
    const listingOnly = (xml: string) => (q: { query: URLSearchParams }) => (q.query.get('list-type') === '2' ? { status: 200, xml } : undefined);

    async function failsAndKeepsTheLastSnapshot(fault: (q: { query: URLSearchParams }) => { status: number; xml: string } | undefined, message: RegExp): Promise<void> {
      await put('app/a.yaml', 'a: 1');
      await put('app/b.yaml', 'b: 1');
      const s = source();
      const r = watch(s);
      const good = await r.snapshot(1);
      expect(Object.keys(contents(good))).toHaveLength(2);
      proxy.fault = fault;
      const err = await r.error(1);
      expect(err.message).toMatch(message);
      await polls(2);
      expect(r.snapshots).toHaveLength(1);
      const direct = await s.read().catch((e: unknown) => e);
      expect(direct).toBeInstanceOf(SourceReadError);
    }

    test('IsTruncated without a NextContinuationToken fails the read instead of ending the listing', async () => {
      await failsAndKeepsTheLastSnapshot(
        listingOnly(
          `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${BUCKET}</Name><Prefix>app/</Prefix><KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>true</IsTruncated><Contents><Key>app/a.yaml</Key><ETag>&quot;x&quot;</ETag><Size>4</Size></Contents></ListBucketResult>`,
        ),
        /truncated listing without a NextContinuationToken/,
      );
    });

    test('an HTML page with status 200 is not an empty listing', async () => {
      await failsAndKeepsTheLastSnapshot(listingOnly('<!DOCTYPE html><html><head><title>Captive portal</title></head><body>Please log in</body></html>'), /not a ListObjectsV2 answer/);
    });

    test('a listing whose KeyCount does not match its keys fails the read', async () => {
      await failsAndKeepsTheLastSnapshot(
        listingOnly(
          `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${BUCKET}</Name><Prefix>app/</Prefix><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated><Contents><Key>app/a.yaml</Key><ETag>&quot;x&quot;</ETag><Size>4</Size></Contents></ListBucketResult>`,
        ),
        /KeyCount 2 but lists 1 key/,
      );
    });

    test('a continuation token that repeats fails the read instead of looping', async () => {
      await failsAndKeepsTheLastSnapshot(
        listingOnly(
          `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${BUCKET}</Name><Prefix>app/</Prefix><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>true</IsTruncated><NextContinuationToken>same</NextContinuationToken></ListBucketResult>`,
        ),
        /continuation token .* repeated/,
      );
    });
  });

  test('an object larger than its listing said is read only up to the limit and is unreadable', async () => {
    await put('app/a.yaml', 'a: 1');
    await put('app/grown.yaml', 'g'.repeat(5000));
    // The listing says 10 bytes (it was small when listed); GetObject finds 5,000.
    proxy.fault = (q) => {
      if (q.query.get('list-type') !== '2') return undefined;
      return { status: 200, xml: listPageXml(BUCKET, 'app/', [{ key: 'app/a.yaml', etag: '"a"', size: 4 }, { key: 'app/grown.yaml', etag: '"g"', size: 10 }], 1000, undefined) };
    };
    const s = createSource(`s3://${BUCKET}/app/`, { s3Endpoint: endpoint, region: 'us-east-1', maxFileSize: 100 });
    sources.push(s);
    const snap = await s.read();
    expect(Object.keys(contents(snap))).toEqual([`s3://${BUCKET}/app/a.yaml`]);
    expect(snap.complete).toBe(false);
    expect(snap.unreadable).toEqual([{ path: `s3://${BUCKET}/app/grown.yaml`, reason: 'object is 5000 bytes, over the 100-byte limit' }]);
    // Asked for no more than the limit and one byte.
    const get = proxy.requests.find((q) => q.method === 'GET' && q.path.endsWith('/grown.yaml'));
    expect(get?.headers.range).toBe('bytes=0-100');
  });

  test('an empty object is read as empty (S3 answers its range with 416 InvalidRange)', async () => {
    await put('app/a.yaml', 'a: 1');
    await put('app/empty.yaml', '');
    // As S3 answers a range on an empty object (s3rver answers 206 with a byte it never sends).
    proxy.fault = (q) => (q.method === 'GET' && q.path.endsWith('/empty.yaml') ? { status: 416, code: 'InvalidRange', message: 'The requested range is not satisfiable' } : undefined);
    const snap = await source().read();
    expect(proxy.requests.find((q) => q.path.endsWith('/empty.yaml'))?.headers.range).toBe(`bytes=0-${1024 * 1024}`);
    expect(contents(snap)).toEqual({ [`s3://${BUCKET}/app/a.yaml`]: 'a: 1', [`s3://${BUCKET}/app/empty.yaml`]: '' });
    expect(snap.complete).toBe(true);
  });

  test('an object deleted between listing and reading makes the snapshot incomplete, not failed', async () => {
    await put('app/a.yaml', 'a: 1');
    await put('app/gone.yaml', 'g: 1');
    proxy.fault = (q) => (q.method === 'GET' && q.path.endsWith('/gone.yaml') ? { status: 404, code: 'NoSuchKey', message: 'The specified key does not exist.' } : undefined);
    const s = await source().read();
    expect(Object.keys(contents(s))).toEqual([`s3://${BUCKET}/app/a.yaml`]);
    expect(s.unreadable).toEqual([{ path: `s3://${BUCKET}/app/gone.yaml`, reason: 'deleted while being read' }]);
    expect(s.complete).toBe(false);
  });

  test('an object over the size limit is not fetched and makes the snapshot incomplete', async () => {
    await put('app/big.yaml', 'x'.repeat(100));
    const s = createSource(`s3://${BUCKET}/app/`, { s3Endpoint: endpoint, region: 'us-east-1', maxFileSize: 50 });
    sources.push(s);
    const snap = await s.read();
    expect(snap.files).toEqual([]);
    expect(snap.complete).toBe(false);
    expect(snap.unreadable).toEqual([{ path: `s3://${BUCKET}/app/big.yaml`, reason: 'object is 100 bytes, over the 50-byte limit' }]);
    expect(proxy.count('GetObject')).toBe(0);
  });

  test('the status document is written under the prefix and does not count as a manifest', async () => {
    await put('app/a.yaml', 'a: 1');
    const s = source();
    const r = watch(s);
    await r.snapshot(1);
    await s.writeStatus('{"resources":[]}');
    const got = await direct.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'app/.switchboard/status.json' }));
    expect(await got.Body?.transformToString()).toBe('{"resources":[]}');
    expect(got.ContentType).toBe('application/json');
    await polls(3);
    expect(r.snapshots).toHaveLength(1);
  });

  test('a failed status write names the object and carries the AWS code', async () => {
    proxy.fault = () => ({ status: 403, code: 'AccessDenied', message: 'Access Denied' });
    const err: unknown = await source().writeStatus('{}').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceReadError);
    expect((err as SourceReadError).code).toBe('AccessDenied');
    expect((err as SourceReadError).requestId).toMatch(/^REQ\d+$/);
    expect((err as SourceReadError).message).toMatch(/^s3:\/\/manifests\/app\/: cannot write s3:\/\/manifests\/app\/\.switchboard\/status\.json: /);
  });

  test('stopping the watch stops the polling', async () => {
    const r = watch(source());
    await r.snapshot(1);
    r.stop();
    await sleep(POLL * 2);
    const n = proxy.count('ListObjectsV2');
    await sleep(POLL * 4);
    expect(proxy.count('ListObjectsV2')).toBe(n);
  });
});
