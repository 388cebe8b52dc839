import { BoundedMap } from '../../src/util/bounded-map.js';

test('beyond its bound the least recently set or touched entry is forgotten first', () => {
  const m = new BoundedMap<string, number>(2);
  m.set('a', 1);
  m.set('b', 2);
  expect(m.touch('a')).toBe(1);
  m.set('c', 3);
  expect(m.get('b')).toBeUndefined();
  expect(m.get('a')).toBe(1);
  expect(m.get('c')).toBe(3);
  m.set('a', 10);
  m.set('d', 4);
  expect(m.get('c')).toBeUndefined();
  expect(m.get('a')).toBe(10);
  expect(m.size).toBe(2);
  expect(m.delete('a')).toBe(true);
  expect(m.touch('a')).toBeUndefined();
});
