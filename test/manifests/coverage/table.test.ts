/**
 * The coverage contract: every field path the generated schemas accept is in exactly one class,
 * the table names no path the schemas do not have, and the reference page carries the table as
 * generated.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fieldPaths } from '../../../src/manifests/coverage/paths.js';
import { renderCoverageReference, REFERENCE_BEGIN, REFERENCE_END } from '../../../src/manifests/coverage/reference.js';
import { COVERAGE, FIELD_CLASSES, ruleFor } from '../../../src/manifests/coverage/table.js';
import { KINDS } from '../../../src/manifests/model.js';
import { readSchema } from '../../../src/manifests/schemas.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const schema = readSchema('manifest.schema.json');

describe.each(KINDS)('%s', (kind) => {
  const paths = fieldPaths(schema, kind).map((p) => p.path);

  test('every field path of the schema has a class', () => {
    expect(paths.filter((p) => ruleFor(kind, p) === undefined)).toEqual([]);
    expect(paths.length).toBeGreaterThan(3);
  });

  test('the table names only paths the schema has, none of them below a rule that covers its members', () => {
    const known = new Set(paths);
    const entries = Object.keys(COVERAGE[kind]);
    expect(entries.filter((p) => !known.has(p))).toEqual([]);
    const shadowed = entries.filter((p) => {
      const above = ruleFor(kind, p.replace(/(\[\])?\.[^.]+$/, ''));
      return p.includes('.') && above !== undefined && above.rule.members === true;
    });
    expect(shadowed).toEqual([]);
  });

  test('every rule has a known class, and reconciled and create-only rules say where the live value is read', () => {
    for (const [p, rule] of Object.entries(COVERAGE[kind])) {
      expect({ path: p, class: FIELD_CLASSES.includes(rule.class) }).toEqual({ path: p, class: true });
      if (rule.class === 'reconciled' || rule.class === 'create-only') expect({ path: p, live: typeof rule.live }).toEqual({ path: p, live: 'string' });
      expect(rule.how.length).toBeGreaterThan(5);
    }
  });
});

test('a path is derived for every member of a list item and for union members', () => {
  const service = fieldPaths(schema, 'Service').map((p) => p.path);
  expect(service).toEqual(
    expect.arrayContaining([
      'serviceConnectConfiguration.services[].tls.issuerCertificateAuthority.awsPcaAuthorityArn',
      'serviceConnectConfiguration.services[].clientAliases[].testTrafficRules.header.value.exact',
      'serviceConnectConfiguration.containerConfigurations[].logLevel',
      'networkConfiguration.awsvpcConfiguration.subnets',
    ]),
  );
  expect(service).not.toContain('networkConfiguration.awsvpcConfiguration.subnets[]');
});

test('docs/manifest-reference.md carries the coverage table as generated (npm run docs)', () => {
  const page = readFileSync(path.join(root, 'docs', 'manifest-reference.md'), 'utf8');
  const begin = page.indexOf(REFERENCE_BEGIN);
  const end = page.indexOf(REFERENCE_END);
  expect(begin).toBeGreaterThan(0);
  expect(page.slice(begin, end + REFERENCE_END.length)).toBe(renderCoverageReference(schema));
});
