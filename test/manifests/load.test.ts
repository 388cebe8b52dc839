import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadSnapshot } from '../../src/manifests/load.js';
import { collectFiles } from '../../src/manifests/walk.js';
import { DEFAULT_LIMITS } from '../../src/manifests/decode.js';

function load(text: string | Uint8Array, file = 'm.yaml', limits = DEFAULT_LIMITS): ReturnType<typeof loadSnapshot> {
  return loadSnapshot([{ path: file, content: typeof text === 'string' ? Buffer.from(text) : text }], limits);
}

const nginxTaskDefinition = `apiVersion: switchboard.dev/v1alpha1
kind: TaskDefinition
metadata:
  name: nginx
spec:
  cpu: 256
  memory: "512"
  containerDefinitions:
    - name: nginx
      image: nginx
      portMappings:
        - containerPort: 80
          name: nginx-80-tcp
          appProtocol: http
  tags:
    - key: team
      value: web
`;

test('a file with several documents yields one resource per document, with defaults filled in and tags as a map', () => {
  const result = load(`${nginxTaskDefinition}---\napiVersion: switchboard.dev/v1alpha1\nkind: Namespace\nmetadata: {name: test-namespace}\nspec:\n  type: HTTP\n  tags: [{Key: team, Value: platform}]\n`);
  expect(result.problems).toEqual([]);
  expect(result.documents.map((d) => d.resource.key)).toEqual(['TaskDefinition/nginx', 'Namespace/test-namespace']);
  const [td, ns] = result.documents.map((d) => d.resource);
  expect(td).toMatchObject({ kind: 'TaskDefinition', name: 'nginx', spec: { family: 'nginx', cpu: '256', memory: '512', tags: { team: 'web' } } });
  expect(ns).toMatchObject({ spec: { type: 'HTTP', tags: { team: 'platform' } }, source: { file: 'm.yaml', line: 19, column: 1 } });
});

test('an unknown field is reported at its key with a did-you-mean suggestion', () => {
  const result = load(nginxTaskDefinition.replace('      portMappings:', '      portMapping:'));
  expect(result.problems).toEqual([
    {
      severity: 'error',
      code: 'unknown-field',
      file: 'm.yaml',
      line: 11,
      column: 7,
      resource: 'TaskDefinition/nginx',
      path: 'spec.containerDefinitions[0].portMapping',
      message: 'unknown field `portMapping`',
      hint: 'did you mean `portMappings`?',
    },
  ]);
});

test('a wrongly typed value names the path, the found value and the fix', () => {
  const result = load(nginxTaskDefinition.replace('containerPort: 80', 'containerPort: "80"'));
  expect(result.problems).toMatchObject([
    { line: 12, column: 26, path: 'spec.containerDefinitions[0].portMappings[0].containerPort', message: 'must be an integer, found the string "80"', hint: 'remove the quotes around the number' },
  ]);
});

test('a YAML syntax error is located', () => {
  const result = load('apiVersion: switchboard.dev/v1alpha1\nkind: Service: x\n');
  expect(result.problems[0]).toMatchObject({ severity: 'error', code: 'yaml-syntax', file: 'm.yaml', line: 2 });
});

test('a duplicate key is an error at the second occurrence', () => {
  const result = load('apiVersion: switchboard.dev/v1alpha1\nkind: Namespace\nkind: Service\n');
  expect(result.problems).toMatchObject([{ code: 'duplicate-key', line: 3, column: 1 }]);
});

test('a document that is not a mapping is rejected', () => {
  expect(load('- a\n- b\n').problems).toMatchObject([{ code: 'not-a-mapping', line: 1, message: expect.stringContaining('found a list') }]);
});

test('an unknown kind suggests the closest kind and an unknown apiVersion names the right one', () => {
  const result = load('apiVersion: switchboard.dev/v1\nkind: Servce\nmetadata: {name: x}\nspec: {}\n');
  expect(result.problems).toMatchObject([
    { code: 'unknown-api-version', line: 1, column: 13, hint: 'use `apiVersion: switchboard.dev/v1alpha1`' },
    { code: 'unknown-kind', line: 2, column: 7, hint: expect.stringContaining('did you mean `Service`?') },
  ]);
});

test('an empty file is a warning, not an error', () => {
  const result = load('# nothing here yet\n');
  expect(result.problems).toMatchObject([{ severity: 'warning', code: 'empty-file' }]);
});

test('an alias bomb is rejected quickly', () => {
  const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 9; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
  const started = Date.now();
  const result = load(lines.join('\n'));
  expect(Date.now() - started).toBeLessThan(1000);
  expect(result.problems).toMatchObject([{ code: 'alias-bomb' }]);
});

test('a file over the size limit is rejected without being parsed', () => {
  const result = load('a: b\n'.repeat(100), 'big.yaml', { ...DEFAULT_LIMITS, maxFileSize: 100 });
  expect(result.problems).toMatchObject([{ code: 'file-too-large', message: 'file is 500 bytes, over the 100-byte limit' }]);
});

test('deep nesting is rejected, in block and in flow style', () => {
  const block = Array.from({ length: 80 }, (_, i) => `${' '.repeat(i)}k:`).join('\n') + ' 1\n';
  expect(load(block).problems).toMatchObject([{ code: 'too-deep' }]);
  const flow = `a: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;
  const started = Date.now();
  expect(load(flow).problems).toMatchObject([{ severity: 'error', code: 'too-deep', line: 1, column: 68 }]);
  expect(load(`${'- '.repeat(100_000)}x\n`).problems).toMatchObject([{ code: 'too-deep' }]);
  expect(Date.now() - started).toBeLessThan(1000);
  expect(load('command: ["sh", "-c", "echo [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["]\n').problems).toEqual([
    { severity: 'error', code: 'missing-api-version', file: 'm.yaml', line: 1, column: 1, path: 'apiVersion', message: 'missing `apiVersion`', hint: 'add `apiVersion: switchboard.dev/v1alpha1`' },
    expect.objectContaining({ code: 'missing-kind' }),
  ]);
});

test('prototype-polluting keys are rejected at their position', () => {
  const result = load('apiVersion: switchboard.dev/v1alpha1\nkind: Namespace\nmetadata:\n  __proto__: {polluted: true}\n');
  expect(result.problems).toMatchObject([{ code: 'forbidden-key', line: 4, column: 3 }]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(load('constructor: x\n').problems).toMatchObject([{ code: 'forbidden-key' }]);
});

test('bytes that are not UTF-8 are rejected with the line of the first bad byte', () => {
  const bytes = Buffer.concat([Buffer.from('a: b\nc: '), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]);
  expect(load(bytes).problems).toMatchObject([{ code: 'invalid-utf8', line: 2, column: 4 }]);
});

test('a binary file is rejected', () => {
  expect(load(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01])).problems).toMatchObject([{ code: 'binary-file' }]);
});

describe('collecting files from disk', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'switchboard-walk-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('nested yaml and yml files are read, dotfiles and other extensions are skipped, a missing path is a problem', async () => {
    mkdirSync(path.join(dir, 'a', 'b'), { recursive: true });
    mkdirSync(path.join(dir, '.git'));
    writeFileSync(path.join(dir, 'a', 'one.yaml'), 'x: 1\n');
    writeFileSync(path.join(dir, 'a', 'b', 'two.yml'), 'x: 2\n');
    writeFileSync(path.join(dir, '.hidden.yaml'), 'x: 3\n');
    writeFileSync(path.join(dir, '.git', 'config.yaml'), 'x: 4\n');
    writeFileSync(path.join(dir, 'README.md'), '# no\n');
    const result = await collectFiles([dir, path.join(dir, 'missing.yaml')], DEFAULT_LIMITS);
    expect(result.files.map((f) => path.relative(dir, f.path))).toEqual([path.join('a', 'b', 'two.yml'), path.join('a', 'one.yaml')]);
    expect(result.problems).toMatchObject([{ code: 'unreadable-path', message: 'no such file or folder' }]);
  });

  test('a file over the size limit is reported without being read', async () => {
    writeFileSync(path.join(dir, 'big.yaml'), 'x'.repeat(2000));
    const result = await collectFiles([dir], { maxFileSize: 1000 });
    expect(result.files).toEqual([]);
    expect(result.problems).toMatchObject([{ code: 'file-too-large' }]);
  });
});
