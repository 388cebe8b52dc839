/**
 * The simulated S3 against s3rver, an independent S3 emulator: the same script of calls through
 * the real SDK client must give the same answers from both, for every operation both implement.
 * (s3rver 3.7 ignores If-None-Match / If-Match on PUT and cannot paginate on Node 17+, so
 * conditional writes and continuation tokens are checked against the simulator alone, in s3.test.ts.)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
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
import S3rver from 's3rver';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';

let dataDir: string;
let s3rver: S3rver;
let sim: SimulatorHandle;
const clients: S3Client[] = [];

function client(endpoint: string, accessKeyId: string): S3Client {
  // s3rver accepts only its own key pair, and checks signatures.
  const c = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, maxAttempts: 1, credentials: { accessKeyId, secretAccessKey: accessKeyId } });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'switchboard-s3rver-'));
  s3rver = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dataDir });
  const { port } = await s3rver.run();
  sim = await startSimulator();
  client(`http://127.0.0.1:${port}`, 'S3RVER');
  client(sim.url, 'S3RVER');
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await s3rver.close();
  await sim.close();
  await rm(dataDir, { recursive: true, force: true });
});

type Step = (s3: S3Client) => Promise<unknown>;

/** What a call gave, in a form both emulators can agree on: the output's fields that carry meaning, or the error's name and status. */
async function outcome(step: Step, s3: S3Client): Promise<unknown> {
  try {
    return await step(s3);
  } catch (err) {
    if (err instanceof S3ServiceException) return { error: err.name, status: err.$metadata.httpStatusCode };
    throw err;
  }
}

const B = 'differential';
const script: Record<string, Step> = {
  'create the bucket': async (s3) => (await s3.send(new CreateBucketCommand({ Bucket: B }))).$metadata.httpStatusCode,
  'put three objects': async (s3) => {
    const etags: (string | undefined)[] = [];
    for (const [k, body] of [['app/a.yaml', 'kind: Service\n'], ['app/sub/b.yaml', 'kind: Cluster\n'], ['app/c.yaml', 'x'.repeat(2000)]] as const) {
      etags.push((await s3.send(new PutObjectCommand({ Bucket: B, Key: k, Body: body, ContentType: 'application/yaml' }))).ETag);
    }
    return etags;
  },
  'get an object': async (s3) => {
    const res = await s3.send(new GetObjectCommand({ Bucket: B, Key: 'app/a.yaml' }));
    return { body: await res.Body?.transformToString(), etag: res.ETag, length: res.ContentLength, type: res.ContentType };
  },
  'get a byte range': async (s3) => {
    const res = await s3.send(new GetObjectCommand({ Bucket: B, Key: 'app/a.yaml', Range: 'bytes=5-11' }));
    return { body: await res.Body?.transformToString(), range: res.ContentRange, status: res.$metadata.httpStatusCode };
  },
  'head an object': async (s3) => {
    const res = await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'app/c.yaml' }));
    return { etag: res.ETag, length: res.ContentLength };
  },
  'list a prefix': async (s3) => {
    const res = await s3.send(new ListObjectsV2Command({ Bucket: B, Prefix: 'app/' }));
    return { keys: res.Contents?.map((o) => [o.Key, o.ETag, o.Size]), count: res.KeyCount, truncated: res.IsTruncated };
  },
  'list with a delimiter': async (s3) => {
    const res = await s3.send(new ListObjectsV2Command({ Bucket: B, Prefix: 'app/', Delimiter: '/' }));
    return { keys: res.Contents?.map((o) => o.Key), prefixes: res.CommonPrefixes?.map((p) => p.Prefix) };
  },
  'overwrite an object': async (s3) => (await s3.send(new PutObjectCommand({ Bucket: B, Key: 'app/a.yaml', Body: 'kind: Namespace\n' }))).ETag,
  'get a missing key': (s3) => s3.send(new GetObjectCommand({ Bucket: B, Key: 'app/missing.yaml' })),
  'head a missing key': (s3) => s3.send(new HeadObjectCommand({ Bucket: B, Key: 'app/missing.yaml' })),
  'list a missing bucket': (s3) => s3.send(new ListObjectsV2Command({ Bucket: 'no-such-bucket' })),
  'delete an object': async (s3) => (await s3.send(new DeleteObjectCommand({ Bucket: B, Key: 'app/sub/b.yaml' }))).$metadata.httpStatusCode,
  'delete a missing key': async (s3) => (await s3.send(new DeleteObjectCommand({ Bucket: B, Key: 'app/sub/b.yaml' }))).$metadata.httpStatusCode,
  'list after the delete': async (s3) => (await s3.send(new ListObjectsV2Command({ Bucket: B, Prefix: 'app/' }))).Contents?.map((o) => o.Key),
};

test('the simulator and s3rver answer the same script of S3 calls the same way', async () => {
  const [reference, simulated] = clients as [S3Client, S3Client];
  for (const [name, step] of Object.entries(script)) {
    const expected = await outcome(step, reference);
    const actual = await outcome(step, simulated);
    expect({ step: name, outcome: actual }).toEqual({ step: name, outcome: expected });
  }
});
