/**
 * The benchmark's quick scenarios (N = 10) as assertions on call counts, which are deterministic,
 * never on timings: a change that costs more AWS calls fails here. Throttling is on (AWS quotas),
 * latency off, and the simulator's clock sped up, so the suite stays fast.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { writeFleet } from '../helpers/fleet.js';
import { tempDir } from '../helpers/fs.js';
import { S3Proxy } from '../sources/s3-proxy.js';
import { coldConvergeWrites, steadyStateCalls } from './bounds.js';
import { coldConverge, driftRepair, fleetShape, footprint, oneChange, s3Source, steadyState, type BenchBucket, type SizeContext } from './scenarios.js';

const N = 10;
let sim: SimulatorHandle;
let ctx: SizeContext;
let cleanup: () => void;

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 20, throttling: true });
  const made = tempDir();
  cleanup = made.cleanup;
  const shape = fleetShape(N);
  writeFleet(made.dir, { services: N, namespaces: shape.namespaces, clusters: shape.clusters });
  ctx = { n: N, shape, sim, dir: made.dir, latency: { fixedMs: 0, jitterMs: 0 }, isolate: false, concurrency: 4, cli: path.resolve('dist/main.js'), log: () => undefined };
});

afterAll(async () => {
  await sim.close();
  cleanup();
});

const steady = steadyStateCalls(fleetShape(N)).value;

test('a cold converge of 10 services makes one write per resource and is never throttled', async () => {
  const r = await coldConverge(ctx);
  expect(r.details.writes).toBe(coldConvergeWrites(fleetShape(N)).value);
  expect(r.calls['ecs:RegisterTaskDefinition']).toBe(N);
  expect(r.calls['ecs:CreateService']).toBe(N);
  expect(r.calls['servicediscovery:CreateHttpNamespace']).toBe(3);
  expect(r.throttled).toBe(0);
  expect(r.details.passes).toBe(1);
});

test('a steady-state pass costs exactly the bound and no write, in a fresh process and after; the per-resource baseline one describe per resource', async () => {
  const r = await steadyState(ctx, 2, 1);
  expect(steady).toEqual({ 'ecs:DescribeClusters': 1, 'ecs:DescribeServices': 1, 'servicediscovery:ListNamespaces': 1 });
  expect(r.details.callsPerPass).toEqual([3, 3]);
  expect(r.calls).toEqual(steady);
  expect(r.details.writes).toBe(0);
  expect(r.baseline?.calls).toEqual({ 'ecs:DescribeClusters': 1, 'ecs:DescribeServices': N, 'ecs:DescribeTaskDefinition': N, 'servicediscovery:ListNamespaces': 1 });
});

test('drift on one of 10 services is repaired in one pass with one write and the steady-state reads', async () => {
  const r = await driftRepair(ctx, false);
  expect(r.calls).toEqual({ ...steady, 'ecs:UpdateService': 1 });
  expect(r.details.repaired).toBe(1);
});

test('one changed manifest costs one RegisterTaskDefinition, one UpdateService and one TagResource, and few reads', async () => {
  const r = await oneChange(ctx, 3);
  const writes = Object.fromEntries(Object.entries(r.calls).filter(([op]) => /Register|Update|Tag|Create|Delete/.test(op)));
  expect(writes).toEqual({ 'ecs:RegisterTaskDefinition': 1, 'ecs:TagResource': 1, 'ecs:UpdateService': 1 });
  const reads = Object.fromEntries(Object.entries(r.calls).filter(([op]) => !(op in writes)));
  // Its DescribeServices batch and ListNamespaces; each of the 3 edited families is new to this
  // process, so its newest revision is listed once. No cluster or task definition is described.
  expect(reads).toEqual({ 'ecs:DescribeServices': 1, 'servicediscovery:ListNamespaces': 1, 'ecs:ListTaskDefinitions': 1 });
  expect(r.details.passesPerChange).toBe(1);
});

describe('S3 source', () => {
  let dataDir: string;
  let server: S3rver;
  let proxy: S3Proxy;
  let direct: S3Client;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'switchboard-bench-s3rver-'));
    server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dataDir, configureBuckets: [{ name: 'bench' }] });
    const { port } = await server.run();
    // s3rver accepts only its own key pair.
    direct = new S3Client({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    proxy = new S3Proxy({ host: '127.0.0.1', port });
  });

  afterAll(async () => {
    direct.destroy();
    await proxy.close();
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('an unchanged poll costs one ListObjectsV2 page and no GetObject; a changed object one GetObject', async () => {
    const endpoint = await proxy.start();
    const keys = new Set<string>();
    const bucket: BenchBucket = {
      name: 'bench',
      endpoint,
      // s3rver writes data and ETag in separate steps: hold the source's requests meanwhile.
      put: async (key, body) => {
        keys.add(key);
        await proxy.whileHeld(() => direct.send(new PutObjectCommand({ Bucket: 'bench', Key: key, Body: body })));
      },
      counts: () => {
        const lists = proxy.requests.filter((r) => r.method === 'GET' && r.query.get('list-type') === '2');
        const pages: number[] = [];
        for (const r of lists) {
          if (!r.query.has('continuation-token')) pages.push(1);
          else if (pages.length > 0) pages[pages.length - 1] = (pages[pages.length - 1] ?? 0) + 1;
        }
        return {
          listFirstPages: lists.filter((r) => !r.query.has('continuation-token')).length,
          listContinuations: lists.filter((r) => r.query.has('continuation-token')).length,
          gets: proxy.operations().filter((o) => o === 'GetObject').length,
          pages,
        };
      },
      resetCounts: () => {
        proxy.requests.length = 0;
      },
      keyCount: () => keys.size,
      env: { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' },
    };
    const r = await s3Source(ctx, bucket, 100, 3);
    expect(r.calls).toEqual({ 's3:GetObject': 0, 's3:ListObjectsV2': 1 });
    expect(r.details.awsCallsWhileQuiet).toBe(0);
    expect(r.details.changeGets).toBe(1);
  });
});

test('the daemon starts, passes and resyncs without failures (footprint scenario, 3 resyncs)', async () => {
  const r = await footprint(ctx, 3, true);
  expect(r.details.resyncPasses).toBe(3);
  expect(r.details.resyncPassesNotOk).toBe(0);
  expect(r.peakRssMiB).toBeGreaterThan(0);
  const samples = r.details.rssSamples as { heapUsedMiB?: number }[];
  expect(samples.at(-1)?.heapUsedMiB).toBeGreaterThan(0);
});
