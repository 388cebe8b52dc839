/**
 * The event publisher against the simulated EventBridge through the real SDK client, on a clock the
 * test controls: batches of at most 10, paced, refused entries retried with backoff, dropped after
 * a bound with one log line, never blocking the caller.
 */
import { createEventBridgeClient, SdkEventSink } from '../../src/aws/eventbridge.js';
import { EventPublisher, type EventMetrics, type PublisherClock } from '../../src/events/publisher.js';
import type { ControllerEvent } from '../../src/events/types.js';
import { createLogger } from '../../src/observe/logger.js';
import { useSimulator } from '../simulator/helpers.js';

const env = useSimulator();

/** Virtual time: sleeping moves the clock, and yields so the test and the simulator can run. */
class VirtualClock implements PublisherClock {
  t = 1_000_000;
  now(): number {
    return this.t;
  }
  sleep(ms: number): Promise<void> {
    this.t += ms;
    return new Promise((resolve) => setImmediate(resolve));
  }
}

function recordingMetrics() {
  const m = { sent: 0, failed: 0, dropped: new Map<string, number>(), pending: 0 };
  const metrics: EventMetrics = {
    eventsSent: (_t, n) => void (m.sent += n),
    eventsFailed: (_c, n) => void (m.failed += n),
    eventsDropped: (reason, n) => void m.dropped.set(reason, (m.dropped.get(reason) ?? 0) + n),
    eventsPending: (n) => void (m.pending = n),
  };
  return { m, metrics };
}

let seq = 0;
function event(): ControllerEvent {
  return { detailType: 'Resource Reconciled', detail: { controllerId: 'switchboard', resource: `Service/s${++seq}`, reason: 'Configured', message: 'configured' }, time: 1_000 };
}

async function until(check: () => boolean): Promise<void> {
  const end = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function start(options: { maxAttempts?: number; maxPending?: number } = {}) {
  const clock = new VirtualClock();
  const lines: string[] = [];
  const { m, metrics } = recordingMetrics();
  const sink = new SdkEventSink(createEventBridgeClient({ endpoint: env.sim.url, region: 'us-east-1', maxAttempts: 1 }));
  const publisher = new EventPublisher(sink, {
    bus: 'ops',
    clock,
    metrics,
    logger: createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } }),
    minIntervalMs: 100,
    backoffBaseMs: 1_000,
    ...options,
  });
  const stop = new AbortController();
  return { clock, lines, m, publisher, sink, stop, run: () => publisher.run(stop.signal) };
}

afterEach(() => env.sim.clearFaults());

test('23 events go out in 3 calls of at most 10, at least the pacing interval apart, all received in order', async () => {
  const p = start();
  env.sim.resetCalls();
  const published = Array.from({ length: 23 }, event);
  for (const e of published) p.publisher.publish(e);
  const calls: number[] = [];
  const before = env.sim.receivedEvents().length;
  const running = p.run();
  await until(() => p.m.sent === 23);
  p.stop.abort();
  await running;
  p.sink.close();
  calls.push(...env.sim.callLog().entries.filter((e) => e.operation === 'PutEvents').map((e) => e.at));
  expect(calls).toHaveLength(3);
  const received = env.sim.receivedEvents().slice(before);
  expect(received.map((e) => (JSON.parse(e.detail) as { resource: string }).resource)).toEqual(published.map((e) => e.detail.resource));
  expect(new Set(received.map((e) => e.eventBusName))).toEqual(new Set(['ops']));
});

test('refused entries (FailedEntryCount) are retried with backoff and then published: nothing is lost', async () => {
  const p = start();
  env.sim.addFault({ service: 'events', operation: 'PutEvents', count: 2, effect: { type: 'entryFailure', errorCode: 'ThrottlingException' } });
  const before = env.sim.receivedEvents().length;
  const t0 = p.clock.now();
  for (let i = 0; i < 4; i++) p.publisher.publish(event());
  const running = p.run();
  await until(() => p.m.sent === 4);
  p.stop.abort();
  await running;
  p.sink.close();
  expect(p.m.failed).toBe(8);
  expect(env.sim.receivedEvents().length - before).toBe(4);
  // Two failed attempts: waited 1 s, then 2 s, before the third.
  expect(p.clock.now() - t0).toBeGreaterThanOrEqual(3_000);
  expect(p.m.dropped.size).toBe(0);
});

test('during an outage nothing blocks the caller; after the last attempt the events are dropped, counted, and said in one log line', async () => {
  const p = start({ maxAttempts: 3 });
  env.sim.addFault({ service: 'events', operation: 'PutEvents', count: 1000, effect: { type: 'error', errorType: 'ServiceUnavailable', status: 503 } });
  const running = p.run();
  const started = Date.now();
  for (let i = 0; i < 5; i++) p.publisher.publish(event());
  expect(Date.now() - started).toBeLessThan(50);
  await until(() => (p.m.dropped.get('attempts') ?? 0) === 5);
  p.stop.abort();
  await running;
  p.sink.close();
  expect(p.m.failed).toBe(15);
  expect(p.m.pending).toBe(0);
  const dropLines = p.lines.filter((l) => l.includes('"result":"dropped"'));
  expect(dropLines).toHaveLength(1);
  expect(dropLines[0]).toContain('5 dropped after 3 attempts (ServiceUnavailable)');
});

test('past the queue bound the oldest events are dropped, counted, and said once', () => {
  const p = start({ maxPending: 5 });
  for (let i = 0; i < 8; i++) p.publisher.publish(event());
  p.sink.close();
  expect(p.publisher.pending).toBe(5);
  expect(p.m.dropped.get('queue-full')).toBe(3);
  expect(p.lines.filter((l) => l.includes('"result":"dropped"'))).toHaveLength(1);
});
