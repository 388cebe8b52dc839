import { mapGraph } from '../../src/util/concurrency.js';

interface Item {
  key: string;
  dependsOn: string[];
  rank?: number;
}

/** Resolves each call when the test says so, recording the order calls start in. */
function controlledRun<T extends Item>() {
  const started: string[] = [];
  const release = new Map<string, () => void>();
  const fn = (item: T): Promise<string> => {
    started.push(item.key);
    return new Promise((resolve) => release.set(item.key, () => resolve(`done ${item.key}`)));
  };
  const finish = async (key: string): Promise<void> => {
    const r = release.get(key);
    if (!r) throw new Error(`${key} has not started`);
    r();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { started, fn, finish };
}

test('an item starts as soon as its own dependencies finish, not when a whole layer does', async () => {
  const items: Item[] = [
    { key: 'td/a', dependsOn: [] },
    { key: 'td/b', dependsOn: [] },
    { key: 'svc/a', dependsOn: ['td/a'] },
    { key: 'svc/b', dependsOn: ['td/b'] },
  ];
  const run = controlledRun<Item>();
  const done = mapGraph(items, 2, () => 0, run.fn);
  await run.finish('td/a');
  expect(run.started).toEqual(['td/a', 'td/b', 'svc/a']);
  await run.finish('svc/a');
  await run.finish('td/b');
  await run.finish('svc/b');
  expect(await done).toEqual(['done td/a', 'done td/b', 'done svc/a', 'done svc/b']);
});

test('ready items go by priority, then input order, and never more than the limit at once', async () => {
  const items: Item[] = [
    { key: 'td/1', dependsOn: [], rank: 0 },
    { key: 'td/2', dependsOn: [], rank: 0 },
    { key: 'td/3', dependsOn: [], rank: 0 },
    { key: 'svc/1', dependsOn: ['td/1'], rank: 9 },
  ];
  const run = controlledRun<Item>();
  const done = mapGraph(items, 1, (i) => i.rank ?? 0, run.fn);
  await run.finish('td/1');
  // svc/1 became ready while td/2 and td/3 were waiting: it goes first.
  expect(run.started).toEqual(['td/1', 'svc/1']);
  await run.finish('svc/1');
  await run.finish('td/2');
  await run.finish('td/3');
  expect(run.started).toEqual(['td/1', 'svc/1', 'td/2', 'td/3']);
  await done;
});

test('dependencies outside the set count as met; a cycle does not hang', async () => {
  const outside = await mapGraph([{ key: 'a', dependsOn: ['elsewhere'] }], 4, () => 0, async (i) => i.key);
  expect(outside).toEqual(['a']);
  const cycle = await mapGraph(
    [
      { key: 'a', dependsOn: ['b'] },
      { key: 'b', dependsOn: ['a'] },
    ],
    4,
    () => 0,
    async (i) => i.key,
  );
  expect(cycle).toEqual(['a', 'b']);
  expect(await mapGraph([], 4, () => 0, async () => 1)).toEqual([]);
});

test('a dependant waits for a failed dependency to settle, and a thrown error rejects the whole run', async () => {
  const order: string[] = [];
  await expect(
    mapGraph(
      [
        { key: 'a', dependsOn: [] },
        { key: 'b', dependsOn: ['a'] },
      ],
      2,
      () => 0,
      async (i) => {
        order.push(i.key);
        if (i.key === 'a') throw new Error('boom');
        return i.key;
      },
    ),
  ).rejects.toThrow('boom');
  expect(order).toEqual(['a']);
});
