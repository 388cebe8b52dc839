import { memoizeByObject } from '../../src/util/memo.js';

test('a value is computed once per object, undefined included', () => {
  const seen: object[] = [];
  const f = memoizeByObject((o: { n?: number }) => {
    seen.push(o);
    return o.n;
  });
  const a = { n: 1 };
  const b = {};
  expect([f(a), f(a), f(b), f(b)]).toEqual([1, 1, undefined, undefined]);
  expect(seen).toEqual([a, b]);
});
