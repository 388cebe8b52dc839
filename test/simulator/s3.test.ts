/**
 * The simulated S3 through the real SDK S3 client: path-style REST-XML on the simulator's one port,
 * conditional writes as AWS documents them, ranges, listing pages and the bucket-owner condition.
 */
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { clientConfig, useSimulator } from './helpers.js';

const env = useSimulator();
let s3: S3Client;
let bucketCount = 0;

beforeAll(() => {
  s3 = new S3Client({ ...clientConfig(env.sim.url), forcePathStyle: true, maxAttempts: 1 });
});
afterAll(() => s3.destroy());

async function newBucket(): Promise<string> {
  const name = `bucket-${++bucketCount}`;
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  return name;
}

async function failure(p: Promise<unknown>): Promise<{ name: string; status: number | undefined; requestId: string | undefined }> {
  try {
    await p;
  } catch (err) {
    if (!(err instanceof S3ServiceException)) throw err;
    return { name: err.name, status: err.$metadata.httpStatusCode, requestId: err.$metadata.requestId };
  }
  throw new Error('the call succeeded');
}

async function text(bucket: string, key: string, range?: string): Promise<{ body: string; etag: string | undefined; contentRange: string | undefined; status: number | undefined }> {
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(range ? { Range: range } : {}) }));
  return { body: (await res.Body?.transformToString()) ?? '', etag: res.ETag, contentRange: res.ContentRange, status: res.$metadata.httpStatusCode };
}

test('an object put is read back with its MD5 ETag, content type and length; HeadObject has the same metadata', async () => {
  const b = await newBucket();
  const put = await s3.send(new PutObjectCommand({ Bucket: b, Key: 'app/nginx.yaml', Body: 'kind: Service\n', ContentType: 'application/yaml' }));
  expect(put.ETag).toMatch(/^"[0-9a-f]{32}"$/);
  const got = await text(b, 'app/nginx.yaml');
  expect(got).toMatchObject({ body: 'kind: Service\n', etag: put.ETag, status: 200 });
  const head = await s3.send(new HeadObjectCommand({ Bucket: b, Key: 'app/nginx.yaml' }));
  expect(head).toMatchObject({ ETag: put.ETag, ContentLength: 14, ContentType: 'application/yaml' });
  expect(head.LastModified).toBeInstanceOf(Date);
});

test('the ETag is the quoted hex MD5 of the content', async () => {
  const b = await newBucket();
  const put = await s3.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'hello' }));
  expect(put.ETag).toBe('"5d41402abc4b2a76b9719d911017c592"');
});

test('GetObject with a Range answers 206 with that slice and Content-Range; an unsatisfiable range is 416 InvalidRange', async () => {
  const b = await newBucket();
  await s3.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: '0123456789' }));
  expect(await text(b, 'k', 'bytes=2-4')).toMatchObject({ body: '234', contentRange: 'bytes 2-4/10', status: 206 });
  expect(await text(b, 'k', 'bytes=7-')).toMatchObject({ body: '789', contentRange: 'bytes 7-9/10' });
  expect(await text(b, 'k', 'bytes=-3')).toMatchObject({ body: '789', contentRange: 'bytes 7-9/10' });
  expect(await text(b, 'k', 'bytes=8-100')).toMatchObject({ body: '89', contentRange: 'bytes 8-9/10' });
  expect(await failure(text(b, 'k', 'bytes=10-12'))).toMatchObject({ name: 'InvalidRange', status: 416 });
});

test('a missing key is NoSuchKey on GetObject, NotFound (404, no body) on HeadObject; a missing bucket is NoSuchBucket', async () => {
  const b = await newBucket();
  expect(await failure(s3.send(new GetObjectCommand({ Bucket: b, Key: 'nope' })))).toMatchObject({ name: 'NoSuchKey', status: 404 });
  const head = await failure(s3.send(new HeadObjectCommand({ Bucket: b, Key: 'nope' })));
  expect(head).toMatchObject({ name: 'NotFound', status: 404 });
  expect(head.requestId).toMatch(/[0-9a-f-]{36}/);
  expect(await failure(s3.send(new ListObjectsV2Command({ Bucket: 'no-such-bucket' })))).toMatchObject({ name: 'NoSuchBucket', status: 404 });
});

test('If-None-Match: * creates only a missing object: a second create is 412 PreconditionFailed and changes nothing', async () => {
  const b = await newBucket();
  await s3.send(new PutObjectCommand({ Bucket: b, Key: 'lease', Body: 'first', IfNoneMatch: '*' }));
  expect(await failure(s3.send(new PutObjectCommand({ Bucket: b, Key: 'lease', Body: 'second', IfNoneMatch: '*' })))).toMatchObject({ name: 'PreconditionFailed', status: 412 });
  expect((await text(b, 'lease')).body).toBe('first');
});

test('If-Match writes only over the ETag given: a stale ETag is 412, a missing key 404 NoSuchKey', async () => {
  const b = await newBucket();
  const first = await s3.send(new PutObjectCommand({ Bucket: b, Key: 'lease', Body: 'v1' }));
  const second = await s3.send(new PutObjectCommand({ Bucket: b, Key: 'lease', Body: 'v2', IfMatch: first.ETag }));
  expect(second.ETag).not.toBe(first.ETag);
  expect(await failure(s3.send(new PutObjectCommand({ Bucket: b, Key: 'lease', Body: 'v3', IfMatch: first.ETag })))).toMatchObject({ name: 'PreconditionFailed', status: 412 });
  expect((await text(b, 'lease')).body).toBe('v2');
  expect(await failure(s3.send(new PutObjectCommand({ Bucket: b, Key: 'other', Body: 'x', IfMatch: first.ETag })))).toMatchObject({ name: 'NoSuchKey', status: 404 });
});

test('of two conditional writes racing for one key exactly one wins; the other is 412 or 409 ConditionalRequestConflict', async () => {
  const b = await newBucket();
  env.sim.setLatency({ fixedMs: 20, jitterMs: 40 });
  try {
    for (let round = 0; round < 10; round++) {
      const key = `race-${round}`;
      const results = await Promise.allSettled([1, 2, 3].map((n) => s3.send(new PutObjectCommand({ Bucket: b, Key: key, Body: `writer ${n}`, IfNoneMatch: '*' }))));
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const r of results) {
        if (r.status === 'rejected') expect(['PreconditionFailed', 'ConditionalRequestConflict']).toContain((r.reason as Error).name);
      }
    }
  } finally {
    env.sim.setLatency({ fixedMs: 0, jitterMs: 0 });
  }
});

test('a conditional write completing while an earlier write of the key is in flight is 409 ConditionalRequestConflict', async () => {
  const b = await newBucket();
  const first = await s3.send(new PutObjectCommand({ Bucket: b, Key: 'lease', Body: 'v1' }));
  env.sim.addFault({ service: 's3', operation: 'PutObject', effect: { type: 'slow', ms: 300 } });
  const slow = s3.send(new PutObjectCommand({ Bucket: b, Key: 'lease', Body: 'slow' }));
  await new Promise((r) => setTimeout(r, 50));
  expect(await failure(s3.send(new PutObjectCommand({ Bucket: b, Key: 'lease', Body: 'v2', IfMatch: first.ETag })))).toMatchObject({ name: 'ConditionalRequestConflict', status: 409 });
  await slow;
  expect((await text(b, 'lease')).body).toBe('slow');
});

test('ExpectedBucketOwner naming another account is 403 AccessDenied; the right account passes', async () => {
  const b = await newBucket();
  await s3.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'x', ExpectedBucketOwner: '123456789012' }));
  for (const call of [
    s3.send(new ListObjectsV2Command({ Bucket: b, ExpectedBucketOwner: '111122223333' })),
    s3.send(new GetObjectCommand({ Bucket: b, Key: 'k', ExpectedBucketOwner: '111122223333' })),
    s3.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'y', ExpectedBucketOwner: '111122223333' })),
    s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k', ExpectedBucketOwner: '111122223333' })),
  ]) {
    expect(await failure(call)).toMatchObject({ name: 'AccessDenied', status: 403 });
  }
  expect((await text(b, 'k')).body).toBe('x');
});

test('ListObjectsV2 pages keys in UTF-8 order under a prefix, rolls keys up to common prefixes with a delimiter', async () => {
  const b = await newBucket();
  const keys = ['app/a.yaml', 'app/b.yaml', 'app/c.yaml', 'app/.switchboard/status.json', 'app/sub/x.yaml', 'app/sub/y.yaml', 'other/z.yaml', 'app/é.yaml'];
  for (const k of keys) await s3.send(new PutObjectCommand({ Bucket: b, Key: k, Body: k }));
  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: b, Prefix: 'app/', MaxKeys: 2, ...(token ? { ContinuationToken: token } : {}) }));
    pages++;
    expect(page.KeyCount).toBe(page.Contents?.length ?? 0);
    seen.push(...(page.Contents ?? []).map((o) => o.Key ?? ''));
    for (const o of page.Contents ?? []) expect(o.Size).toBe(Buffer.byteLength(o.Key ?? ''));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  expect(pages).toBe(4);
  expect(seen).toEqual(['app/.switchboard/status.json', 'app/a.yaml', 'app/b.yaml', 'app/c.yaml', 'app/sub/x.yaml', 'app/sub/y.yaml', 'app/é.yaml']);

  const rolled = await s3.send(new ListObjectsV2Command({ Bucket: b, Prefix: 'app/', Delimiter: '/' }));
  expect(rolled.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['app/.switchboard/', 'app/sub/']);
  expect(rolled.Contents?.map((o) => o.Key)).toEqual(['app/a.yaml', 'app/b.yaml', 'app/c.yaml', 'app/é.yaml']);
  expect(rolled.KeyCount).toBe(6);

  const after = await s3.send(new ListObjectsV2Command({ Bucket: b, Prefix: 'app/', StartAfter: 'app/c.yaml' }));
  expect(after.Contents?.map((o) => o.Key)).toEqual(['app/sub/x.yaml', 'app/sub/y.yaml', 'app/é.yaml']);
});

test('a common prefix is listed once even when a page ends inside it', async () => {
  const b = await newBucket();
  for (const k of ['a/1', 'a/2', 'a/3', 'b', 'c/1']) await s3.send(new PutObjectCommand({ Bucket: b, Key: k, Body: k }));
  const entries: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: b, Delimiter: '/', MaxKeys: 1, ...(token ? { ContinuationToken: token } : {}) }));
    entries.push(...(page.CommonPrefixes ?? []).map((p) => `prefix ${p.Prefix ?? ''}`), ...(page.Contents ?? []).map((o) => `key ${o.Key ?? ''}`));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  expect(entries).toEqual(['prefix a/', 'key b', 'prefix c/']);
});

test('DeleteObject answers 204 whether or not the key exists; with If-Match it deletes only that version', async () => {
  const b = await newBucket();
  const put = await s3.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'x' }));
  expect((await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'missing' }))).$metadata.httpStatusCode).toBe(204);
  expect(await failure(s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k', IfMatch: '"0000"' })))).toMatchObject({ name: 'PreconditionFailed', status: 412 });
  await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k', IfMatch: put.ETag }));
  expect(await failure(s3.send(new GetObjectCommand({ Bucket: b, Key: 'k' })))).toMatchObject({ name: 'NoSuchKey' });
});

test('CreateBucket refuses invalid names; repeating it for an owned bucket is fine in us-east-1 and BucketAlreadyOwnedByYou elsewhere', async () => {
  expect(await failure(s3.send(new CreateBucketCommand({ Bucket: 'Bad_Name' })))).toMatchObject({ name: 'InvalidBucketName', status: 400 });
  const b = await newBucket();
  await s3.send(new CreateBucketCommand({ Bucket: b }));
  const west = new S3Client({ ...clientConfig(env.sim.url, 'eu-west-1'), forcePathStyle: true, maxAttempts: 1 });
  try {
    await west.send(new CreateBucketCommand({ Bucket: 'in-ireland', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    expect(await failure(west.send(new CreateBucketCommand({ Bucket: 'in-ireland', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } })))).toMatchObject({ name: 'BucketAlreadyOwnedByYou', status: 409 });
    // The SDK fills LocationConstraint in from the client's Region; naming another Region is refused.
    expect(await failure(west.send(new CreateBucketCommand({ Bucket: 'elsewhere', CreateBucketConfiguration: { LocationConstraint: 'eu-central-1' } })))).toMatchObject({ name: 'IllegalLocationConstraintException', status: 400 });
  } finally {
    west.destroy();
  }
});

test('a body whose checksum does not match is refused with BadDigest; streamed (aws-chunked) uploads are decoded', async () => {
  const b = await newBucket();
  expect(await failure(s3.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'x', ChecksumCRC32: 'AAAAAA==' })))).toMatchObject({ name: 'BadDigest', status: 400 });
  const { Readable } = await import('node:stream');
  await s3.send(new PutObjectCommand({ Bucket: b, Key: 'streamed', Body: Readable.from([Buffer.from('chunk one, '), Buffer.from('chunk two')]), ContentLength: 20 }));
  expect((await text(b, 'streamed')).body).toBe('chunk one, chunk two');
});

test('S3 calls are counted and logged with the access key that made them, and take targeted faults', async () => {
  const b = await newBucket();
  env.sim.resetCalls();
  await s3.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'x' }));
  await s3.send(new GetObjectCommand({ Bucket: b, Key: 'k' }));
  const counts = env.sim.calls().services.s3;
  expect(counts.operations.PutObject).toMatchObject({ kind: 'write', calls: 1 });
  expect(counts.operations.GetObject).toMatchObject({ kind: 'read', calls: 1 });
  expect(env.sim.callLog().entries.map((e) => [e.service, e.operation, e.caller])).toEqual([
    ['s3', 'PutObject', 'AKID'],
    ['s3', 'GetObject', 'AKID'],
  ]);
  env.sim.addFault({ service: 's3', operation: '*', caller: 'AKID', effect: { type: 'error', errorType: 'ServiceUnavailable', status: 503 } });
  expect(await failure(s3.send(new GetObjectCommand({ Bucket: b, Key: 'k' })))).toMatchObject({ name: 'ServiceUnavailable', status: 503 });
});

test('an S3 request the simulator does not implement is 501 NotImplemented, not a crash', async () => {
  const b = await newBucket();
  const res = await fetch(`${env.sim.url}/${b}?policy`, { method: 'GET' });
  expect(res.status).toBe(501);
  expect(await res.text()).toContain('<Code>NotImplemented</Code>');
});
