/**
 * The S3 source against an endpoint that misbehaves at random (seeded): listings cut short without
 * a continuation token, HTML pages with status 200, KeyCounts that do not match, repeated tokens,
 * server errors, and objects larger than the listing said. Through the real SDK client, a proxy in
 * front of s3rver. A read may fail, or be incomplete; it is never marked complete while it lacks
 * an object (a prune would delete what it declares), and it never holds more than the size limit.
 * `npm test` runs a few dozen reads; `npm run reliability` runs many more.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { Prng } from '../../src/simulator/prng.js';
import { createSource } from '../../src/sources/index.js';
import { reportRow } from '../helpers/report.js';
import { S3Proxy, listPageXml, type InjectedReply, type RecordedRequest } from './s3-proxy.js';

const FULL = process.env.RELIABILITY_FULL === '1';
const READS = FULL ? 2000 : 60;
const SEED = Number(process.env.S3_RACE_SEED ?? 3_2024);
const BUCKET = 'manifests';
const LIMIT = 1000;
const KEYS = Array.from({ length: 7 }, (_, i) => `app/ns-${i}.yaml`);
const body = (key: string): string => `apiVersion: switchboard.dev/v1alpha1\nkind: Namespace\nmetadata: {name: ${path.basename(key, '.yaml')}}\nspec: {type: HTTP}\n`;

let dataDir: string;
let server: S3rver;
let proxy: S3Proxy;
let endpoint: string;
let savedCreds: [string | undefined, string | undefined];
let objects: { key: string; etag: string; size: number }[] = [];

beforeAll(async () => {
  savedCreds = [process.env.AWS_ACCESS_KEY_ID, process.env.AWS_SECRET_ACCESS_KEY];
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
  dataDir = await mkdtemp(path.join(tmpdir(), 'switchboard-s3race-'));
  server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dataDir, configureBuckets: [{ name: BUCKET }] });
  const { port } = await server.run();
  const direct = new S3Client({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', forcePathStyle: true });
  for (const key of KEYS) {
    const put = await direct.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body(key) }));
    objects.push({ key, etag: put.ETag ?? '', size: Buffer.byteLength(body(key)) });
  }
  direct.destroy();
  proxy = new S3Proxy({ host: '127.0.0.1', port });
  endpoint = await proxy.start();
});

afterAll(async () => {
  await proxy.close();
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
  [process.env.AWS_ACCESS_KEY_ID, process.env.AWS_SECRET_ACCESS_KEY] = savedCreds;
  objects = [];
});

const xmlHead = `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${BUCKET}</Name><Prefix>app/</Prefix>`;

/** One misbehaving answer, or undefined to answer properly. */
function misbehave(q: RecordedRequest, rng: Prng, tally: Record<string, number>): InjectedReply | undefined {
  const count = (what: string): void => {
    tally[what] = (tally[what] ?? 0) + 1;
  };
  if (q.query.get('list-type') === '2') {
    const token = q.query.get('continuation-token');
    const from = token === null ? 0 : Number(token);
    const page = objects.slice(from, from + 3);
    const next = from + 3 < objects.length ? String(from + 3) : undefined;
    const roll = rng.next();
    if (roll < 0.12) {
      count('truncatedWithoutToken');
      return { status: 200, xml: `${xmlHead}<KeyCount>${page.length}</KeyCount><MaxKeys>3</MaxKeys><IsTruncated>true</IsTruncated>${page.map((o) => `<Contents><Key>${o.key}</Key><ETag>&quot;x&quot;</ETag><Size>${o.size}</Size></Contents>`).join('')}</ListBucketResult>` };
    }
    if (roll < 0.24) {
      count('htmlPage');
      return { status: 200, xml: '<!DOCTYPE html><html><body><h1>Service temporarily unavailable</h1></body></html>' };
    }
    if (roll < 0.32) {
      count('keyCountMismatch');
      return { status: 200, xml: `${xmlHead}<KeyCount>${page.length + 1}</KeyCount><MaxKeys>3</MaxKeys><IsTruncated>false</IsTruncated></ListBucketResult>` };
    }
    if (roll < 0.38) {
      count('repeatedToken');
      return { status: 200, xml: `${xmlHead}<KeyCount>0</KeyCount><MaxKeys>3</MaxKeys><IsTruncated>true</IsTruncated><NextContinuationToken>${token ?? '0'}</NextContinuationToken></ListBucketResult>` };
    }
    if (roll < 0.42) {
      count('serverError');
      return { status: 500, code: 'InternalError', message: 'We encountered an internal error. Please try again.' };
    }
    return { status: 200, xml: listPageXml(BUCKET, 'app/', page, 3, next) };
  }
  if (q.method === 'GET' && rng.next() < 0.1) {
    count('objectGrown');
    return { status: 200, xml: `# grown since it was listed\n${'x: 1\n'.repeat(LIMIT)}` };
  }
  return undefined;
}

test('a misbehaving S3 endpoint never yields a complete read that lacks an object, nor one past the size limit', async () => {
  const rng = new Prng(SEED);
  const tally: Record<string, number> = {};
  proxy.fault = (q) => misbehave(q, rng, tally);
  // A new source for every read, so every read lists and fetches everything (no cache to hide behind).
  const sources = [];
  const expected = Object.fromEntries(KEYS.map((k) => [`s3://${BUCKET}/${k}`, body(k)]));
  let failed = 0;
  let incomplete = 0;
  let complete = 0;
  let wrongComplete = 0;
  let oversized = 0;
  try {
    for (let i = 0; i < READS; i++) {
      const source = createSource(`s3://${BUCKET}/app/`, { s3Endpoint: endpoint, region: 'us-east-1', maxFileSize: LIMIT });
      sources.push(source);
      const s = await source.read().catch(() => undefined);
      if (s === undefined) {
        failed++;
        continue;
      }
      if (s.files.some((f) => f.content.length > LIMIT)) oversized++;
      if (!s.complete) {
        incomplete++;
        continue;
      }
      complete++;
      const got = Object.fromEntries(s.files.map((f) => [f.path, Buffer.from(f.content).toString('utf8')]));
      if (JSON.stringify(got) !== JSON.stringify(expected)) wrongComplete++;
    }
  } finally {
    for (const source of sources) source.close();
    proxy.fault = undefined;
  }
  reportRow({ test: 's3-races', seed: SEED, reads: READS, failed, incomplete, complete, wrongCompleteReads: wrongComplete, oversizedReads: oversized, ...tally });
  expect(wrongComplete).toBe(0);
  expect(oversized).toBe(0);
  // The endpoint misbehaved, and behaved: both kinds of read happened.
  expect(failed).toBeGreaterThan(0);
  expect(complete).toBeGreaterThan(0);
}, FULL ? 1_800_000 : 300_000); // the long form's reads take far longer on a busy machine
