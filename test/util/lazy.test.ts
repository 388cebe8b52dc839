import { lazily, lazyResource } from '../../src/util/lazy.js';

test('concurrent first callers share one build; a failed build is tried again', async () => {
  let builds = 0;
  const get = lazily(async () => {
    builds++;
    if (builds === 1) throw new Error('first build fails');
    return builds;
  });
  await expect(get()).rejects.toThrow('first build fails');
  const [a, b] = await Promise.all([get(), get()]);
  expect([a, b, builds]).toEqual([2, 2, 2]);
  expect(await get()).toBe(2);
});

test('close releases what was built, and what is still being built once it is', async () => {
  const released: string[] = [];
  const built = lazyResource(async () => 'one', (v) => released.push(v));
  expect(await built.get()).toBe('one');
  built.close();
  expect(released).toEqual(['one']);

  let finish: (v: string) => void = () => undefined;
  const slow = lazyResource(() => new Promise<string>((resolve) => (finish = resolve)), (v) => released.push(v));
  const pending = slow.get();
  slow.close();
  finish('two');
  expect(await pending).toBe('two');
  expect(released).toEqual(['one', 'two']);

  const never = lazyResource(async () => 'three', (v) => released.push(v));
  never.close();
  expect(released).toEqual(['one', 'two']);
});
