/**
 * The least-privilege policy in manifests/deploy/iam-policy.json against what the controller
 * really calls: every code path that reaches AWS runs through the real CLI (and the daemon, for S3)
 * against the simulator, which shows each call to an observer just before carrying it out. Each
 * call becomes the IAM requests AWS would authorise for it, with the tags it sent and the tags the
 * resource had; a small evaluator (iam-eval.ts) decides each against the policy, conditions
 * included. Every call must be allowed, every statement must allow some call, and the same calls
 * on a resource another controller owns must be denied.
 */
import { cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { parseAllDocuments } from 'yaml';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { runSwitchboard, type CliRun } from '../helpers/cli.js';
import { tempDir } from '../helpers/fs.js';
import { CreateClusterCommand, ECSClient } from '@aws-sdk/client-ecs';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { TAG_MANAGED_BY } from '../../src/reconcile/ownership.js';
import { startDaemon, until } from '../daemon/helpers.js';
import { actionsOf, iamActionOf, operationsImportedBy, readPolicy, resourcesOf, statementsAllowing, wildcardMatch, type Statement } from './iam.js';
import { evaluate, type IamRequest } from './iam-eval.js';
import { iamRequestsFor, supportsKey } from './iam-requests.js';

const POLICY_FILE = path.join('manifests', 'deploy', 'iam-policy.json');
const policy = readPolicy(POLICY_FILE);

/** The simulator's service keys and the IAM prefixes of the same services. */
const IAM_PREFIX = { ecs: 'ecs', cloudmap: 'servicediscovery', logs: 'logs', s3: 's3', events: 'events' } as const;

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
const NOT_IN_SIMULATOR: Record<string, string> = {};

/** The access key the controller's calls are signed with; the test's own set-up calls use another. */
const CONTROLLER_KEY = 'AKIDCONTROLLER';
const SETUP = { endpoint: '', region: 'us-east-1', credentials: { accessKeyId: 'AKIDSETUP', secretAccessKey: 'test' } };
const OTHER_OWNER = 'another-controller';

/** Every IAM request the controller's calls needed, with the call it came from. */
const requests: { call: string; request: IamRequest }[] = [];

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

/** Runs the daemon on an S3 source in the simulator, with --status-to: the lease, the listing, the status. */
async function runDaemonOnS3(): Promise<number | null> {
  const setupS3 = new S3Client({ ...SETUP, endpoint: sim.url, forcePathStyle: true });
  await setupS3.send(new CreateBucketCommand({ Bucket: 'my-bucket' }));
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const full = path.join(dir, file);
    if (statSync(full).isFile()) await setupS3.send(new PutObjectCommand({ Bucket: 'my-bucket', Key: `manifests/${file.split(path.sep).join('/')}`, Body: readFileSync(full) }));
  }
  setupS3.destroy();
  const daemon = await startDaemon(['--source', 's3://my-bucket/manifests/', '--endpoint-url', sim.url, '--status-to', 'source', '--poll-interval', '200ms', '--events', 'eventbridge'], {
    AWS_ACCESS_KEY_ID: CONTROLLER_KEY,
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
  });
  try {
    await until('the status document written', () => sim.dumpState().s3?.buckets['my-bucket']?.objects['manifests/.switchboard/status.json'] !== undefined, 20_000);
    await until('an event published', () => sim.receivedEvents().length > 0, 20_000);
  } finally {
    daemon.child.kill('SIGTERM');
  }
  return daemon.exited;
}

/** `prefix:Operation` of every call the controller made. */
function recordedOperations(): Set<string> {
  return new Set(observed.map(({ service, operation }) => `${IAM_PREFIX[service]}:${operation}`));
}

/** The controller's calls, in order. */
const observed: { service: keyof typeof IAM_PREFIX; operation: string }[] = [];

let recorded: Set<string>;
const runs: Record<string, CliRun> = {};

let savedKey: string | undefined;

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 100 });
  savedKey = process.env.AWS_ACCESS_KEY_ID;
  process.env.AWS_ACCESS_KEY_ID = CONTROLLER_KEY;
  sim.observeCalls((call) => {
    if (call.caller !== CONTROLLER_KEY) return;
    observed.push({ service: call.service, operation: call.operation });
    for (const request of iamRequestsFor(call)) requests.push({ call: `${call.service}:${call.operation}`, request });
  });
  ({ dir, cleanup } = tempDir('switchboard-iam-'));
  cpSync(path.join('manifests', 'examples'), dir, { recursive: true });
  cpSync(path.join('manifests', 'deploy', 'switchboard.yaml'), path.join(dir, 'switchboard.yaml'));
  writeFileSync(
    path.join(dir, 'private.yaml'),
    'apiVersion: switchboard.dev/v1alpha1\nkind: Namespace\nmetadata: {name: internal.example}\nspec: {type: DNS_PRIVATE, vpc: vpc-0123456789abcdef0, description: internal}\n',
  );

  // A log group made by hand, which the worker's manifest later adopts to set its retention.
  const logs = new CloudWatchLogsClient({ ...SETUP, endpoint: sim.url });
  await logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/shop/worker' }));
  logs.destroy();
  // A cluster made by hand, which the cluster manifest adopts: tagging it is the only way in.
  const ecs = new ECSClient({ ...SETUP, endpoint: sim.url });
  await ecs.send(new CreateClusterCommand({ clusterName: 'default' }));
  ecs.destroy();
  edit('cluster.yaml', 'name: default\nspec:', 'name: default\n  annotations: {switchboard.dev/adopt: "true"}\nspec:');

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
  // Service Connect TLS: the service passes its TLS role to ECS itself.
  edit('nginx.yaml', '        discoveryName: nginx-80-tcp\n', `        discoveryName: nginx-80-tcp\n        tls:\n          issuerCertificateAuthority: {awsPcaAuthorityArn: "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/0123abcd-0123-0123-0123-0123456789ab"}\n          roleArn: ${TLS_ROLE}\n`);
  runs.change = await cli('apply');

  rmSync(path.join(dir, 'curl.yaml'));
  rmSync(path.join(dir, 'private.yaml'));
  runs.prune = await cli('apply', '--prune');
  runs.planAfter = await cli('plan');
  // `switchboard logs` reads the controller's log group, which applying switchboard.yaml created.
  runs.logs = await runSwitchboard(['logs', '--endpoint-url', sim.url]);
  daemonExit = await runDaemonOnS3();
  recorded = recordedOperations();
}, 90_000);

afterAll(async () => {
  process.env.AWS_ACCESS_KEY_ID = savedKey;
  await sim.close();
  cleanup();
});

let daemonExit: number | null = null;
const TLS_ROLE = 'arn:aws:iam::123456789012:role/ecsServiceConnectTls';

test('every scenario run succeeds, so the recorded calls are those of working code paths', () => {
  for (const [name, run] of Object.entries(runs)) {
    const expected = name === 'planEmpty' ? 2 : 0;
    if (run.code !== expected) throw new Error(`${name}: exit ${run.code}\n${run.stdout}\n${run.stderr}`);
  }
  expect(runs.again?.stdout).toMatch(/0 created, 0 configured, 0 deleted/);
  expect(runs.prune?.stdout).toContain('deleted    Service/curl');
  expect(runs.prune?.stdout).toContain('deleted    Namespace/internal.example');
  expect(daemonExit).toBe(0);
});

function describe(r: IamRequest): string {
  return `${r.action} on ${r.resource} ${JSON.stringify(r.context)}`;
}

test('every call the controller made is allowed, judged on the tags it sent and the tags the resource had', () => {
  expect(requests.length).toBeGreaterThan(100);
  const denied = requests.filter(({ request }) => !evaluate(policy, request).allowed).map(({ call, request }) => `${call}: ${describe(request)}`);
  expect(denied).toEqual([]);
});

test('every statement of the policy allows some call the controller made', () => {
  const used = new Set(requests.flatMap(({ request }) => evaluate(policy, request).allowedBy.map((s) => s.Sid)));
  expect(policy.Statement.map((s) => s.Sid).filter((sid) => !used.has(sid))).toEqual([]);
});

/** The recorded requests that were allowed because the resource carries this controller's tag, with that tag set to another controller's id. */
function onAnotherControllersResource(): IamRequest[] {
  const key = `aws:ResourceTag/${TAG_MANAGED_BY}`;
  return requests
    .map(({ request }) => request)
    // Tag-on-create (ecs:CreateAction) is part of a create call: the resource has no tags yet.
    .filter((r) => r.context['ecs:CreateAction'] === undefined)
    .filter((r) => r.context[key] === 'switchboard' || (r.context[`aws:RequestTag/${TAG_MANAGED_BY}`] === 'switchboard' && supportsKey(r.action, key)))
    .map((r) => ({ ...r, context: { ...r.context, [key]: OTHER_OWNER } }));
}

test('the same calls on a resource another controller owns are denied: updates, deletes, tags, retention, adoption', () => {
  const foreign = onAnotherControllersResource();
  const actions = new Set(foreign.map((r) => r.action));
  for (const a of ['ecs:UpdateService', 'ecs:DeleteService', 'ecs:UpdateCluster', 'ecs:TagResource', 'ecs:UntagResource', 'servicediscovery:UpdateHttpNamespace', 'servicediscovery:DeleteNamespace', 'logs:PutRetentionPolicy', 'logs:TagResource']) {
    expect([a, actions.has(a)]).toEqual([a, true]);
  }
  const allowed = foreign.filter((r) => evaluate(policy, r).allowed).map(describe);
  expect(allowed).toEqual([]);
});

test('creating, or tagging as ours, with another controller id in the ownership tag is denied', () => {
  const key = `aws:RequestTag/${TAG_MANAGED_BY}`;
  const claims = requests.map(({ request }) => request).filter((r) => r.context[key] === 'switchboard');
  expect(new Set(claims.map((r) => r.action))).toEqual(
    new Set(['ecs:CreateCluster', 'ecs:CreateService', 'ecs:RegisterTaskDefinition', 'ecs:TagResource', 'servicediscovery:CreateHttpNamespace', 'servicediscovery:CreatePrivateDnsNamespace', 'servicediscovery:TagResource', 'logs:CreateLogGroup', 'logs:TagResource']),
  );
  const allowed = claims.map((r) => ({ ...r, context: { ...r.context, [key]: OTHER_OWNER } })).filter((r) => evaluate(policy, r).allowed);
  expect(allowed.map(describe)).toEqual([]);
});

test('the lease object is written only with a condition: a plain overwrite of it is denied', () => {
  const lease = 'arn:aws:s3:::my-bucket/manifests/.switchboard/lease-switchboard';
  const writes = requests.map(({ request }) => request).filter((r) => r.action === 's3:PutObject' && r.resource === lease);
  expect(writes.some((r) => r.context['s3:if-none-match'] === '*')).toBe(true);
  expect(writes.some((r) => r.context['s3:if-match'] !== undefined)).toBe(true);
  expect(evaluate(policy, { action: 's3:PutObject', resource: lease, context: {} }).allowed).toBe(false);
  expect(evaluate(policy, { action: 's3:PutObject', resource: 'arn:aws:s3:::my-bucket/manifests/nginx.yaml', context: {} }).allowed).toBe(false);
});

test('the policy relies only on condition keys the service authorization reference lists for each of its actions', () => {
  const unsupported: string[] = [];
  for (const s of policy.Statement) {
    for (const keys of Object.values(s.Condition ?? {})) {
      for (const key of Object.keys(keys)) {
        for (const action of actionsOf(s)) if (!supportsKey(action, key)) unsupported.push(`${s.Sid ?? '?'}: ${action} / ${key}`);
      }
    }
  }
  expect(unsupported).toEqual([]);
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

test('iam:PassRole is limited to named roles, passed to ECS tasks (task and execution roles) or to ECS (Service Connect TLS)', () => {
  const passRole = statementsAllowing(policy, 'iam:PassRole');
  expect(passRole.length).toBe(2);
  for (const s of passRole) {
    expect(actionsOf(s)).toEqual(['iam:PassRole']);
    expect(['ecs-tasks.amazonaws.com', 'ecs.amazonaws.com']).toContain(s.Condition?.StringEquals?.['iam:PassedToService']);
    for (const r of resourcesOf(s)) expect(r).toMatch(/^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]+$/);
  }
});

test('every role a shipped manifest names can be passed, and no other', () => {
  const roles = new Set<string>();
  const files = ['manifests/deploy/switchboard.yaml', 'manifests/examples/nginx.yaml', 'manifests/examples/curl.yaml', ...['api', 'web', 'worker'].map((f) => `manifests/examples/web-api-worker/${f}.yaml`)];
  for (const f of files) {
    for (const doc of parseAllDocuments(readFileSync(f, 'utf8'))) {
      const spec = (doc.toJS() as { spec?: Record<string, unknown> }).spec ?? {};
      for (const k of ['taskRoleArn', 'executionRoleArn']) if (typeof spec[k] === 'string') roles.add(spec[k]);
    }
  }
  expect(roles.size).toBeGreaterThan(0);
  const granted = statementsAllowing(policy, 'iam:PassRole')
    .filter((s) => s.Condition?.StringEquals?.['iam:PassedToService'] === 'ecs-tasks.amazonaws.com')
    .flatMap(resourcesOf);
  for (const role of roles) expect(granted.some((g) => wildcardMatch(g, role, false))).toBe(true);
  expect([...granted].sort()).toEqual([...roles].sort());
});

test('S3 access stays under the manifest prefix, and writes only the lease and the status document', () => {
  const byAction = (a: string): Statement[] => statementsAllowing(policy, a);
  const list = byAction('s3:ListBucket');
  expect(list).toHaveLength(1);
  expect(resourcesOf(list[0] as Statement)).toEqual(['arn:aws:s3:::my-bucket']);
  expect(list[0]?.Condition?.StringLike?.['s3:prefix']).toEqual(['manifests/', 'manifests/*']);
  expect(byAction('s3:GetObject').flatMap(resourcesOf)).toEqual(['arn:aws:s3:::my-bucket/manifests/*']);
  const put = byAction('s3:PutObject');
  expect([...new Set(put.flatMap(resourcesOf))].sort()).toEqual(['arn:aws:s3:::my-bucket/manifests/.switchboard/lease-switchboard', 'arn:aws:s3:::my-bucket/manifests/.switchboard/status.json']);
  // Each its own statement, so the status one can be dropped when --status-to is not used.
  expect(put.flatMap(actionsOf)).toEqual(['s3:PutObject', 's3:PutObject', 's3:PutObject']);
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

test('events can be put only with the controller\'s source, on its bus', () => {
  const puts = requests.map(({ request }) => request).filter((r) => r.action === 'events:PutEvents');
  expect(puts.length).toBeGreaterThan(0);
  for (const r of puts) {
    expect(evaluate(policy, { ...r, context: { ...r.context, 'events:source': 'aws.ecs' } }).allowed).toBe(false);
    expect(evaluate(policy, { ...r, resource: 'arn:aws:events:us-east-1:123456789012:event-bus/payments' }).allowed).toBe(false);
  }
});
