import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/program.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = (chunk: string | Uint8Array): boolean => {
    stdout += chunk.toString();
    return true;
  };
  process.stderr.write = (chunk: string | Uint8Array): boolean => {
    stderr += chunk.toString();
    return true;
  };
  try {
    const code = await runCli(['node', 'switchboard', ...args]);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

test('the examples validate cleanly with exit code 0', async () => {
  const r = await run('validate', 'manifests/examples');
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('');
  expect(r.stdout).toMatch(/^\d+ files, \d+ resources: 0 errors, 0 warnings\n$/);
});

test('an invalid manifest exits 1 and prints the located problem with its fix', async () => {
  const r = await run('validate', 'manifests/invalid/unknown-field.yaml');
  expect(r.code).toBe(1);
  expect(r.stdout).toBe(
    'manifests/invalid/unknown-field.yaml:15:7: error: TaskDefinition/unknown-field-nginx: spec.containerDefinitions[0].portMapping: unknown field `portMapping` (did you mean `portMappings`?)\n' +
      '1 file, 0 resources: 1 error, 0 warnings\n',
  );
});

test('manifests/invalid is a folder of separate cases: validating it reports each case once, without cross-file duplicates', async () => {
  const r = await run('validate', 'manifests/invalid');
  expect(r.code).toBe(1);
  const cases = readdirSync('manifests/invalid').filter((f) => f.endsWith('.yaml')).length;
  // The warnings: those of the warning-only cases (namespace-external.yaml, capacity-provider-unstated.yaml).
  expect(r.stdout).toMatch(new RegExp(`^${cases} files, \\d+ resources: \\d+ errors, 2 warnings$`, 'm'));
  const errorLines = r.stdout.split('\n').filter((l) => l.includes(': error: '));
  // One error per case, except the two declarations of duplicate-resource.yaml, the namespace name that is also too long
  // for the ownership tag, and the two warning-only cases.
  expect(errorLines).toHaveLength(cases + 2 - 2);
  expect(errorLines.filter((l) => l.includes('declared more than once')).every((l) => l.startsWith('manifests/invalid/duplicate-resource.yaml:'))).toBe(true);
});

test('--output json prints a machine-readable report with every field of each problem', async () => {
  const r = await run('validate', '--output', 'json', 'manifests/invalid/port-name-unknown.yaml');
  expect(r.code).toBe(1);
  const report = JSON.parse(r.stdout) as { valid: boolean; files: number; errors: number; problems: unknown[] };
  expect(report).toMatchObject({ valid: false, files: 1, errors: 1, warnings: 0 });
  expect(report.problems).toEqual([
    {
      severity: 'error',
      code: 'port-name-unknown',
      file: 'manifests/invalid/port-name-unknown.yaml',
      line: 42,
      column: 19,
      resource: 'Service/port-name-unknown-nginx',
      path: 'spec.serviceConnectConfiguration.services[0].portName',
      message: 'portName `nginx-80` matches no named port mapping in TaskDefinition/port-name-unknown-nginx (named port mappings: `nginx-80-tcp`)',
      hint: 'did you mean `nginx-80-tcp`?',
      reference: null,
    },
  ]);
});

describe('with a scratch folder', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'switchboard-validate-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('warnings alone keep the exit code at 0 and are counted in the summary', async () => {
    writeFileSync(path.join(dir, 'empty.yaml'), '# to do\n');
    const r = await run('validate', dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${path.join(dir, 'empty.yaml')}:1:1: warning: file holds no manifest (add a manifest or delete the file)\n1 file, 0 resources: 0 errors, 1 warning\n`);
  });

  test('--max-file-size rejects larger files', async () => {
    writeFileSync(path.join(dir, 'ns.yaml'), 'apiVersion: switchboard.dev/v1alpha1\nkind: Namespace\nmetadata: {name: a}\nspec: {type: HTTP}\n');
    expect((await run('validate', dir)).code).toBe(0);
    const r = await run('validate', '--max-file-size', '10', dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('ns.yaml:1:1: error: file is 92 bytes, over the 10-byte limit');
  });

  test('a path that does not exist is an error', async () => {
    const r = await run('validate', path.join(dir, 'nope'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('nope:1:1: error: no such file or folder');
  });
});

test('manifests piped in by process substitution are read (the built CLI under bash)', () => {
  // `<(...)` names a pipe as /dev/fd/N, whose real path does not exist.
  const r = spawnSync('bash', ['-c', 'node dist/main.js validate <(cat manifests/examples/namespace.yaml)'], {
    encoding: 'utf8',
  });
  expect(r.stderr).toBe('');
  expect(r.stdout).toContain('1 file, 1 resource: 0 errors');
  expect(r.status).toBe(0);
});

test('a device named as a manifest is read only up to the size limit', async () => {
  const r = await run('validate', '/dev/zero');
  expect(r.code).toBe(1);
  expect(r.stderr + r.stdout).toContain('/dev/zero:1:1: error: not a regular file');
});

test('usage errors exit 2: no path, an unknown output format, a bad size', async () => {
  expect((await run('validate')).code).toBe(2);
  expect((await run('validate', '--output', 'xml', 'manifests/examples')).code).toBe(2);
  expect((await run('validate', '--max-file-size', 'lots', 'manifests/examples')).code).toBe(2);
});

test('validate --help describes the command and exits 0', async () => {
  const r = await run('validate', '--help');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('--output <format>');
});
