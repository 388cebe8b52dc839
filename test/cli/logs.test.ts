/**
 * `switchboard logs` and the log reader against the embedded simulator's CloudWatch Logs, with
 * events written through the real SDK the way the awslogs driver writes them.
 */
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { followLogEvents, readLogEvents, type LogEvent } from '../../src/aws/logs-reader.js';
import { parseSince, runLogs } from '../../src/cli/logs.js';
import { runSwitchboard } from '../helpers/cli.js';

let sim: SimulatorHandle;
let logs: CloudWatchLogsClient;
let group = 0;

beforeAll(async () => {
  sim = await startSimulator({ throttling: false });
  logs = new CloudWatchLogsClient({ endpoint: sim.url, region: 'us-east-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 's' }, maxAttempts: 1 });
});

afterAll(async () => {
  logs.destroy();
  await sim.close();
});

/** A fresh log group with one stream per name; returns the group name. */
async function logGroup(...streams: string[]): Promise<string> {
  const name = `/ecs/switchboard-test-${++group}`;
  await logs.send(new CreateLogGroupCommand({ logGroupName: name }));
  for (const s of streams) await logs.send(new CreateLogStreamCommand({ logGroupName: name, logStreamName: s }));
  return name;
}

async function put(logGroupName: string, logStreamName: string, events: { timestamp: number; message: string }[]): Promise<void> {
  await logs.send(new PutLogEventsCommand({ logGroupName, logStreamName, logEvents: events }));
}

function pino(time: number, fields: Record<string, unknown>): string {
  return JSON.stringify({ level: 30, time, ...fields });
}

const t0 = Date.parse('2024-05-01T12:00:00.000Z');

test('logs prints the controller lines readably, in time order across streams, and other lines as they are', async () => {
  const now = Date.now();
  const name = await logGroup('ecs/switchboard/task-a', 'ecs/switchboard/task-b');
  await put(name, 'ecs/switchboard/task-a', [
    { timestamp: now - 3000, message: pino(now - 3000, { pass: 4, revision: 'abc', msg: 'pass', durationMs: 812, counts: { unchanged: 3, configured: 1 } }) },
    { timestamp: now - 1000, message: 'node:internal/process: something went wrong' },
  ]);
  await put(name, 'ecs/switchboard/task-b', [
    { timestamp: now - 2000, message: pino(now - 2000, { pass: 4, resource: 'Service/nginx', action: 'update', result: 'configured', durationMs: 412.4, msg: 'updated', changes: [{ path: 'desiredCount', old: 1, new: 2 }] }) },
    { timestamp: now - 500, message: JSON.stringify({ level: 50, time: now - 500, resource: 'Service/api', action: 'update', result: 'failed', msg: 'update failed', err: { type: 'AwsCallError', message: 'ecs:UpdateService failed: AccessDeniedException', code: 'AccessDeniedException', requestId: 'req-42', stack: 'at x' } }) },
  ]);
  const run = await runSwitchboard(['logs', '--log-group', name, '--endpoint-url', sim.url, '--region', 'us-east-1']);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const iso = (ms: number): string => new Date(ms).toISOString();
  expect(run.stdout.split('\n')).toEqual([
    `${iso(now - 3000)} INFO  812ms pass pass=4 revision=abc counts={"unchanged":3,"configured":1}`,
    `${iso(now - 2000)} INFO  Service/nginx update configured 412ms updated pass=4 changes=[{"path":"desiredCount","old":1,"new":2}]`,
    'node:internal/process: something went wrong',
    `${iso(now - 500)} ERROR Service/api update failed update failed err="ecs:UpdateService failed: AccessDeniedException" code=AccessDeniedException requestId=req-42`,
    '',
  ]);
});

test('--since leaves out older events', async () => {
  const now = Date.now();
  const name = await logGroup('s');
  await put(name, 's', [
    { timestamp: now - 2 * 3_600_000, message: 'two hours ago' },
    { timestamp: now - 10 * 60_000, message: 'ten minutes ago' },
  ]);
  const base = ['logs', '--log-group', name, '--endpoint-url', sim.url, '--region', 'us-east-1'];
  expect((await runSwitchboard(base)).stdout).toBe('ten minutes ago\n');
  expect((await runSwitchboard([...base, '--since', '3h'])).stdout).toBe('two hours ago\nten minutes ago\n');
  expect((await runSwitchboard([...base, '--since', '5m'])).stderr).toMatch(/^logs: no events in \/ecs\/switchboard-test-\d+ since /);
});

test('a missing log group is a clear message and exit 1', async () => {
  const run = await runSwitchboard(['logs', '--log-group', '/ecs/nope', '--endpoint-url', sim.url, '--region', 'us-east-1']);
  expect(run.code).toBe(1);
  expect(run.stderr).toBe("logs: log group /ecs/nope not found in us-east-1; pass --log-group (the awslogs-group of the controller's task definition) or --region\n");
});

test('a bad --since is a usage error', async () => {
  expect((await runSwitchboard(['logs', '--since', 'yesterday'])).code).toBe(2);
  expect(parseSince('90s')).toEqual({ agoMs: 90_000 });
  expect(parseSince('500ms')).toEqual({ agoMs: 500 });
  expect(parseSince('2d')).toEqual({ agoMs: 172_800_000 });
  expect(parseSince('2024-05-01T10:00:00Z')).toEqual({ at: Date.parse('2024-05-01T10:00:00Z') });
});

test('the reader follows nextToken through every page', async () => {
  const name = await logGroup('s');
  await put(name, 's', Array.from({ length: 25 }, (_, i) => ({ timestamp: t0 + i, message: `e${i}` })));
  const pages: LogEvent[][] = [];
  for await (const page of readLogEvents(logs, { logGroupName: name, startTime: t0 + 5, pageSize: 7 })) pages.push(page);
  expect(pages.map((p) => p.length)).toEqual([7, 7, 6]);
  expect(pages.flat().map((e) => e.message)).toEqual(Array.from({ length: 20 }, (_, i) => `e${i + 5}`));
  expect(new Set(pages.flat().map((e) => e.eventId)).size).toBe(20);
});

test('follow prints each event once, including late ones sharing the last timestamp, and stops on abort', async () => {
  const name = await logGroup('a', 'b');
  await put(name, 'a', [
    { timestamp: t0, message: 'first' },
    { timestamp: t0 + 10, message: 'second' },
  ]);
  const seen: string[] = [];
  const stop = new AbortController();
  let polls = 0;
  const waitFor = async (n: number): Promise<void> => {
    const deadline = Date.now() + 5000;
    while (seen.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  };
  const done = followLogEvents(logs, { logGroupName: name, startTime: t0, intervalMs: 20, signal: stop.signal, onEvent: (e) => seen.push(e.message) });
  logs.middlewareStack.add(
    (next) => async (args) => {
      polls++;
      return next(args);
    },
    { step: 'initialize', name: 'countPolls' },
  );
  await waitFor(2);
  // Same millisecond as the newest seen event, from another stream: must not be lost or repeated.
  await put(name, 'b', [{ timestamp: t0 + 10, message: 'late, same millisecond' }]);
  await put(name, 'a', [{ timestamp: t0 + 20, message: 'third' }]);
  await waitFor(4);
  const pollsBefore = polls;
  await new Promise((r) => setTimeout(r, 100));
  expect(polls).toBeGreaterThan(pollsBefore);
  stop.abort();
  await done;
  logs.middlewareStack.remove('countPolls');
  expect(seen).toEqual(['first', 'second', 'late, same millisecond', 'third']);
});

test('follow reports a failing later poll and keeps going; a failing first poll is thrown', async () => {
  await expect(followLogEvents(logs, { logGroupName: '/ecs/missing', intervalMs: 10, onEvent: () => undefined })).rejects.toThrow(/ResourceNotFoundException/);
  const name = await logGroup('s');
  await put(name, 's', [{ timestamp: t0, message: 'before' }]);
  const seen: string[] = [];
  const errors: string[] = [];
  const stop = new AbortController();
  let failNext = false;
  logs.middlewareStack.add(
    (next) => async (args) => {
      if (failNext) {
        failNext = false;
        throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
      }
      return next(args);
    },
    { step: 'initialize', name: 'failOnce' },
  );
  try {
    const done = followLogEvents(logs, {
      logGroupName: name,
      startTime: t0,
      intervalMs: 10,
      signal: stop.signal,
      onEvent: (e) => seen.push(e.message),
      onError: (e) => errors.push(e instanceof Error ? e.message : String(e)),
    });
    while (seen.length < 1) await new Promise((r) => setTimeout(r, 5));
    failNext = true;
    while (errors.length < 1) await new Promise((r) => setTimeout(r, 5));
    await put(name, 's', [{ timestamp: t0 + 1, message: 'after' }]);
    while (seen.length < 2) await new Promise((r) => setTimeout(r, 5));
    stop.abort();
    await done;
  } finally {
    logs.middlewareStack.remove('failOnce');
  }
  expect(seen).toEqual(['before', 'after']);
  expect(errors).toEqual(['logs:FilterLogEvents failed: TimeoutError: socket hang up']);
});

test('logs --follow through runLogs prints events until the stop signal, then exits 0', async () => {
  const now = Date.now();
  const name = await logGroup('s');
  await put(name, 's', [{ timestamp: now - 1000, message: pino(now - 1000, { msg: 'hello', resource: 'Service/web' }) }]);
  const lines: string[] = [];
  const errs: string[] = [];
  const stop = new AbortController();
  const code = runLogs(
    { follow: true, logGroup: name, since: { agoMs: 60_000 }, region: 'us-east-1', endpointUrl: sim.url, intervalMs: 20 },
    stop.signal,
    (l) => lines.push(l),
    (l) => errs.push(l),
  );
  while (lines.length < 1) await new Promise((r) => setTimeout(r, 5));
  await put(name, 's', [{ timestamp: Date.now(), message: 'plain line' }]);
  while (lines.length < 2) await new Promise((r) => setTimeout(r, 5));
  stop.abort();
  expect(await code).toBe(0);
  expect(lines).toEqual([`${new Date(now - 1000).toISOString()} INFO  Service/web hello`, 'plain line']);
  expect(errs).toEqual([]);
});
