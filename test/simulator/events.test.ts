/** The simulated EventBridge through the real SDK client: PutEvents as the API reference describes it, and what the buses received. */
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { clientConfig, useSimulator } from './helpers.js';

const env = useSimulator();
let eb: EventBridgeClient;

beforeAll(() => {
  eb = new EventBridgeClient({ ...clientConfig(env.sim.url), maxAttempts: 1 });
});
afterAll(() => eb.destroy());

function entry(n: number, extra: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry {
  return { Source: 'switchboard.dev', DetailType: 'Resource Reconciled', Detail: JSON.stringify({ n }), ...extra };
}

test('accepted events get ids, in order, and the bus lists them with their source, detail-type, detail and time', async () => {
  const before = env.sim.receivedEvents().length;
  const time = new Date('2026-01-02T03:04:05Z');
  const res = await eb.send(new PutEventsCommand({ Entries: [entry(1, { Time: time, EventBusName: 'ops' }), entry(2)] }));
  expect(res.FailedEntryCount).toBe(0);
  expect(res.Entries?.map((e) => typeof e.EventId)).toEqual(['string', 'string']);
  const received = env.sim.receivedEvents().slice(before);
  expect(received.map((e) => [e.eventId, e.eventBusName, e.source, e.detailType, JSON.parse(e.detail) as unknown])).toEqual([
    [res.Entries?.[0]?.EventId, 'ops', 'switchboard.dev', 'Resource Reconciled', { n: 1 }],
    [res.Entries?.[1]?.EventId, 'default', 'switchboard.dev', 'Resource Reconciled', { n: 2 }],
  ]);
  expect(received[0]?.time).toBe(time.getTime());
  const listed = (await (await fetch(`${env.sim.url}/_sim/events`)).json()) as { events: { eventId: string }[] };
  expect(listed.events.slice(-2).map((e) => e.eventId)).toEqual(res.Entries?.map((e) => e.EventId));
});

test('more than 10 entries is a ValidationException; nothing is received', async () => {
  const before = env.sim.receivedEvents().length;
  await expect(eb.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, (_, i) => entry(i)) }))).rejects.toMatchObject({ name: 'ValidationException' });
  expect(env.sim.receivedEvents().length).toBe(before);
});

test('a refused entry fails on its own with an error code, counted in FailedEntryCount, and the others are accepted', async () => {
  const res = await eb.send(new PutEventsCommand({ Entries: [entry(1), entry(2, { Detail: 'not json' }), entry(3, { DetailType: '' })] }));
  expect(res.FailedEntryCount).toBe(2);
  expect(res.Entries?.map((e) => e.ErrorCode ?? 'ok')).toEqual(['ok', 'MalformedDetail', 'InvalidArgument']);
});

test('the entryFailure fault fails every entry of a call (HTTP 200, FailedEntryCount); PutEvents is counted as a write', async () => {
  env.sim.resetCalls();
  env.sim.addFault({ service: 'events', operation: 'PutEvents', effect: { type: 'entryFailure', errorCode: 'ThrottlingException' } });
  const res = await eb.send(new PutEventsCommand({ Entries: [entry(1), entry(2)] }));
  expect(res.FailedEntryCount).toBe(2);
  expect(res.Entries?.map((e) => e.ErrorCode)).toEqual(['ThrottlingException', 'ThrottlingException']);
  expect(env.sim.calls().services.events.operations.PutEvents).toMatchObject({ kind: 'write', calls: 1 });
});
