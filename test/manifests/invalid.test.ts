import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateSnapshot } from '../../src/manifests/validate.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'manifests', 'invalid');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

/** Each file starts with `# expect: <message substring>` and `# line: <n>`. */
function expectation(content: Buffer): { message: string; line: number } {
  const header = content.toString('latin1').split('\n');
  const message = /^# expect: (.+)$/.exec(header[0] ?? '')?.[1];
  const line = Number(/^# line: (\d+)$/.exec(header[1] ?? '')?.[1]);
  if (message === undefined || !Number.isInteger(line) || line < 1) throw new Error('missing "# expect:" / "# line:" header');
  return { message, line };
}

test('there is one invalid manifest per rule', () => {
  expect(files.length).toBeGreaterThanOrEqual(30);
});

test.each(files)('%s is rejected with the error its header names, at the line it names', (name) => {
  const content = readFileSync(path.join(dir, name));
  const want = expectation(content);
  const result = validateSnapshot([{ path: `manifests/invalid/${name}`, content }]);
  expect(result.valid).toBe(false);
  const match = result.problems.find((p) => p.severity === 'error' && p.message.includes(want.message));
  expect({ found: match !== undefined, problems: result.problems.map((p) => `${p.line}: ${p.message}`) }).toMatchObject({ found: true });
  expect(match).toMatchObject({ file: `manifests/invalid/${name}`, line: want.line });
  expect(match?.column).toBeGreaterThanOrEqual(1);
  expect(match?.hint).toEqual(expect.any(String));
});
