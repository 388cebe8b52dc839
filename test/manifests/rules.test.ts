import { validateSnapshot } from '../../src/manifests/validate.js';
import type { Problem } from '../../src/manifests/problems.js';

const head = (kind: string, name: string): string => `apiVersion: switchboard.dev/v1alpha1\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n`;

function validate(files: Record<string, string>): { valid: boolean; problems: Problem[] } {
  return validateSnapshot(Object.entries(files).map(([p, text]) => ({ path: p, content: Buffer.from(text) })));
}

const taskDefinition = (name: string, extra = ''): string =>
  `${head('TaskDefinition', name)}  containerDefinitions:\n    - name: app\n      image: app\n      memoryReservation: 128\n      portMappings:\n        - {name: http, containerPort: 8080, appProtocol: http}\n${extra}`;

test('a kind/name declared in two files is reported at both locations', () => {
  const r = validate({ 'a.yaml': taskDefinition('app'), 'b.yaml': taskDefinition('app') });
  expect(r.problems.map((p) => [p.file, p.line, p.message])).toEqual([
    ['a.yaml', 4, 'TaskDefinition/app is declared more than once (also at b.yaml:4)'],
    ['b.yaml', 4, 'TaskDefinition/app is declared more than once (first at a.yaml:4)'],
  ]);
});

test('the same name in different kinds is not a duplicate', () => {
  expect(validate({ 'a.yaml': `${taskDefinition('app')}---\n${head('Namespace', 'app')}  type: HTTP\n` }).problems).toEqual([]);
});

test('a plain environment variable that looks like a secret is a warning pointing to secrets.valueFrom', () => {
  const r = validate({ 'a.yaml': `${taskDefinition('app')}      environment:\n        - {name: DB_PASSWORD, value: hunter2}\n        - {name: API_KEY, value: abc}\n        - {name: MONKEY_COUNT, value: "3"}\n` });
  expect(r.valid).toBe(true);
  expect(r.problems).toMatchObject([
    { severity: 'warning', code: 'secret-in-environment', line: 13, path: 'spec.containerDefinitions[0].environment[0].name', hint: expect.stringContaining('valueFrom') },
    { severity: 'warning', code: 'secret-in-environment', line: 14 },
  ]);
});

test('awslogs without a region is only a warning, because the controller fills in its region', () => {
  const r = validate({ 'a.yaml': `${taskDefinition('app')}      logConfiguration:\n        logDriver: awslogs\n        options: {awslogs-group: /ecs/app}\n` });
  expect(r.valid).toBe(true);
  expect(r.problems).toMatchObject([{ severity: 'warning', code: 'awslogs-region-missing', path: 'spec.containerDefinitions[0].logConfiguration.options' }]);
});

test('awsfirelens is accepted when the task definition has a log router container', () => {
  const router = '    - name: log-router\n      image: public.ecr.aws/aws-observability/aws-for-fluent-bit:stable\n      memoryReservation: 64\n      firelensConfiguration: {type: fluentbit}\n';
  const r = validate({ 'a.yaml': `${taskDefinition('app')}      logConfiguration: {logDriver: awsfirelens, options: {Name: firehose}}\n${router}` });
  expect(r.problems).toEqual([]);
});

const service = (sc: string, extra = ''): string =>
  `${head('Service', 'app')}  taskDefinition: app\n${extra}  serviceConnectConfiguration:\n    enabled: true\n${sc}`;

test('a service may reference an external task definition by family:revision or ARN, not by a bare undeclared family', () => {
  const ok = (ref: string): Problem[] => validate({ 'a.yaml': service('', '').replace('taskDefinition: app', `taskDefinition: ${ref}`) }).problems.filter((p) => p.code.startsWith('task-definition'));
  expect(ok('billing:12')).toEqual([]);
  expect(ok('arn:aws:ecs:us-east-1:123456789012:task-definition/billing:12')).toEqual([]);
  expect(ok('billing')).toMatchObject([{ code: 'task-definition-unknown', hint: expect.stringContaining('`billing:<revision>`') }]);
});

test('Service Connect uses the cluster default namespace when the service names none', () => {
  const cluster = `${head('Cluster', 'shop')}  serviceConnectDefaults: {namespace: shop}\n`;
  const ns = `${head('Namespace', 'shop')}  type: HTTP\n`;
  const svc = service('    services:\n      - portName: http\n', '  cluster: shop\n');
  const r = validate({ 'a.yaml': [cluster, ns, taskDefinition('app'), svc].join('---\n') });
  expect(r.problems).toEqual([]);
  const noDefault = validate({ 'a.yaml': [`${head('Cluster', 'shop')}  settings: []\n`, taskDefinition('app'), svc].join('---\n') });
  expect(noDefault.problems).toMatchObject([{ code: 'namespace-missing', resource: 'Service/app' }]);
});

test('an existing namespace outside the manifests may be referenced by ARN, or by name with a warning that it must exist', () => {
  const byArn = validate({ 'a.yaml': [taskDefinition('app'), service('    namespace: arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-abcdef0123456789\n')].join('---\n') });
  expect(byArn.problems).toEqual([]);
  const byName = validate({ 'a.yaml': [taskDefinition('app'), service('    namespace: prod-mesh\n')].join('---\n') });
  expect(byName.valid).toBe(true);
  expect(byName.problems).toMatchObject([
    { severity: 'warning', code: 'namespace-external', line: 21, path: 'spec.serviceConnectConfiguration.namespace', message: expect.stringContaining('namespace `prod-mesh` is not declared in these manifests: it must already exist in AWS') },
  ]);
});

test('a service on Fargate checks the task definition it runs even without requiresCompatibilities', () => {
  const r = validate({ 'a.yaml': [taskDefinition('app'), `${head('Service', 'app')}  taskDefinition: app\n  launchType: FARGATE\n`].join('---\n') });
  expect(r.problems).toMatchObject([
    { code: 'fargate-network-mode', resource: 'TaskDefinition/app', message: expect.stringContaining('Service/app runs it on Fargate') },
    { code: 'fargate-size-missing', resource: 'TaskDefinition/app' },
  ]);
});

test('Fargate sizes written as vCPU and GB are understood', () => {
  const td = (cpu: string, memory: string): string =>
    taskDefinition('app').replace('spec:\n', `spec:\n  requiresCompatibilities: [FARGATE]\n  networkMode: awsvpc\n  cpu: ${cpu}\n  memory: ${memory}\n`);
  expect(validate({ 'a.yaml': td('1 vCPU', '2 GB') }).problems).toEqual([]);
  expect(validate({ 'a.yaml': td('16384', '32768') }).problems).toEqual([]);
  expect(validate({ 'a.yaml': td('8192', '20000') }).problems).toMatchObject([{ code: 'fargate-memory', hint: 'with cpu 8192 use memory 16384–61440 in steps of 4096' }]);
  expect(validate({ 'a.yaml': td('300', '512') }).problems).toMatchObject([{ code: 'fargate-cpu' }]);
});

test('a client alias without dnsName claims discoveryName.namespace, so two services cannot both default to it', () => {
  const ns = `${head('Namespace', 'ns')}  type: HTTP\n`;
  const a = service('    namespace: ns\n    services:\n      - portName: http\n        clientAliases: [{port: 80}]\n');
  const b = a.replace('name: app', 'name: app2');
  const r = validate({ 'a.yaml': [ns, taskDefinition('app'), a, b].join('---\n') });
  expect(r.problems.map((p) => p.code)).toEqual(['discovery-name-duplicate', 'client-alias-duplicate']);
  expect(r.problems[1]?.message).toContain('`http.ns:80`');
});

test('an unknown field with no close match lists the fields allowed there', () => {
  const r = validate({ 'a.yaml': `${head('Namespace', 'ns')}  type: HTTP\n  zzzzzz: 1\n` });
  expect(r.problems).toMatchObject([{ code: 'unknown-field', hint: 'fields allowed here: `type`, `vpc`, `description`, `properties`, `tags`' }]);
});

test('a Cloud Map PascalCase field gets its camelCase spelling suggested', () => {
  const r = validate({ 'a.yaml': `${head('Namespace', 'ns')}  Type: DNS_PRIVATE\n  Vpc: vpc-1\n` });
  expect(r.problems.map((p) => p.hint)).toEqual(expect.arrayContaining(['did you mean `type`?', 'did you mean `vpc`?']));
});

test('tags in a form AWS does not print are rejected with the accepted forms', () => {
  const r = validate({ 'a.yaml': `${head('Namespace', 'ns')}  type: HTTP\n  tags: [{name: team, value: x}]\n` });
  expect(r.problems).toMatchObject([{ code: 'invalid-value', path: 'spec.tags', line: 7, hint: expect.stringContaining('[{key, value}]') }]);
});
