import { closest, editDistance } from '../../src/manifests/suggest.js';

test('edit distance counts a swap of neighbours as one edit', () => {
  expect(editDistance('portMapings', 'portMappings')).toBe(1);
  expect(editDistance('potrMappings', 'portMappings')).toBe(1);
  expect(editDistance('', 'abc')).toBe(3);
});

test('the closest candidate is suggested only when it is a plausible typo', () => {
  expect(closest('portMapping', ['portMappings', 'essential'])).toBe('portMappings');
  expect(closest('Vpc', ['type', 'vpc'])).toBe('vpc');
  expect(closest('nginx-80', ['nginx-80-tcp'])).toBe('nginx-80-tcp');
  expect(closest('zzzzzz', ['type', 'vpc'])).toBeUndefined();
});
