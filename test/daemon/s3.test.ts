/**
 * `switchboard run` with an S3 prefix as its source, everything (S3 included) on the embedded
 * simulator through `--endpoint-url` alone.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CreateBucketCommand, DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { clientsFor, type TestClients } from '../helpers/aws.js';
import { startDaemon, until, type Daemon } from './helpers.js';

const BUCKET = 'manifests';
let sim: SimulatorHandle;
let s3: S3Client;
let aws: TestClients;
let daemon: Daemon | undefined;

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 100 });
  aws = clientsFor(sim.url);
  s3 = new S3Client({ endpoint: sim.url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' } });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

afterAll(async () => {
  if (daemon && daemon.child.exitCode === null) {
    daemon.child.kill('SIGKILL');
    await daemon.exited;
  }
  aws.destroy();
  s3.destroy();
  await sim.close();
});

async function put(file: string, body: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `app/${file}`, Body: body }));
}

async function service(name: string) {
  const res = await aws.ecs.send(new DescribeServicesCommand({ cluster: 'default', services: [name] }));
  return res.services?.find((s) => s.status !== 'INACTIVE');
}

function getObjectCalls(): number {
  return sim.calls().services.s3.operations.GetObject?.calls ?? 0;
}

test('the daemon follows an S3 prefix: upload, change, AccessDenied keeps the last good snapshot, delete prunes', async () => {
  const example = (f: string): string => readFileSync(path.join('manifests', 'examples', f), 'utf8');
  for (const f of ['namespace.yaml', 'cluster.yaml', 'nginx.yaml', 'curl.yaml']) await put(f, example(f));
  daemon = await startDaemon(['--source', `s3://${BUCKET}/app/`, '--endpoint-url', sim.url, '--poll-interval', '200ms', '--prune'], {
    AWS_REGION: 'us-east-1',
  });
  await until('ready', async () => (await fetch(`${daemon?.url}/readyz`)).status === 200);
  expect((await service('curl'))?.status).toBe('ACTIVE');

  // A change: exactly one GetObject for the changed key.
  const gets = getObjectCalls();
  await put('nginx.yaml', example('nginx.yaml').replace('desiredCount: 1', 'desiredCount: 2'));
  await until('nginx scaled', async () => (await service('nginx'))?.desiredCount === 2);
  expect(getObjectCalls() - gets).toBe(1);

  // AccessDenied: logged with its code, the last good snapshot kept, nothing deleted meanwhile.
  sim.addFault({ service: 's3', operation: 'ListObjectsV2', count: 1000, effect: { type: 'error', errorType: 'AccessDenied', status: 403, message: 'Access Denied' } });
  await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'app/curl.yaml' }));
  await until('the error logged', () => daemon?.lines.some((l) => l.errorCode === 'AccessDenied') ?? false);
  await new Promise((r) => setTimeout(r, 600));
  expect((await service('curl'))?.status).toBe('ACTIVE');

  // Access restored: the deletion is seen in a clean listing and pruned.
  sim.clearFaults();
  await until('curl pruned', async () => (await service('curl'))?.status !== 'ACTIVE');
  expect((await service('nginx'))?.status).toBe('ACTIVE');
  daemon.child.kill('SIGTERM');
  expect(await daemon.exited).toBe(0);
}, 60_000);
