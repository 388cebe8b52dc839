import { KeyedBackoff } from '../../src/controller/backoff.js';
import { WorkQueue } from '../../src/controller/queue.js';

describe('work queue', () => {
  test('repeated adds of a key collapse into one', async () => {
    const q = new WorkQueue();
    q.add('Service/a');
    q.add('Service/a');
    q.add('Service/b');
    expect(q.depth).toBe(2);
    expect((await q.take(10)).keys.sort()).toEqual(['Service/a', 'Service/b']);
  });

  test('change work goes ahead of resync work', async () => {
    const q = new WorkQueue();
    q.add('Service/r1', 'resync');
    q.add('Service/c1', 'change');
    const first = await q.take(10);
    expect(first).toEqual({ keys: ['Service/c1'], priority: 'change' });
    q.done(first.keys);
    expect(await q.take(10)).toEqual({ keys: ['Service/r1'], priority: 'resync' });
  });

  test('a key being processed is not handed out again until done, then re-queued once', async () => {
    const q = new WorkQueue();
    q.add('Service/a');
    const taken = await q.take(10);
    q.add('Service/a');
    q.add('Service/a');
    expect(q.depth).toBe(0);
    q.done(taken.keys);
    expect(q.depth).toBe(1);
    expect((await q.take(10)).keys).toEqual(['Service/a']);
  });

  test('a change add upgrades a pending resync add', async () => {
    const q = new WorkQueue();
    q.add('Service/a', 'resync');
    q.add('Service/a', 'change');
    expect(await q.take(10)).toEqual({ keys: ['Service/a'], priority: 'change' });
  });

  test('take waits for work and returns nothing after shutdown', async () => {
    const q = new WorkQueue();
    const pending = q.take(10);
    setTimeout(() => q.add('Service/late'), 10);
    expect((await pending).keys).toEqual(['Service/late']);
    const waiting = q.take(10);
    q.shutDown();
    expect((await waiting).keys).toEqual([]);
  });

  test('delayed adds arrive after their delay', async () => {
    const q = new WorkQueue();
    q.addAfter('Service/a', 20);
    expect(q.depth).toBe(0);
    expect(q.isDelayed('Service/a')).toBe(true);
    expect((await q.take(10)).keys).toEqual(['Service/a']);
  });
});

describe('per-key backoff', () => {
  test('doubles from one second and is capped at five minutes', () => {
    const b = new KeyedBackoff({ baseMs: 1000, maxMs: 300_000, jitter: 0 });
    const delays = Array.from({ length: 12 }, () => b.next('k'));
    expect(delays.slice(0, 5)).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(delays.at(-1)).toBe(300_000);
    expect(b.attempts('k')).toBe(12);
  });

  test('success resets a key, and keys are independent', () => {
    const b = new KeyedBackoff({ baseMs: 1000, maxMs: 300_000, jitter: 0 });
    b.next('a');
    b.next('a');
    b.next('b');
    b.forget('a');
    expect(b.next('a')).toBe(1000);
    expect(b.next('b')).toBe(2000);
  });

  test('jitter stays within its band', () => {
    const b = new KeyedBackoff({ baseMs: 1000, maxMs: 300_000, jitter: 0.2, random: () => 1 });
    expect(b.next('k')).toBe(1200);
    const c = new KeyedBackoff({ baseMs: 1000, maxMs: 300_000, jitter: 0.2, random: () => 0 });
    expect(c.next('k')).toBe(800);
  });
});
