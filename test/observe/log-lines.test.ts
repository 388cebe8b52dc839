import { formatLogLine } from '../../src/observe/log-lines.js';

const t = Date.parse('2024-05-01T12:00:00.000Z');

test('a pino line shows time, level, the stable fields, the message and the rest as key=value', () => {
  const line = JSON.stringify({ level: 40, time: t, pid: 1, hostname: 'h', resource: 'Service/web', action: 'wait', msg: 'deployment IN_PROGRESS', pass: 3 });
  expect(formatLogLine(line, 0)).toBe('2024-05-01T12:00:00.000Z WARN  Service/web wait deployment IN_PROGRESS pass=3');
});

test('the event timestamp stands in for a missing time, and string levels are upper-cased', () => {
  expect(formatLogLine(JSON.stringify({ level: 'debug', msg: 'x' }), t)).toBe('2024-05-01T12:00:00.000Z DEBUG x');
});

test('errors show their message, code and request id but not their stack', () => {
  const line = JSON.stringify({ level: 50, time: t, msg: 'failed', err: { message: 'boom', code: 'ThrottlingException', requestId: 'r-1', stack: 'Error: boom\n at x' } });
  expect(formatLogLine(line, 0)).toBe('2024-05-01T12:00:00.000Z ERROR failed err=boom code=ThrottlingException requestId=r-1');
});

test('values with spaces are quoted and long values are cut', () => {
  const line = JSON.stringify({ level: 30, time: t, msg: 'm', note: 'two words', big: 'x'.repeat(500) });
  const out = formatLogLine(line, 0);
  expect(out).toContain('note="two words"');
  expect(out).toMatch(/ big=x{199}…$/);
  expect(out.length).toBeLessThan(300);
});

test('lines that are not pino JSON are printed as they are', () => {
  expect(formatLogLine('Error: crashed\n', t)).toBe('Error: crashed');
  expect(formatLogLine('{not json', t)).toBe('{not json');
  expect(formatLogLine('[1,2]', t)).toBe('[1,2]');
});
