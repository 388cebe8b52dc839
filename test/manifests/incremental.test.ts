/** The incremental validator must always agree with a fresh validation of the same files. */
import { IncrementalValidator } from '../../src/manifests/incremental.js';
import type { SnapshotFile } from '../../src/manifests/load.js';
import type { ValidationResult } from '../../src/manifests/validate.js';
import { validateSnapshot } from '../../src/manifests/validate.js';

const head = (kind: string, name: string): string => `apiVersion: switchboard.dev/v1alpha1\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n`;

const taskDefinition = (name: string, portName = 'http'): string =>
  `${head('TaskDefinition', name)}  memory: "512"\n  containerDefinitions:\n    - name: app\n      image: app\n      portMappings:\n        - {name: ${portName}, containerPort: 8080, appProtocol: http}\n`;

const service = (name: string, taskDefinitionName: string): string =>
  `${head('Service', name)}  cluster: main\n  taskDefinition: ${taskDefinitionName}\n  networkConfiguration:\n    awsvpcConfiguration: {subnets: [subnet-1]}\n  serviceConnectConfiguration:\n    enabled: true\n    namespace: mesh\n    services:\n      - portName: http\n        discoveryName: ${name}\n`;

const infra = `${head('Namespace', 'mesh')}  type: HTTP\n---\n${head('Cluster', 'main')}  {}\n`;

function snapshot(files: Record<string, string>): SnapshotFile[] {
  return Object.entries(files).map(([p, text]) => ({ path: p, content: Buffer.from(text) }));
}

/** Validates with `validator` and checks the result against a fresh validation of the same files. */
function validateBoth(validator: IncrementalValidator, files: Record<string, string>): ValidationResult {
  const s = snapshot(files);
  const incremental = validator.validate(s);
  expect(incremental).toEqual(validateSnapshot(s));
  return incremental;
}

const brief = (r: ValidationResult): string[] => r.problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.code} ${p.message}`);

test('validating the same files again loads none of them and gives the same result', () => {
  const v = new IncrementalValidator();
  const secret = `${taskDefinition('s')}      environment:\n        - {name: DB_PASSWORD, value: hunter2}\n`;
  const files = { 'infra.yaml': infra, 'a.yaml': `${taskDefinition('a')}---\n${service('a', 'a')}`, 'broken.yaml': 'kind: [', 'secret.yaml': secret };
  const first = validateBoth(v, files);
  expect(v.filesLoadedLastTime).toBe(4);
  const second = validateBoth(v, files);
  expect(v.filesLoadedLastTime).toBe(0);
  expect(second).toEqual(first);
  expect(second.valid).toBe(false);
  expect(second.problems.map((p) => `${p.file}:${p.line} ${p.code}`)).toEqual(['broken.yaml:1 yaml-syntax', 'secret.yaml:13 secret-in-environment']);
  expect(second.resources.map((r) => r.key)).toEqual(['Namespace/mesh', 'Cluster/main', 'TaskDefinition/a', 'Service/a', 'TaskDefinition/s']);
});

test('a duplicate introduced by editing one file is reported at both places, also in the file that was not reloaded; fixing it clears both', () => {
  const v = new IncrementalValidator();
  const files = { 'a.yaml': taskDefinition('app'), 'b.yaml': taskDefinition('other') };
  expect(validateBoth(v, files).problems).toEqual([]);

  const duplicated = validateBoth(v, { ...files, 'b.yaml': taskDefinition('app') });
  expect(v.filesLoadedLastTime).toBe(1);
  expect(brief(duplicated)).toEqual([
    'a.yaml:4:9 duplicate-resource TaskDefinition/app is declared more than once (also at b.yaml:4)',
    'b.yaml:4:9 duplicate-resource TaskDefinition/app is declared more than once (first at a.yaml:4)',
  ]);

  const fixed = validateBoth(v, files);
  expect(v.filesLoadedLastTime).toBe(1);
  expect(fixed.valid).toBe(true);
  expect(fixed.problems).toEqual([]);
});

test('a reference broken and mended by the file it points to updates the problems of the file that refers to it', () => {
  const v = new IncrementalValidator();
  const files = { 'infra.yaml': infra, 'svc.yaml': service('web', 'web'), 'td.yaml': taskDefinition('web') };
  expect(validateBoth(v, files).valid).toBe(true);

  const renamed = validateBoth(v, { ...files, 'td.yaml': taskDefinition('web', 'grpc') });
  expect(v.filesLoadedLastTime).toBe(1);
  expect(renamed.problems).toMatchObject([{ file: 'svc.yaml', line: 14, code: 'port-name-unknown', resource: 'Service/web', path: 'spec.serviceConnectConfiguration.services[0].portName' }]);

  expect(validateBoth(v, files).valid).toBe(true);
});

test('deleting a file removes its documents and the problems they caused; bringing it back restores them', () => {
  const v = new IncrementalValidator();
  const files = { 'a.yaml': taskDefinition('app'), 'b.yaml': taskDefinition('app'), 'c.yaml': taskDefinition('c') };
  expect(brief(validateBoth(v, files))).toHaveLength(2);

  const { 'b.yaml': _gone, ...withoutB } = files;
  const deleted = validateBoth(v, withoutB);
  expect(v.filesLoadedLastTime).toBe(0);
  expect(deleted.problems).toEqual([]);
  expect(deleted.resources.map((r) => r.source.file)).toEqual(['a.yaml', 'c.yaml']);
  expect(deleted.fileCount).toBe(2);

  // The deleted file was forgotten: its return is loaded again.
  validateBoth(v, files);
  expect(v.filesLoadedLastTime).toBe(1);
});

test('a file that stops parsing reports its error where it is, and the other files keep their resources', () => {
  const v = new IncrementalValidator();
  const files = { 'a.yaml': taskDefinition('a'), 'b.yaml': taskDefinition('b') };
  validateBoth(v, files);
  const broken = validateBoth(v, { ...files, 'b.yaml': `${taskDefinition('b')}  cpu: [\n` });
  expect(broken.valid).toBe(false);
  expect(broken.problems[0]).toMatchObject({ file: 'b.yaml', severity: 'error' });
  expect(broken.resources.map((r) => r.key)).toEqual(['TaskDefinition/a']);
});

test('a series of edits, renames and deletions always agrees with a fresh validation', () => {
  const v = new IncrementalValidator();
  let files: Record<string, string> = { 'infra.yaml': infra };
  for (let i = 0; i < 6; i++) files[`s${i}.yaml`] = `${taskDefinition(`s${i}`)}---\n${service(`s${i}`, `s${i}`)}`;
  validateBoth(v, files);
  const steps: ((f: Record<string, string>) => Record<string, string>)[] = [
    (f) => ({ ...f, 's1.yaml': `${taskDefinition('s2')}---\n${service('s1', 's2')}` }), // duplicate TaskDefinition/s2
    (f) => ({ ...f, 's2.yaml': service('s2', 's2') }), // the duplicate resolved; s2 now uses s1.yaml's task definition
    (f) => ({ ...f, 's0.yaml': `${taskDefinition('s0')}---\n${service('s0', 's0').replace('discoveryName: s0', 'discoveryName: s1')}` }), // clashes with s1.yaml
    (f) => ({ ...f, 's0.yaml': `${taskDefinition('s0')}---\n${service('s0', 's0')}` }),
    (f) => ({ ...f, 'infra.yaml': `${head('Cluster', 'main')}  {}\n`, 'mesh.yaml': `${head('Namespace', 'mesh')}  type: HTTP\n` }), // the namespace moves to another file
    (f) => {
      const { 's3.yaml': _gone, ...rest } = f;
      return rest;
    },
    (f) => ({ ...f, 's4.yaml': `${service('s4', 's4')}    nonsense: 1\n` }),
    (f) => ({ ...f, 's5.yaml': '' }),
  ];
  const codes: string[][] = [];
  for (const step of steps) {
    files = step(files);
    codes.push([...new Set(validateBoth(v, files).problems.map((p) => p.code))]);
  }
  // The steps do break and mend things (the equality above is not vacuous).
  expect(codes).toEqual([['duplicate-resource'], [], ['discovery-name-duplicate'], [], [], [], ['unknown-field'], ['unknown-field', 'empty-file']]);
});
