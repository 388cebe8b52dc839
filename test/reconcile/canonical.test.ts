import { jsonEqual, stableStringify } from '../../src/reconcile/canonical.js';
import type { JsonValue } from '../../src/reconcile/ports.js';

test('jsonEqual ignores object key order and nothing else', () => {
  expect(jsonEqual({ a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 })).toBe(true);
  expect(jsonEqual([1, 2], [2, 1])).toBe(false);
  expect(jsonEqual({ a: 1 }, { a: 1, b: null })).toBe(false);
  expect(jsonEqual({ a: null }, { b: null })).toBe(false);
  expect(jsonEqual(null, {})).toBe(false);
  expect(jsonEqual([], {})).toBe(false);
  expect(jsonEqual({}, [])).toBe(false);
  expect(jsonEqual('1', 1)).toBe(false);
  expect(jsonEqual(undefined, null)).toBe(false);
  expect(jsonEqual(undefined, undefined)).toBe(true);
  expect(jsonEqual({ a: { b: { c: [true] } } }, { a: { b: { c: [false] } } })).toBe(false);
});

test('jsonEqual agrees with comparing canonical text', () => {
  const values: JsonValue[] = [null, 0, 1, '', 'a', true, false, [], {}, [1, 'a'], ['a', 1], { a: 1 }, { a: '1' }, { a: [1] }, { a: { b: null } }, { b: 1, a: 2 }, { a: 2, b: 1 }];
  for (const a of values) for (const b of values) expect(jsonEqual(a, b)).toBe(stableStringify(a) === stableStringify(b));
});
