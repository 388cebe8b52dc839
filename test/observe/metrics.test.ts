import { awsCall } from '../../src/aws/errors.js';
import { Metrics } from '../../src/observe/metrics.js';

const created: Metrics[] = [];
function metrics(options: ConstructorParameters<typeof Metrics>[0] = {}): Metrics {
  const m = new Metrics({ defaultMetrics: false, ...options });
  created.push(m);
  return m;
}

afterEach(() => {
  for (const m of created.splice(0)) m.dispose();
});

/** The sample lines of the exposition text (no HELP/TYPE comments). */
async function samples(m: Metrics): Promise<string[]> {
  return (await m.expose()).split('\n').filter((l) => l !== '' && !l.startsWith('#'));
}

test('passes are counted by result and a successful pass sets the last-success timestamp', async () => {
  const m = metrics({ now: () => 1_714_564_800_000 });
  m.recordPass({ counts: { unchanged: 3 } });
  m.recordPass({ counts: { configured: 1, failed: 1 } });
  m.recordPass({ counts: {}, error: 'source unreadable' });
  const lines = await samples(m);
  expect(lines).toContain('switchboard_passes_total{result="success"} 1');
  expect(lines).toContain('switchboard_passes_total{result="failed"} 1');
  expect(lines).toContain('switchboard_passes_total{result="error"} 1');
  expect(lines).toContain('switchboard_last_successful_pass_timestamp_seconds 1714564800');
});

test('reconciles are counted by kind and result with their duration histogram', async () => {
  const m = metrics();
  m.recordReconcile('Service', 'configured', 0.3);
  m.recordResult({ key: 'Service/web', outcome: 'configured', durationMs: 700 });
  m.recordResult({ key: 'TaskDefinition/web', outcome: 'failed', durationMs: 20 });
  const lines = await samples(m);
  expect(lines).toContain('switchboard_reconciles_total{kind="Service",result="configured"} 2');
  expect(lines).toContain('switchboard_reconciles_total{kind="TaskDefinition",result="failed"} 1');
  expect(lines).toContain('switchboard_reconcile_duration_seconds_bucket{le="0.5",kind="Service"} 1');
  expect(lines).toContain('switchboard_reconcile_duration_seconds_bucket{le="1",kind="Service"} 2');
  expect(lines).toContain('switchboard_reconcile_duration_seconds_count{kind="Service"} 2');
  expect(lines).toContain('switchboard_reconcile_duration_seconds_sum{kind="Service"} 1');
});

test('queue depth, drift and the absence of a successful pass are exposed', async () => {
  const m = metrics();
  m.setQueueDepth(7);
  m.recordDrift('Service');
  m.recordDrift('Service');
  const lines = await samples(m);
  expect(lines).toContain('switchboard_queue_depth 7');
  expect(lines).toContain('switchboard_drift_detected_total{kind="Service"} 2');
  expect(lines).toContain('switchboard_last_successful_pass_timestamp_seconds 0');
});

test('every AWS call made through awsCall is counted by service, operation and error code', async () => {
  const m = metrics();
  await awsCall('ecs:DescribeServices', async () => 'ok');
  const denied = Object.assign(new Error('no'), { name: 'AccessDeniedException', $metadata: { requestId: 'r1' } });
  await expect(awsCall('servicediscovery:GetOperation', async () => Promise.reject(denied))).rejects.toThrow();
  const lines = await samples(m);
  expect(lines).toContain('switchboard_aws_calls_total{service="ecs",operation="DescribeServices",error_code=""} 1');
  expect(lines).toContain('switchboard_aws_calls_total{service="servicediscovery",operation="GetOperation",error_code="AccessDeniedException"} 1');
  expect(lines).toContain('switchboard_aws_call_duration_seconds_count{service="ecs",operation="DescribeServices"} 1');
});

test('after dispose, AWS calls are no longer counted', async () => {
  const m = metrics();
  m.dispose();
  await awsCall('ecs:ListServices', async () => 'ok');
  expect((await m.expose()).includes('operation="ListServices"')).toBe(false);
});

test('two metrics objects keep separate registries', async () => {
  const a = metrics({ observeAws: false });
  const b = metrics({ observeAws: false });
  a.setQueueDepth(3);
  expect(await samples(b)).toContain('switchboard_queue_depth 0');
  expect(await samples(a)).toContain('switchboard_queue_depth 3');
});

test('the default process metrics are included and the content type is the Prometheus text format', async () => {
  const m = metrics({ defaultMetrics: true, observeAws: false });
  const text = await m.expose();
  expect(text).toMatch(/^process_cpu_user_seconds_total /m);
  expect(text).toMatch(/^nodejs_heap_size_used_bytes /m);
  expect(text).toContain('# TYPE switchboard_passes_total counter');
  expect(m.contentType).toMatch(/^text\/plain; version=0\.0\.4; charset=utf-8/);
});

test('resources the persistent-drift breaker holds are a gauge by kind, cleared when they converge or go', async () => {
  const m = metrics();
  m.recordPersistentDrift('Service/web', true);
  m.recordPersistentDrift('Service/api', true);
  m.recordPersistentDrift('Service/web', true);
  expect(await samples(m)).toContain('switchboard_persistent_drift_resources{kind="Service"} 2');
  m.recordPersistentDrift('Service/web', false);
  m.recordPersistentDrift('Service/api', false);
  expect(await samples(m)).toContain('switchboard_persistent_drift_resources{kind="Service"} 0');
});
