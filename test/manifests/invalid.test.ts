import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateSnapshot } from '../../src/manifests/validate.js';
import type { Problem } from '../../src/manifests/problems.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'manifests', 'invalid');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

interface Expectation {
  /** `error`, or `warning` for a rule that only warns (`# expect warning:`): the manifest is then valid. */
  severity: 'error' | 'warning';
  message: string;
  line: number;
  column: number;
  /** Other errors the case is expected to produce as well. */
  also: string[];
}

/**
 * Each file starts with `# expect: <message substring>` (or `# expect warning: …`), `# at: <line>:<column>`,
 * then any `# also: <message substring>` lines.
 */
function expectation(content: Buffer): Expectation {
  const header = content.toString('latin1').split('\n');
  const first = /^# expect( warning)?: (.+)$/.exec(header[0] ?? '');
  const message = first?.[2];
  const at = /^# at: (\d+):(\d+)$/.exec(header[1] ?? '');
  if (message === undefined || at === null) throw new Error('missing "# expect:" / "# at: line:column" header');
  const also = header.slice(2).flatMap((l) => /^# also: (.+)$/.exec(l)?.[1] ?? []);
  return { severity: first?.[1] === undefined ? 'error' : 'warning', message, line: Number(at[1]), column: Number(at[2]), also };
}

const read = (name: string): Buffer => readFileSync(path.join(dir, name));

test('there is one invalid manifest per rule', () => {
  expect(files.length).toBeGreaterThanOrEqual(65);
});

test.each(files)('%s is rejected with the error (or warned with the warning) its header names, at the line and column it names', (name) => {
  const content = read(name);
  const want = expectation(content);
  const result = validateSnapshot([{ path: `manifests/invalid/${name}`, content }]);
  expect(result.valid).toBe(want.severity === 'warning');
  const match = result.problems.find((p) => p.severity === want.severity && p.message.includes(want.message));
  expect({ found: match !== undefined, problems: result.problems.map((p) => `${p.line}: ${p.message}`) }).toMatchObject({ found: true });
  expect(match).toMatchObject({ file: `manifests/invalid/${name}`, line: want.line, column: want.column });
  expect(match?.hint).toEqual(expect.any(String));
  // A rule of AWS's quotes it and links the page that states it.
  if (match?.message.includes('; AWS: ')) expect(match.reference).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
});

test('validating the whole folder reports each case\'s own errors and nothing from one case about another', () => {
  const result = validateSnapshot(files.map((name) => ({ path: `manifests/invalid/${name}`, content: read(name) })));
  const unexpected: Problem[] = [];
  for (const name of files) {
    const want = expectation(read(name));
    const mine = result.problems.filter((p) => p.file === `manifests/invalid/${name}`);
    expect({ name, found: mine.some((p) => p.message.includes(want.message)) }).toEqual({ name, found: true });
    const expected = [want.message, ...want.also];
    // duplicate-resource.yaml reports its duplicate at both declarations.
    unexpected.push(...mine.filter((p) => !expected.some((m) => p.message.includes(m)) && !(p.code === 'duplicate-resource' && name === 'duplicate-resource.yaml')));
  }
  expect(unexpected.map((p) => `${p.file}:${p.line}: ${p.message}`)).toEqual([]);
});
