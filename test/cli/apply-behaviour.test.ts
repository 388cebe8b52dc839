/**
 * How apply behaves around failures, waits, Service Connect ordering, log groups and secrets.
 */
import { ListTaskDefinitionsCommand, type Service } from '@aws-sdk/client-ecs';
import { CreateLogGroupCommand, DeleteLogGroupCommand, DescribeLogGroupsCommand, ListTagsForResourceCommand, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { CliRun } from '../helpers/cli.js';
import { WalkthroughWorld } from '../helpers/walkthrough.js';

const w = WalkthroughWorld.perTest();

function cli(cmd: 'plan' | 'apply', ...extra: string[]): Promise<CliRun> {
  return w.cli(cmd, ...extra);
}

function edit(file: string, from: string, to: string): void {
  w.edit(file, from, to);
}

async function service(name: string): Promise<Service | undefined> {
  return w.service(name);
}

test('a failed action stops only its dependants; the rest of the plan still applies', async () => {
  w.sim.addFault({ operation: 'RegisterTaskDefinition', resource: 'nginx', count: 1, effect: { type: 'error', errorType: 'InvalidParameterException', message: 'bad container' } });
  const apply = await cli('apply', '--log-level', 'silent', '--output', 'json');
  expect(apply.code).toBe(1);
  const report = JSON.parse(apply.stdout) as { results: { key: string; outcome: string; reason: string; error?: { code?: string; requestId?: string } }[] };
  const by = new Map(report.results.map((r) => [r.key, r]));
  expect(by.get('TaskDefinition/nginx')).toMatchObject({ outcome: 'failed', error: { code: 'InvalidParameterException' } });
  expect(by.get('TaskDefinition/nginx')?.error?.requestId).toMatch(/\S+/);
  expect(by.get('Service/nginx')).toMatchObject({ outcome: 'skipped' });
  expect(by.get('Service/nginx')?.reason).toContain('depends on TaskDefinition/nginx');
  expect(by.get('Service/curl')?.outcome).toBe('created');
  expect(await service('nginx')).toBeUndefined();
  expect((await service('curl'))?.status).toBe('ACTIVE');
  // The next run converges what was left.
  expect((await cli('apply', '--log-level', 'silent')).code).toBe(0);
  expect((await service('nginx'))?.status).toBe('ACTIVE');
});

test('a registration whose answer is lost is found and reused, never registered twice', async () => {
  w.sim.addFault({ operation: 'RegisterTaskDefinition', resource: 'nginx', effect: { type: 'lostResponse' } });
  w.sim.addFault({ operation: 'RegisterTaskDefinition', resource: 'curl', count: 2, effect: { type: 'error', errorType: 'ThrottlingException' } });
  const apply = await cli('apply', '--log-level', 'silent');
  expect(apply.code).toBe(0);
  const families = await w.aws.ecs.send(new ListTaskDefinitionsCommand({}));
  expect((families.taskDefinitionArns ?? []).map((a) => a.slice(a.lastIndexOf('/') + 1)).sort()).toEqual(['curl:1', 'nginx:1']);
  expect((await service('nginx'))?.taskDefinition).toMatch(/nginx:1$/);
});

test('a namespace operation that ends in FAIL is retried once with a fresh request id, and reported when that fails too', async () => {
  w.sim.addFault({ operation: 'CreateHttpNamespace', count: 2, effect: { type: 'operationFailure', errorCode: 'CANNOT_CREATE_HOSTED_ZONE', message: 'simulated failure' } });
  const first = await cli('apply', '--log-level', 'silent');
  expect(first.code).toBe(1);
  expect(first.stdout).toMatch(/failed\s+Namespace\/test-namespace .*ended in FAIL: CANNOT_CREATE_HOSTED_ZONE/);
  expect(first.stdout).toMatch(/skipped\s+Service\/nginx .*depends on .*Namespace\/test-namespace/);
  // A new process: its deterministic id finds the failed operation, and the fresh id then succeeds.
  const second = await cli('apply', '--log-level', 'silent');
  expect(second.code).toBe(0);
  expect((await service('nginx'))?.status).toBe('ACTIVE');
});

test('--wait reports a rollout the circuit breaker rolled back as a failure with the service events', async () => {
  expect((await cli('apply', '--log-level', 'silent')).code).toBe(0);
  edit('nginx.yaml', 'nginx/nginx:1.27', 'nginx/nginx:broken');
  w.sim.addFault({ operation: 'UpdateService', resource: 'nginx', effect: { type: 'rolloutFailure' } });
  const apply = await cli('apply', '--wait', '--log-level', 'silent');
  expect(apply.code).toBe(1);
  expect(apply.stdout).toMatch(/failed\s+Service\/nginx .*rollout failed: .*deployment failed/);
});

test('--wait waits for the rollout and logs its progress', async () => {
  const apply = await cli('apply', '--wait', '--log-level', 'info');
  expect(apply.code).toBe(0);
  expect(apply.stderr).toMatch(/"action":"wait"/);
  const nginx = await service('nginx');
  expect(nginx?.runningCount).toBe(nginx?.desiredCount);
  expect(nginx?.deployments?.find((d) => d.status === 'PRIMARY')?.rolloutState).toBe('COMPLETED');
});

test('Service Connect servers are ready before clients are created in the same pass', async () => {
  // Rollouts slow enough that the server's is still in progress at the first look, however loaded the machine.
  w.sim.setTimeScale(5);
  const apply = await cli('apply', '--log-level', 'info');
  expect(apply.code).toBe(0);
  const lines = apply.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string; resource?: string; action?: string });
  const serverWaited = lines.findIndex((l) => l.resource === 'Service/nginx' && l.action === 'wait');
  const clientCreated = lines.findIndex((l) => l.msg === 'Service/curl: created');
  expect(serverWaited).toBeGreaterThanOrEqual(0);
  expect(clientCreated).toBeGreaterThan(serverWaited);
});

test('a new endpoint is noted for running clients, and redeploys the clients that ask for it', async () => {
  expect((await cli('apply', '--log-level', 'silent')).code).toBe(0);
  edit('nginx.yaml', '          - port: 80\n', '          - port: 80\n            dnsName: web.internal\n');
  const plan = await cli('plan', '--log-level', 'silent');
  expect(plan.stdout).toContain('Service/curl: its running tasks started before web.internal:80 existed');

  edit('curl.yaml', 'kind: Service\nmetadata:\n  name: curl', 'kind: Service\nmetadata:\n  name: curl\n  annotations:\n    switchboard.dev/redeploy-on-new-endpoints: "true"');
  const before = (await service('curl'))?.deployments?.find((d) => d.status === 'PRIMARY')?.id;
  const planRedeploy = await cli('plan', '--log-level', 'silent');
  expect(planRedeploy.stdout).toMatch(/~ Service\/curl\s+update: redeploying so its tasks see the new endpoints web.internal:80/);
  expect((await cli('apply', '--log-level', 'silent')).code).toBe(0);
  const after = (await service('curl'))?.deployments?.find((d) => d.status === 'PRIMARY')?.id;
  expect(after).toBeDefined();
  expect(after).not.toBe(before);
});

test('log groups get the retention their manifest asks for', async () => {
  edit('nginx.yaml', 'kind: TaskDefinition\nmetadata:\n  name: nginx', 'kind: TaskDefinition\nmetadata:\n  name: nginx\n  annotations:\n    switchboard.dev/log-retention-days: "14"');
  expect((await cli('apply', '--log-level', 'silent')).code).toBe(0);
  const groups = await w.aws.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/nginx' }));
  expect(groups.logGroups?.[0]?.retentionInDays).toBe(14);
});

describe('log retention changes only log groups this controller owns', () => {
  const RETAIN_ONE_DAY = 'kind: TaskDefinition\nmetadata:\n  name: nginx\n  annotations:\n    switchboard.dev/log-retention-days: "1"';

  async function handMadeGroup(tags: Record<string, string>): Promise<void> {
    await w.aws.logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/nginx', ...(Object.keys(tags).length > 0 ? { tags } : {}) }));
    await w.aws.logs.send(new PutRetentionPolicyCommand({ logGroupName: '/ecs/nginx', retentionInDays: 3653 }));
  }

  async function group(): Promise<{ retentionInDays?: number; tags: Record<string, string> }> {
    const g = (await w.aws.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/nginx' }))).logGroups?.find((x) => x.logGroupName === '/ecs/nginx');
    const tags = (await w.aws.logs.send(new ListTagsForResourceCommand({ resourceArn: g?.logGroupArn ?? '' }))).tags ?? {};
    return { ...(g?.retentionInDays !== undefined ? { retentionInDays: g.retentionInDays } : {}), tags };
  }

  test.each([
    ['an untagged group someone made by hand', {}],
    ['a group another controller owns', { 'switchboard.dev/managed-by': 'other-team', 'switchboard.dev/resource': 'LogGroup//ecs/nginx' }],
  ])('%s keeps its retention, and the plan says why', async (_what, tags) => {
    await handMadeGroup(tags);
    edit('nginx.yaml', 'kind: TaskDefinition\nmetadata:\n  name: nginx', RETAIN_ONE_DAY);
    const plan = await cli('plan', '--log-level', 'silent');
    expect(plan.stdout).toMatch(/note: log group \/ecs\/nginx is not managed by this controller.*retention .*3653 days.* left alone/);
    expect(plan.stdout).not.toMatch(/LogGroup\/\/ecs\/nginx\s+update/);
    const json = JSON.parse((await cli('plan', '--log-level', 'silent', '--output', 'json')).stdout) as { notes: string[] };
    expect(json.notes.some((n) => n.includes('/ecs/nginx'))).toBe(true);
    const apply = await cli('apply', '--log-level', 'silent');
    expect(apply.code).toBe(0);
    expect(await group()).toEqual({ retentionInDays: 3653, tags });
    expect(w.calls('logs', 'PutRetentionPolicy')).toBe(1); // the set-up's own call
  });

  test('an untagged group is adopted, tagged and given the retention when the manifest asks to adopt', async () => {
    await handMadeGroup({});
    edit('nginx.yaml', 'kind: TaskDefinition\nmetadata:\n  name: nginx', `${RETAIN_ONE_DAY}\n    switchboard.dev/adopt: "true"`);
    expect((await cli('apply', '--log-level', 'silent')).code).toBe(0);
    expect(await group()).toEqual({ retentionInDays: 1, tags: { 'switchboard.dev/managed-by': 'switchboard', 'switchboard.dev/resource': 'LogGroup//ecs/nginx' } });
  });

  test('a group this controller created gets its retention changed', async () => {
    expect((await cli('apply', '--log-level', 'silent')).code).toBe(0);
    edit('nginx.yaml', 'kind: TaskDefinition\nmetadata:\n  name: nginx', RETAIN_ONE_DAY);
    edit('nginx.yaml', 'nginx/nginx:1.27', 'nginx/nginx:1.28'); // log groups are looked at for resources that change
    const plan = await cli('plan', '--log-level', 'silent');
    expect(plan.stdout).toMatch(/~ LogGroup\/\/ecs\/nginx\s+update/);
    expect((await cli('apply', '--log-level', 'silent')).code).toBe(0);
    expect((await group()).retentionInDays).toBe(1);
  });
});

// Issue 11 item 12: a one-shot apply reads every needed log group (one DescribeLogGroups per 50),
// not only those of what changes, so it repairs one another writer deleted.
test('apply creates again a log group deleted out of band, with nothing else changed', async () => {
  expect((await cli('apply', '--log-level', 'silent')).code).toBe(0);
  await w.aws.logs.send(new DeleteLogGroupCommand({ logGroupName: '/ecs/nginx' }));
  const again = await cli('apply', '--log-level', 'silent');
  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(/created\s+LogGroup\/\/ecs\/nginx/);
  expect(again.stdout).not.toMatch(/(configured|created)\s+(Service|TaskDefinition)\//);
  const groups = await w.aws.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/nginx' }));
  expect(groups.logGroups?.map((g) => g.logGroupName)).toEqual(['/ecs/nginx']);
});

test('secret-looking environment values never appear in plan or apply output', async () => {
  expect((await cli('apply', '--log-level', 'silent')).code).toBe(0);
  edit('nginx.yaml', '      essential: true\n', '      essential: true\n      environment:\n        - name: DB_PASSWORD\n          value: hunter2-very-secret\n');
  const outputs = [
    await cli('plan', '--log-level', 'info'),
    await cli('plan', '--output', 'json', '--log-level', 'info'),
    await cli('apply', '--log-level', 'debug'),
  ];
  for (const o of outputs) {
    expect(o.stdout + o.stderr).toContain('DB_PASSWORD');
    expect(o.stdout + o.stderr).not.toContain('hunter2');
  }
});
