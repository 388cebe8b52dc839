/**
 * `switchboard run` with an S3 prefix as its source, against s3rver (behind a recording proxy that
 * can answer AccessDenied) and the embedded simulator as the rest of AWS.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import S3rver from 's3rver';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { clientsFor, type TestClients } from '../helpers/aws.js';
import { S3Proxy } from '../sources/s3-proxy.js';
import { startDaemon, until, type Daemon } from './helpers.js';

const BUCKET = 'manifests';
let dataDir: string;
let s3: S3rver;
let direct: S3Client;
let proxy: S3Proxy;
let s3Endpoint: string;
let sim: SimulatorHandle;
let aws: TestClients;
let daemon: Daemon | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'switchboard-s3rver-'));
  s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dataDir, configureBuckets: [{ name: BUCKET }] });
  const { port } = await s3.run();
  // s3rver accepts only its own key pair, and checks signatures.
  direct = new S3Client({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  proxy = new S3Proxy({ host: '127.0.0.1', port });
  s3Endpoint = await proxy.start();
  sim = await startSimulator({ timeScale: 100 });
  aws = clientsFor(sim.url);
});

afterAll(async () => {
  if (daemon && daemon.child.exitCode === null) {
    daemon.child.kill('SIGKILL');
    await daemon.exited;
  }
  aws.destroy();
  await sim.close();
  direct.destroy();
  await proxy.close();
  await s3.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function put(file: string, body: string): Promise<void> {
  await proxy.whileHeld(() => direct.send(new PutObjectCommand({ Bucket: BUCKET, Key: `app/${file}`, Body: body })));
}

async function service(name: string) {
  const res = await aws.ecs.send(new DescribeServicesCommand({ cluster: 'default', services: [name] }));
  return res.services?.find((s) => s.status !== 'INACTIVE');
}

test('the daemon follows an S3 prefix: upload, change, AccessDenied keeps the last good snapshot, delete prunes', async () => {
  const example = (f: string): string => readFileSync(path.join('manifests', 'examples', f), 'utf8');
  for (const f of ['namespace.yaml', 'cluster.yaml', 'nginx.yaml', 'curl.yaml']) await put(f, example(f));
  daemon = await startDaemon(
    ['--source', `s3://${BUCKET}/app/`, '--s3-endpoint-url', s3Endpoint, '--endpoint-url', sim.url, '--poll-interval', '200ms', '--prune'],
    { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' },
  );
  await until('ready', async () => (await fetch(`${daemon?.url}/readyz`)).status === 200);
  expect((await service('curl'))?.status).toBe('ACTIVE');

  // A change: exactly one GetObject for the changed key.
  const gets = proxy.count('GetObject');
  await put('nginx.yaml', example('nginx.yaml').replace('desiredCount: 1', 'desiredCount: 2'));
  await until('nginx scaled', async () => (await service('nginx'))?.desiredCount === 2);
  expect(proxy.count('GetObject') - gets).toBe(1);

  // AccessDenied: logged with its code, the last good snapshot kept, nothing deleted meanwhile.
  proxy.fault = (r) => (r.method === 'GET' ? { status: 403, code: 'AccessDenied', message: 'Access Denied' } : undefined);
  await proxy.whileHeld(() => direct.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'app/curl.yaml' })));
  await until('the error logged', () => daemon?.lines.some((l) => l.errorCode === 'AccessDenied') ?? false);
  await new Promise((r) => setTimeout(r, 600));
  expect((await service('curl'))?.status).toBe('ACTIVE');

  // Access restored: the deletion is seen in a clean listing and pruned.
  proxy.fault = undefined;
  await until('curl pruned', async () => (await service('curl'))?.status !== 'ACTIVE');
  expect((await service('nginx'))?.status).toBe('ACTIVE');
  daemon.child.kill('SIGTERM');
  expect(await daemon.exited).toBe(0);
}, 60_000);
