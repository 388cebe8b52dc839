/**
 * The least-privilege policy in manifests/deploy/iam-policy.json against what the controller
 * really calls: every code path that reaches AWS runs through the real CLI against the
 * simulator, and every operation it records must be allowed; every action the policy grants must
 * be one the controller calls or one AWS requires alongside such a call.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { parseAllDocuments } from 'yaml';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { runSwitchboard, type CliRun } from '../helpers/cli.js';
import { tempDir } from '../helpers/fs.js';
import { actionsOf, iamActionOf, operationsImportedBy, readPolicy, resourcesOf, statementsAllowing, wildcardMatch, type Statement } from './iam.js';

const POLICY_FILE = path.join('manifests', 'deploy', 'iam-policy.json');
const policy = readPolicy(POLICY_FILE);

/** The simulator's service keys and the IAM prefixes of the same services. */
const IAM_PREFIX = { ecs: 'ecs', cloudmap: 'servicediscovery', logs: 'logs' } as const;

/**
 * Actions the policy grants that no SDK call of ours names, because AWS authorises them as part
 * of a call we make. Each needs a reason; anything else in the policy is excess.
 */
const REQUIRED_ALONGSIDE: Record<string, string> = {
  // https://docs.aws.amazon.com/cloud-map/latest/dg/cloud-map-api-permissions-ref.html (CreatePrivateDnsNamespace)
  'route53:CreateHostedZone': 'servicediscovery:CreatePrivateDnsNamespace',
  'route53:GetHostedZone': 'servicediscovery:CreatePrivateDnsNamespace',
  'route53:ListHostedZonesByName': 'servicediscovery:CreatePrivateDnsNamespace',
  'ec2:DescribeVpcs': 'servicediscovery:CreatePrivateDnsNamespace',
  'ec2:DescribeRegions': 'servicediscovery:CreatePrivateDnsNamespace',
  // Changing the SOA record: same page (UpdatePrivateDnsNamespace).
  'route53:ChangeResourceRecordSets': 'servicediscovery:UpdatePrivateDnsNamespace',
  // Creating a log group with tags is authorised as tagging too.
  // https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html
  'logs:TagResource': 'logs:CreateLogGroup',
  // Task definitions name a task role and an execution role: RegisterTaskDefinition passes them.
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html
  'iam:PassRole': 'ecs:RegisterTaskDefinition',
  // ECS creates its service-linked role on the first CreateCluster/CreateService of an account.
  // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using-service-linked-roles.html
  'iam:CreateServiceLinkedRole': 'ecs:CreateCluster',
};

/** Operations the adapters import that no simulator scenario below can reach, with why. */
const NOT_IN_SIMULATOR: Record<string, string> = {
  's3:ListObjectsV2': 'the S3 source; its tests run against an S3 emulator',
  's3:GetObject': 'the S3 source',
  's3:PutObject': 'the S3 source with --status-to',
};

let sim: SimulatorHandle;
let dir: string;
let cleanup: () => void;

function edit(file: string, from: string | RegExp, to: string): void {
  const p = path.join(dir, file);
  const text = readFileSync(p, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`${file} does not contain ${String(from)}`);
  writeFileSync(p, next);
}

async function cli(...args: string[]): Promise<CliRun> {
  return runSwitchboard([...args, '-f', dir, '--endpoint-url', sim.url, '--log-level', 'silent']);
}

/** `prefix:Operation` for every operation the simulator recorded. */
function recordedOperations(): Set<string> {
  const out = new Set<string>();
  const services = sim.calls().services;
  for (const key of Object.keys(IAM_PREFIX) as (keyof typeof IAM_PREFIX)[]) {
    for (const op of Object.keys(services[key].operations)) out.add(`${IAM_PREFIX[key]}:${op}`);
  }
  return out;
}

let recorded: Set<string>;
const runs: Record<string, CliRun> = {};

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 100 });
  ({ dir, cleanup } = tempDir('switchboard-iam-'));
  cpSync(path.join('manifests', 'examples'), dir, { recursive: true });
  cpSync(path.join('manifests', 'deploy', 'switchboard.yaml'), path.join(dir, 'switchboard.yaml'));
  writeFileSync(
    path.join(dir, 'private.yaml'),
    'apiVersion: switchboard.dev/v1alpha1\nkind: Namespace\nmetadata: {name: internal.example}\nspec: {type: DNS_PRIVATE, vpc: vpc-0123456789abcdef0, description: internal}\n',
  );

  // A log group made by hand, which the worker's manifest later adopts to set its retention.
  const logs = new CloudWatchLogsClient({ endpoint: sim.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  await logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/shop/worker' }));
  logs.destroy();

  runs.planEmpty = await cli('plan');
  runs.create = await cli('apply');
  runs.again = await cli('apply');

  // One change of each kind the engine turns into a different call.
  edit('nginx.yaml', 'desiredCount: 1', 'desiredCount: 2');
  edit('nginx.yaml', 'nginx/nginx:1.27', 'nginx/nginx:1.28');
  edit('nginx.yaml', /team: platform/g, 'team: edge');
  edit('nginx.yaml', 'name: nginx\nspec:\n  requiresCompatibilities', 'name: nginx\n  annotations: {switchboard.dev/log-retention-days: "14"}\nspec:\n  requiresCompatibilities');
  edit('namespace.yaml', 'description: Service Connect walkthrough', 'description: Service Connect walkthrough, edited');
  edit('namespace.yaml', 'team: platform', 'owner: platform');
  edit('cluster.yaml', 'team: platform', 'owner: platform');
  edit('private.yaml', 'description: internal', 'description: internal names');
  edit(path.join('web-api-worker', 'platform.yaml'), 'value: enabled', 'value: disabled');
  edit(path.join('web-api-worker', 'platform.yaml'), 'weight: 1', 'weight: 2');
  edit(path.join('web-api-worker', 'worker.yaml'), 'name: shop-worker\nspec:', 'name: shop-worker\n  annotations: {switchboard.dev/log-retention-days: "7", switchboard.dev/adopt: "true"}\nspec:');
  edit(path.join('web-api-worker', 'worker.yaml'), 'shop-worker:0.9.0', 'shop-worker:0.9.1');
  runs.change = await cli('apply');

  rmSync(path.join(dir, 'curl.yaml'));
  rmSync(path.join(dir, 'private.yaml'));
  runs.prune = await cli('apply', '--prune');
  runs.planAfter = await cli('plan');
  // `switchboard logs` reads the controller's log group, which applying switchboard.yaml created.
  runs.logs = await runSwitchboard(['logs', '--endpoint-url', sim.url]);
  recorded = recordedOperations();
}, 60_000);

afterAll(async () => {
  await sim.close();
  cleanup();
});

test('every scenario run succeeds, so the recorded calls are those of working code paths', () => {
  for (const [name, run] of Object.entries(runs)) {
    const expected = name === 'planEmpty' ? 2 : 0;
    if (run.code !== expected) throw new Error(`${name}: exit ${run.code}\n${run.stdout}\n${run.stderr}`);
  }
  expect(runs.again?.stdout).toMatch(/0 created, 0 configured, 0 deleted/);
  expect(runs.prune?.stdout).toContain('deleted    Service/curl');
  expect(runs.prune?.stdout).toContain('deleted    Namespace/internal.example');
});

test('every AWS operation the controller called is allowed by the policy', () => {
  expect(recorded.size).toBeGreaterThan(0);
  const denied = [...recorded].filter((op) => statementsAllowing(policy, iamActionOf(op)).length === 0).sort();
  expect(denied).toEqual([]);
});

test('every operation the AWS adapters can send is allowed by the policy', () => {
  const imported = operationsImportedBy(path.join('src', 'aws'));
  expect(imported.size).toBeGreaterThan(0);
  const denied = [...imported.keys()].filter((op) => statementsAllowing(policy, iamActionOf(op)).length === 0).sort();
  expect(denied).toEqual([]);
});

test('the scenarios reach every ECS, Cloud Map and CloudWatch Logs operation the adapters import', () => {
  const imported = [...operationsImportedBy(path.join('src', 'aws')).keys()];
  const unreached = imported.filter((op) => !recorded.has(op) && !(op in NOT_IN_SIMULATOR)).sort();
  expect(unreached).toEqual([]);
});

test('the policy grants nothing the controller does not call or AWS does not require alongside a call', () => {
  const imported = new Set([...operationsImportedBy(path.join('src', 'aws')).keys()].map(iamActionOf));
  const needed = new Set([...recorded].map(iamActionOf));
  const excess = policy.Statement.flatMap(actionsOf).filter(
    (a) => !imported.has(a) && !needed.has(a) && !(a in REQUIRED_ALONGSIDE) && !Object.keys(NOT_IN_SIMULATOR).map(iamActionOf).includes(a),
  );
  expect(excess).toEqual([]);
  // Each "alongside" action is there for a call the controller really makes.
  for (const [action, reason] of Object.entries(REQUIRED_ALONGSIDE)) {
    expect(imported.has(reason)).toBe(true);
    expect(statementsAllowing(policy, action).length).toBeGreaterThan(0);
  }
});

test('the policy grants no wildcard action and only allows', () => {
  for (const s of policy.Statement) {
    expect(s.Effect).toBe('Allow');
    expect(s.NotAction).toBeUndefined();
    for (const a of actionsOf(s)) expect(a).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
  }
});

test('iam:PassRole is limited to named roles and to ECS tasks', () => {
  const passRole = statementsAllowing(policy, 'iam:PassRole');
  expect(passRole.length).toBeGreaterThan(0);
  for (const s of passRole) {
    expect(actionsOf(s)).toEqual(['iam:PassRole']);
    expect(s.Condition?.StringEquals?.['iam:PassedToService']).toBe('ecs-tasks.amazonaws.com');
    for (const r of resourcesOf(s)) expect(r).toMatch(/^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]+$/);
  }
});

test('every role a shipped manifest names can be passed, and no other', () => {
  const roles = new Set<string>();
  const files = ['manifests/deploy/switchboard.yaml', 'manifests/examples/nginx.yaml', 'manifests/examples/curl.yaml'];
  for (const f of files) {
    for (const doc of parseAllDocuments(readFileSync(f, 'utf8'))) {
      const spec = (doc.toJS() as { spec?: Record<string, unknown> }).spec ?? {};
      for (const k of ['taskRoleArn', 'executionRoleArn']) if (typeof spec[k] === 'string') roles.add(spec[k]);
    }
  }
  expect(roles.size).toBeGreaterThan(0);
  const granted = statementsAllowing(policy, 'iam:PassRole').flatMap(resourcesOf);
  for (const role of roles) expect(granted.some((g) => wildcardMatch(g, role, false))).toBe(true);
  expect([...granted].sort()).toEqual([...roles].sort());
});

test('S3 access stays under the manifest prefix, and writes only under its .switchboard/ folder', () => {
  const byAction = (a: string): Statement[] => statementsAllowing(policy, a);
  const list = byAction('s3:ListBucket');
  expect(list).toHaveLength(1);
  expect(resourcesOf(list[0] as Statement)).toEqual(['arn:aws:s3:::my-bucket']);
  expect(list[0]?.Condition?.StringLike?.['s3:prefix']).toEqual(['manifests/', 'manifests/*']);
  expect(byAction('s3:GetObject').flatMap(resourcesOf)).toEqual(['arn:aws:s3:::my-bucket/manifests/*']);
  const put = byAction('s3:PutObject');
  expect(put.flatMap(resourcesOf)).toEqual(['arn:aws:s3:::my-bucket/manifests/.switchboard/*']);
  // Its own statement, so it can be dropped when --status-to is not used.
  expect(put.flatMap(actionsOf)).toEqual(['s3:PutObject']);
});

test('the policy denies what it should: an unrelated action, a broad wildcard, another role', () => {
  expect(statementsAllowing(policy, 'ecs:DeleteCluster')).toHaveLength(0);
  expect(statementsAllowing(policy, 'servicediscovery:DeleteService')).toHaveLength(0);
  expect(statementsAllowing(policy, 'logs:DeleteLogGroup')).toHaveLength(0);
  expect(statementsAllowing(policy, 's3:DeleteObject')).toHaveLength(0);
  const passRole = statementsAllowing(policy, 'iam:PassRole').flatMap(resourcesOf);
  expect(passRole.some((r) => wildcardMatch(r, 'arn:aws:iam::123456789012:role/Admin', false))).toBe(false);
});

test('log retention may be changed only on log groups tagged as this controller\'s', () => {
  const allowing = statementsAllowing(policy, 'logs:PutRetentionPolicy');
  expect(allowing.length).toBeGreaterThan(0);
  for (const s of allowing) expect(s.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/switchboard.dev/managed-by': 'switchboard' } });
});
