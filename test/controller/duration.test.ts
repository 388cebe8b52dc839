import { formatDuration, parseDuration } from '../../src/util/duration.js';

test('durations are read in ms, s, m and h, a bare number as seconds', () => {
  expect(parseDuration('500ms')).toBe(500);
  expect(parseDuration('30s')).toBe(30_000);
  expect(parseDuration('5m')).toBe(300_000);
  expect(parseDuration('1h')).toBe(3_600_000);
  expect(parseDuration('2')).toBe(2000);
  expect(parseDuration('1.5s')).toBe(1500);
});

test('anything else is rejected with a readable message', () => {
  expect(() => parseDuration('5 minutes')).toThrow('is not a duration (use e.g. 500ms, 30s, 5m, 1h)');
  expect(() => parseDuration('0s')).toThrow('must be longer than zero');
  expect(() => parseDuration('-1s')).toThrow();
});

test('durations format back compactly', () => {
  expect(formatDuration(300_000)).toBe('5m');
  expect(formatDuration(250)).toBe('250ms');
});
