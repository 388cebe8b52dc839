import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateAll } from '../../src/manifests/codegen/generate.js';
import { SHAPE_KEYS } from '../../src/manifests/aws-shapes.generated.js';
import { SPEC_KEYS } from '../../src/manifests/model.js';
import { documentValidator, readSchema } from '../../src/manifests/schemas.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function defs(): Record<string, { properties?: Record<string, unknown> }> {
  return readSchema('manifest.schema.json').$defs as Record<string, { properties?: Record<string, unknown> }>;
}

function propertyNames(def: string): string[] {
  return Object.keys(defs()[def]?.properties ?? {}).sort();
}

test('the committed schemas and model shapes are exactly what the generator produces from the installed ECS SDK model', () => {
  const generated = generateAll(root);
  expect(Object.keys(generated).length).toBeGreaterThanOrEqual(6);
  for (const [rel, content] of Object.entries(generated)) {
    expect({ file: rel, content: readFileSync(path.join(root, rel), 'utf8') }).toEqual({ file: rel, content });
  }
});

test('every ECS shape of the model has exactly the properties its schema definition declares', () => {
  const specDef: Record<string, string> = {
    TaskDefinitionSpecFields: 'TaskDefinitionSpec',
    ServiceSpecFields: 'ServiceSpec',
    ClusterSpecFields: 'ClusterSpec',
  };
  for (const [shape, keys] of Object.entries(SHAPE_KEYS)) {
    const def = specDef[shape];
    const expected = def === undefined ? [...keys].sort() : [...keys, 'tags'].sort();
    expect({ shape, properties: propertyNames(def ?? shape) }).toEqual({ shape, properties: expected });
  }
});

test('the Namespace spec schema declares exactly the model fields', () => {
  expect(propertyNames('NamespaceSpec')).toEqual([...SPEC_KEYS.Namespace].sort());
});

test('each per-kind schema file describes the same document as manifest.schema.json', () => {
  const all = defs();
  for (const [file, kind] of [
    ['namespace.schema.json', 'Namespace'],
    ['taskdefinition.schema.json', 'TaskDefinition'],
    ['service.schema.json', 'Service'],
    ['cluster.schema.json', 'Cluster'],
  ] as const) {
    const schema = readSchema(file);
    expect(schema.$ref).toBe(`#/$defs/${kind}Document`);
    const own = schema.$defs as Record<string, unknown>;
    for (const [name, def] of Object.entries(own)) expect(def).toEqual(all[name]);
  }
});

test('the compiled schema rejects a field the API does not have and accepts every tag form', () => {
  const validate = documentValidator('Namespace');
  const doc = (spec: Record<string, unknown>): unknown => ({ apiVersion: 'switchboard.dev/v1alpha1', kind: 'Namespace', metadata: { name: 'n' }, spec });
  expect(validate(doc({ type: 'HTTP', tags: { team: 'payments' } }))).toBe(true);
  expect(validate(doc({ type: 'HTTP', tags: [{ key: 'team', value: 'payments' }] }))).toBe(true);
  expect(validate(doc({ type: 'HTTP', tags: [{ Key: 'team', Value: 'payments' }] }))).toBe(true);
  expect(validate(doc({ type: 'HTTP', tags: [{ Key: 'team', value: 'payments' }] }))).toBe(false);
  expect(validate(doc({ type: 'HTTP', vpcId: 'vpc-1' }))).toBe(false);
  expect(validate.errors?.[0]).toMatchObject({ keyword: 'additionalProperties', params: { additionalProperty: 'vpcId' } });
});
