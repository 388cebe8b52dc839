import { Debouncer, Refresher, jittered } from '../../src/sources/schedule.js';
import { SnapshotGate } from '../../src/sources/gate.js';
import type { SourceError, SourceSnapshot } from '../../src/sources/index.js';
import { sleep, waitFor } from './helpers.js';

describe('jitter', () => {
  test('spreads an interval over ±10%', () => {
    expect(jittered(1000, () => 0)).toBe(900);
    expect(jittered(1000, () => 0.5)).toBe(1000);
    expect(jittered(1000, () => 0.999999)).toBe(1100);
  });
});

describe('Debouncer', () => {
  test('fires once after a burst has been quiet', async () => {
    let fired = 0;
    const d = new Debouncer(() => fired++, 200, 5000);
    for (let i = 0; i < 5; i++) {
      d.poke();
      await sleep(10);
    }
    expect(fired).toBe(0);
    await waitFor(() => fired === 1, 2000, 'the debounced call');
    await sleep(250);
    expect(fired).toBe(1);
  });

  test('a steady trickle of events still fires within the maximum wait', async () => {
    let fired = 0;
    const d = new Debouncer(() => fired++, 50, 120);
    const started = Date.now();
    while (fired === 0 && Date.now() - started < 1000) {
      d.poke();
      await sleep(10);
    }
    d.cancel();
    expect(fired).toBe(1); // without the maximum wait it would not fire while events keep coming
  });

  test('cancel drops a pending burst', async () => {
    let fired = 0;
    const d = new Debouncer(() => fired++, 20, 100);
    d.poke();
    d.cancel();
    await sleep(60);
    expect(fired).toBe(0);
  });
});

describe('Refresher', () => {
  test('triggers during a run cause exactly one more run, never two at once', async () => {
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const gates: (() => void)[] = [];
    const r = new Refresher(async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      runs++;
      await new Promise<void>((resolve) => gates.push(resolve));
      running--;
    }, () => false);
    r.trigger();
    r.trigger();
    r.trigger();
    r.trigger();
    expect(runs).toBe(1);
    gates.shift()?.();
    await waitFor(() => gates.length === 1, 1000, 'the second run');
    gates.shift()?.();
    await waitFor(() => !r.busy, 1000, 'the runs to finish');
    expect(runs).toBe(2);
    expect(maxRunning).toBe(1);
  });

  test('a stopped refresher does not run', async () => {
    let runs = 0;
    const r = new Refresher(async () => {
      runs++;
    }, () => true);
    r.trigger();
    await sleep(10);
    expect(runs).toBe(0);
  });
});

describe('SnapshotGate', () => {
  const snap = (revision: string): SourceSnapshot => ({ revision, files: [], complete: true, unreadable: [] });

  test('emits a revision once, then again only after an error', () => {
    const seen: string[] = [];
    const errors: SourceError[] = [];
    const gate = new SnapshotGate((s) => seen.push(s.revision), (e) => errors.push(e), 'src');
    expect(gate.success(snap('a'))).toBe(true);
    expect(gate.success(snap('a'))).toBe(false);
    expect(gate.success(snap('b'))).toBe(true);
    gate.failure({ message: 'src: down', code: 'AccessDenied' });
    expect(gate.success(snap('b'))).toBe(true);
    expect(gate.success(snap('b'))).toBe(false);
    expect(seen).toEqual(['a', 'b', 'b']);
    expect(errors.map((e) => e.code)).toEqual(['AccessDenied']);
  });

  test('a warning does not make the next identical read emit', () => {
    const seen: string[] = [];
    const gate = new SnapshotGate((s) => seen.push(s.revision), () => undefined, 'src');
    gate.success(snap('a'));
    gate.warn({ message: 'src: cannot watch a folder' });
    gate.success(snap('a'));
    expect(seen).toEqual(['a']);
  });

  test('a consumer that throws is reported through onError instead of escaping', () => {
    const errors: SourceError[] = [];
    const gate = new SnapshotGate(
      () => {
        throw new Error('boom');
      },
      (e) => errors.push(e),
      'src',
    );
    expect(() => gate.success(snap('a'))).not.toThrow();
    expect(errors.map((e) => e.message)).toEqual(['src: the snapshot consumer failed: boom']);
    const silent = new SnapshotGate(
      () => undefined,
      () => {
        throw new Error('also boom');
      },
      'src',
    );
    expect(() => silent.failure({ message: 'x' })).not.toThrow();
  });
});
