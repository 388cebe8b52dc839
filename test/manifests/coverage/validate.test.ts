/** `validate` reads the coverage table: unreconciled fields are located warnings, refused ones located errors. */
import { loadSnapshot } from '../../../src/manifests/load.js';
import { COVERAGE } from '../../../src/manifests/coverage/table.js';
import { RuleContext } from '../../../src/manifests/rules/context.js';
import { checkCoverage } from '../../../src/manifests/rules/coverage.js';
import { validateSnapshot } from '../../../src/manifests/validate.js';

const service = `apiVersion: switchboard.dev/v1alpha1
kind: Service
metadata:
  name: app
spec:
  taskDefinition: app:1
  desiredCount: 1
  monitoring:
    metricConfigurations: [{metricNames: [CPUUtilization], resolutionSeconds: 60}]
  gatewayConnectors:
    - portName: http
`;

const files = (text: string) => [{ path: 'svc.yaml', content: Buffer.from(text) }];

test('a field set at creation and never compared is a warning at its key, naming it', () => {
  const r = validateSnapshot(files(service));
  expect(r.valid).toBe(true);
  expect(r.problems.filter((p) => p.code === 'field-unreconciled')).toMatchObject([
    { severity: 'warning', file: 'svc.yaml', line: 8, column: 3, path: 'spec.monitoring', message: expect.stringMatching(/^`monitoring` is set when the service is created and never compared afterwards: /) },
    { severity: 'warning', file: 'svc.yaml', line: 10, column: 3, path: 'spec.gatewayConnectors', message: expect.stringContaining('DescribeServiceRevisions') },
  ]);
});

test('a refused field is an error saying it is not supported yet', () => {
  const loaded = loadSnapshot(files(service));
  const ctx = new RuleContext(loaded.documents);
  const refused = { ...COVERAGE, Service: { ...COVERAGE.Service, desiredCount: { class: 'refused' as const, how: 'for this test' } } };
  checkCoverage(ctx, refused);
  expect(ctx.problems.filter((p) => p.code === 'field-not-supported')).toMatchObject([
    { severity: 'error', line: 7, column: 3, path: 'spec.desiredCount', message: '`desiredCount` is not supported yet: for this test' },
  ]);
});

test('a nested unreconciled field is found inside list items', () => {
  const loaded = loadSnapshot(files(service));
  const ctx = new RuleContext(loaded.documents);
  const nested = { ...COVERAGE, Service: { ...COVERAGE.Service, 'gatewayConnectors[].portName': { class: 'unreconciled' as const, how: 'nested' }, gatewayConnectors: { class: 'reconciled' as const, live: 'service' as const, how: 'x' } } };
  checkCoverage(ctx, nested);
  expect(ctx.problems.filter((p) => p.code === 'field-unreconciled').map((p) => [p.path, p.line])).toEqual([
    ['spec.monitoring', 8],
    ['spec.gatewayConnectors[0].portName', 11],
  ]);
});

test('DNS properties on an HTTP namespace are an error at the key: CreateHttpNamespace takes none', () => {
  const r = validateSnapshot(files('apiVersion: switchboard.dev/v1alpha1\nkind: Namespace\nmetadata:\n  name: web\nspec:\n  type: HTTP\n  properties:\n    dnsProperties: {soa: {ttl: 60}}\n'));
  expect(r.valid).toBe(false);
  expect(r.problems).toMatchObject([
    { severity: 'error', code: 'namespace-properties-unexpected', file: 'svc.yaml', line: 7, column: 3, path: 'spec.properties', message: expect.stringContaining('an HTTP namespace has no DNS properties') },
  ]);
});
