/**
 * Events from a running controller to the simulated EventBridge (`--events eventbridge`): a broken
 * manifest, a rollout failure, a refused prune and a leader change each produce exactly one event
 * on the bus; an EventBridge outage loses no reconcile and shows in /metrics.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { startSimulator, type ReceivedEventRecord, type SimulatorHandle } from '../../src/simulator/index.js';
import { clientsFor, type TestClients } from '../helpers/aws.js';
import { copyWalkthrough, tempDir } from '../helpers/fs.js';
import { startDaemon, until, type Daemon } from './helpers.js';

let sim: SimulatorHandle;
let aws: TestClients;
let daemon: Daemon | undefined;
let dir: string;
let cleanup: () => void;

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 100 });
  aws = clientsFor(sim.url);
  const s3 = new S3Client({ endpoint: sim.url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' } });
  await s3.send(new CreateBucketCommand({ Bucket: 'leases' }));
  s3.destroy();
  ({ dir, cleanup } = tempDir());
  copyWalkthrough(dir);
});

afterAll(async () => {
  if (daemon && daemon.child.exitCode === null) {
    daemon.child.kill('SIGKILL');
    await daemon.exited;
  }
  aws.destroy();
  await sim.close();
  cleanup();
});

function events(detailType: string): ReceivedEventRecord[] {
  return sim.receivedEvents().filter((e) => e.detailType === detailType);
}

function detail(e: ReceivedEventRecord | undefined): Record<string, unknown> {
  return JSON.parse(e?.detail ?? '{}') as Record<string, unknown>;
}

function edit(file: string, from: string, to: string): void {
  const p = path.join(dir, file);
  const text = readFileSync(p, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} does not contain ${from}`);
  writeFileSync(p, text.replace(from, to));
}

async function service(name: string) {
  const res = await aws.ecs.send(new DescribeServicesCommand({ cluster: 'default', services: [name] })).catch(() => undefined);
  return res?.services?.find((s) => s.status === 'ACTIVE');
}

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${daemon?.url ?? ''}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(name))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

/** Lets a few resyncs pass, so a repeated event would have shown up. */
const severalResyncs = (): Promise<void> => new Promise((r) => setTimeout(r, 2_500));

test('a leader change, a broken manifest, a refused prune and a rollout failure each put exactly one event on the bus; an outage loses no reconcile', async () => {
  daemon = await startDaemon(
    ['--source', dir, '--endpoint-url', sim.url, '--events', 'eventbridge', '--lease', 's3://leases/switchboard', '--resync-interval', '500ms', '--prune', '--max-prune', '0'],
    { AWS_REGION: 'us-east-1' },
  );
  await until('ready', async () => (await fetch(`${daemon?.url ?? ''}/readyz`).catch(() => undefined))?.status === 200, 20_000);

  // Taking the lease at start is a leader change.
  await until('Leader Changed', () => events('Leader Changed').length > 0);
  expect(detail(events('Leader Changed')[0])).toMatchObject({ controllerId: 'switchboard', reason: 'Leader', lease: 's3://leases/switchboard' });
  // The walkthrough created, each resource a Resource Reconciled.
  await until('converged', async () => (await service('curl')) !== undefined && events('Resource Reconciled').some((e) => detail(e).resource === 'Service/curl'), 20_000);

  // A broken manifest.
  edit('curl.yaml', 'launchType: FARGATE', 'launchType: FARGATEE');
  await until('Resource Stalled', () => events('Resource Stalled').length > 0);
  await severalResyncs();
  expect(events('Resource Stalled').map((e) => detail(e).resource)).toEqual(['Service/curl']);
  expect(String(detail(events('Resource Stalled')[0]).message)).toMatch(/curl\.yaml:\d+:\d+: spec\.launchType: /);
  edit('curl.yaml', 'launchType: FARGATEE', 'launchType: FARGATE');

  // A refused prune: two owned resources no manifest declares, more than --max-prune 0.
  const nginx = readFileSync(path.join(dir, 'nginx.yaml'), 'utf8');
  rmSync(path.join(dir, 'nginx.yaml'));
  await until('Prune Refused', () => events('Prune Refused').length > 0, 15_000);
  await severalResyncs();
  expect(events('Prune Refused')).toHaveLength(1);
  expect(String(detail(events('Prune Refused')[0]).message)).toContain('--max-prune 0');
  expect((await service('nginx'))?.status).toBe('ACTIVE');
  writeFileSync(path.join(dir, 'nginx.yaml'), nginx);

  // A rollout the circuit breaker rolls back.
  sim.addFault({ operation: 'UpdateService', resource: 'nginx', effect: { type: 'rolloutFailure' } });
  edit('nginx.yaml', 'nginx/nginx:1.27', 'nginx/nginx:broken');
  await until('Rollout Failed', () => events('Rollout Failed').length > 0, 20_000);
  await severalResyncs();
  expect(events('Rollout Failed').map((e) => detail(e).resource)).toEqual(['Service/nginx']);

  // An EventBridge outage: the reconcile goes on, the failures show in /metrics, and once
  // EventBridge is back the event waiting for it is published.
  sim.addFault({ service: 'events', operation: 'PutEvents', count: 1_000_000, effect: { type: 'error', errorType: 'ServiceUnavailable', status: 503 } });
  const reconciledBefore = events('Resource Reconciled').length;
  edit('curl.yaml', 'desiredCount: 1', 'desiredCount: 2');
  await until('curl scaled during the outage', async () => (await service('curl'))?.desiredCount === 2);
  await until('the failed publishing in /metrics', async () => (await metric('switchboard_events_failed_total')) > 0);
  expect(await metric('switchboard_events_pending')).toBeGreaterThan(0);
  expect(events('Resource Reconciled')).toHaveLength(reconciledBefore);
  sim.clearFaults();
  await until('the waiting event published', () => events('Resource Reconciled').some((e) => detail(e).resource === 'Service/curl' && JSON.stringify(detail(e).changes).includes('desiredCount')), 20_000);
  expect(await metric('switchboard_events_dropped_total')).toBe(0);

  // Each of the four still happened exactly once.
  expect([events('Leader Changed').length, events('Resource Stalled').length, events('Prune Refused').length, events('Rollout Failed').length]).toEqual([1, 1, 1, 1]);
  daemon.child.kill('SIGTERM');
  expect(await daemon.exited).toBe(0);
}, 90_000);
