/**
 * The reconcile engine through the real CLI (`plan`, `apply`) against the embedded simulator,
 * asserting on simulator state read back through the real SDK clients.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, type Service, ListTagsForResourceCommand, TagResourceCommand, UntagResourceCommand, UpdateServiceCommand, CreateServiceCommand, RegisterTaskDefinitionCommand, CreateClusterCommand } from '@aws-sdk/client-ecs';
import { ListNamespacesCommand } from '@aws-sdk/client-servicediscovery';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { runSwitchboard, type CliRun } from '../helpers/cli.js';
import { WalkthroughWorld } from '../helpers/walkthrough.js';

const w = WalkthroughWorld.perTest();

function calls(service: 'ecs' | 'cloudmap' | 'logs', op: string): number {
  return w.calls(service, op);
}

function cli(cmd: 'plan' | 'apply', ...extra: string[]): Promise<CliRun> {
  return w.cli(cmd, '--log-level', 'silent', ...extra);
}

async function describe1(cluster: string, service: string): Promise<Service> {
  const s = await w.service(service, cluster);
  if (!s) throw new Error(`no service ${service}`);
  return s;
}

function edit(file: string, from: string, to: string): void {
  w.edit(file, from, to);
}

test('the walkthrough converges from empty with one apply', async () => {
  const plan = await cli('plan');
  expect(plan.code).toBe(2);
  expect(plan.stdout).toContain('+ Service/nginx');

  const apply = await cli('apply');
  expect(apply.stderr).toBe('');
  expect(apply.code).toBe(0);
  expect(apply.stdout).toMatch(/Apply: \d+ created, 0 configured, 0 deleted, 0 unchanged, 0 skipped, 0 failed/);

  const ns = await w.aws.cloudMap.send(new ListNamespacesCommand({}));
  const namespace = ns.Namespaces?.find((n) => n.Name === 'test-namespace');
  expect(namespace?.Type).toBe('HTTP');

  const td = await w.aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'nginx' }));
  expect(td.taskDefinition?.containerDefinitions?.[0]?.portMappings?.[0]).toMatchObject({ name: 'nginx-80-tcp', containerPort: 80, appProtocol: 'http' });

  const nginx = await describe1('default', 'nginx');
  const primary = nginx.deployments?.find((d) => d.status === 'PRIMARY');
  expect(primary?.serviceConnectConfiguration).toMatchObject({
    enabled: true,
    namespace: namespace?.Arn,
    services: [{ portName: 'nginx-80-tcp', discoveryName: 'nginx-80-tcp', clientAliases: [expect.objectContaining({ port: 80 })] }],
  });
  const curl = await describe1('default', 'curl');
  const curlSc = curl.deployments?.find((d) => d.status === 'PRIMARY')?.serviceConnectConfiguration;
  expect(curlSc?.enabled).toBe(true);
  expect(curlSc?.services ?? []).toEqual([]);

  const groups = await w.aws.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/' }));
  expect((groups.logGroups ?? []).map((g) => g.logGroupName).sort()).toEqual(['/ecs/curl', '/ecs/nginx', '/ecs/service-connect-proxy']);
});

test('re-planning converged manifests shows no change and re-applying makes no write', async () => {
  expect((await cli('apply')).code).toBe(0);
  w.sim.resetCalls();
  const plan = await cli('plan');
  expect(plan.code).toBe(0);
  expect(plan.stdout).toContain('No changes.');
  const apply = await cli('apply');
  expect(apply.code).toBe(0);
  expect(w.sim.calls().mutatingCalls).toBe(0);
  expect(calls('ecs', 'DescribeTaskDefinition')).toBe(0);
});

test('out-of-band drift is shown by plan and repaired by apply', async () => {
  expect((await cli('apply')).code).toBe(0);
  const nginx = await describe1('default', 'nginx');
  const sc = nginx.deployments?.find((d) => d.status === 'PRIMARY')?.serviceConnectConfiguration;
  await w.aws.ecs.send(
    new UpdateServiceCommand({
      cluster: 'default',
      service: 'nginx',
      desiredCount: 3,
      serviceConnectConfiguration: { ...sc, enabled: true, services: (sc?.services ?? []).map((s) => ({ ...s, clientAliases: [] })) },
    }),
  );
  await w.aws.ecs.send(new UntagResourceCommand({ resourceArn: nginx.serviceArn, tagKeys: ['team'] }));

  const plan = await cli('plan');
  expect(plan.code).toBe(2);
  expect(plan.stdout).toContain('~ desiredCount: 3 -> 1');
  expect(plan.stdout).toMatch(/serviceConnectConfiguration\.services\[nginx-80-tcp\]\.clientAliases/);
  expect(plan.stdout).toContain('+ tags.team: "platform"');

  expect((await cli('apply')).code).toBe(0);
  const repaired = await describe1('default', 'nginx');
  expect(repaired.desiredCount).toBe(1);
  expect(repaired.deployments?.find((d) => d.status === 'PRIMARY')?.serviceConnectConfiguration?.services?.[0]?.clientAliases?.[0]?.port).toBe(80);
  expect(repaired.tags).toContainEqual({ key: 'team', value: 'platform' });
  expect((await cli('plan')).code).toBe(0);
});

test('a changed image registers exactly one revision; an unchanged one registers none, also in a new process', async () => {
  expect((await cli('apply')).code).toBe(0);
  edit('nginx.yaml', 'nginx/nginx:1.27', 'nginx/nginx:1.28');
  w.sim.resetCalls();
  const apply = await cli('apply');
  expect(apply.code).toBe(0);
  expect(calls('ecs', 'RegisterTaskDefinition')).toBe(1);
  expect(calls('ecs', 'UpdateService')).toBe(1);
  const nginx = await describe1('default', 'nginx');
  expect(nginx.taskDefinition).toMatch(/task-definition\/nginx:2$/);

  // Each CLI run is a new process-level cache: the service's tags say which content it runs.
  w.sim.resetCalls();
  expect((await cli('apply')).code).toBe(0);
  expect(calls('ecs', 'RegisterTaskDefinition')).toBe(0);
  expect(calls('ecs', 'DescribeTaskDefinition')).toBe(0);
  expect(w.sim.calls().mutatingCalls).toBe(0);
});

test('a revision registered with the same content before a crash is reused, not registered again', async () => {
  // Register what the manifest says (with our hash tag) as if a previous run died right after it.
  expect((await cli('apply')).code).toBe(0);
  edit('nginx.yaml', 'nginx/nginx:1.27', 'nginx/nginx:1.29');
  const plan = await runSwitchboard(['plan', '-f', w.dir, '--endpoint-url', w.sim.url, '--output', 'json', '--log-level', 'silent']);
  const parsed = JSON.parse(plan.stdout) as { resources: { key: string; steps: { op: string; input: Record<string, unknown>; tags: Record<string, string> }[] }[] };
  const step = parsed.resources.find((r) => r.key === 'TaskDefinition/nginx')?.steps[0];
  expect(step?.op).toBe('registerTaskDefinition');
  await w.aws.ecs.send(
    new RegisterTaskDefinitionCommand({
      ...(step?.input as unknown as { family: string; containerDefinitions: [] }),
      tags: Object.entries(step?.tags ?? {}).map(([key, value]) => ({ key, value })),
    }),
  );
  w.sim.resetCalls();
  expect((await cli('apply')).code).toBe(0);
  expect(calls('ecs', 'RegisterTaskDefinition')).toBe(0);
  expect((await describe1('default', 'nginx')).taskDefinition).toMatch(/nginx:2$/);
});

test('removing serviceConnectConfiguration turns Service Connect off explicitly', async () => {
  expect((await cli('apply')).code).toBe(0);
  const text = readFileSync(path.join(w.dir, 'curl.yaml'), 'utf8');
  const without = text.replace(/\n {2}serviceConnectConfiguration:\n(?: {4}.*\n)+/, '\n');
  expect(without).not.toContain('  serviceConnectConfiguration:');
  writeFileSync(path.join(w.dir, 'curl.yaml'), without);
  const plan = await cli('plan');
  expect(plan.stdout).toContain('serviceConnectConfiguration.enabled: true -> false');
  expect((await cli('apply')).code).toBe(0);
  const curl = await describe1('default', 'curl');
  expect(curl.deployments?.find((d) => d.status === 'PRIMARY')?.serviceConnectConfiguration?.enabled ?? false).toBe(false);
});

test('a change AWS cannot make in place is planned as replace and runs only with --allow-replace', async () => {
  expect((await cli('apply')).code).toBe(0);
  edit('curl.yaml', 'launchType: FARGATE', 'launchType: EC2');
  const plan = await cli('plan');
  expect(plan.stdout).toMatch(/-\/\+ Service\/curl\s+replace: launchType cannot change in place/);
  w.sim.resetCalls();
  const refused = await cli('apply');
  expect(refused.code).toBe(1);
  expect(refused.stdout).toContain('--allow-replace');
  expect(calls('ecs', 'DeleteService')).toBe(0);
  const before = (await describe1('default', 'curl')).serviceArn;

  const replaced = await cli('apply', '--allow-replace');
  expect(replaced.code).toBe(0);
  const after = await describe1('default', 'curl');
  expect(after.launchType).toBe('EC2');
  expect(calls('ecs', 'DeleteService')).toBe(1);
  expect(after.serviceArn).toBe(before); // same name, same ARN: a new service object behind it
  expect(after.createdAt?.getTime()).toBeGreaterThan(0);
});

test('a service of the same name not created by switchboard is a conflict and is not touched', async () => {
  await w.aws.ecs.send(new CreateClusterCommand({ clusterName: 'default' }));
  await w.aws.ecs.send(
    new RegisterTaskDefinitionCommand({ family: 'theirs', requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '256', memory: '512', containerDefinitions: [{ name: 'c', image: 'busybox' }] }),
  );
  await w.aws.ecs.send(
    new CreateServiceCommand({ cluster: 'default', serviceName: 'curl', taskDefinition: 'theirs', desiredCount: 2, launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0123456789abcdef0'] } } }),
  );
  const plan = await cli('plan');
  expect(plan.stdout).toMatch(/! Service\/curl\s+conflict: service curl in cluster default exists and is not managed by switchboard/);
  expect(plan.stdout).toContain('switchboard.dev/adopt');
  const apply = await cli('apply');
  expect(apply.code).toBe(1);
  const theirs = await describe1('default', 'curl');
  expect(theirs.desiredCount).toBe(2);
  expect(theirs.taskDefinition).toMatch(/theirs:1$/);

  // Adoption is explicit (the cluster, created by someone else too, is adopted as well).
  edit('cluster.yaml', 'metadata:\n  name: default', 'metadata:\n  name: default\n  annotations:\n    switchboard.dev/adopt: "true"');
  edit('curl.yaml', 'kind: Service\nmetadata:\n  name: curl', 'kind: Service\nmetadata:\n  name: curl\n  annotations:\n    switchboard.dev/adopt: "true"');
  const adopt = await cli('apply');
  expect(adopt.stdout).toContain('configured Service/curl');
  expect(adopt.code).toBe(0);
  const adopted = await describe1('default', 'curl');
  expect(adopted.taskDefinition).toMatch(/curl:1$/);
  const tags = await w.aws.ecs.send(new ListTagsForResourceCommand({ resourceArn: adopted.serviceArn }));
  expect(tags.tags).toContainEqual({ key: 'switchboard.dev/managed-by', value: 'switchboard' });
});

describe('prune safety', () => {
  async function convergedThenRemoveCurl(): Promise<void> {
    expect((await cli('apply')).code).toBe(0);
    rmSync(path.join(w.dir, 'curl.yaml'));
    w.sim.resetCalls();
  }

  test('without --prune nothing is deleted', async () => {
    await convergedThenRemoveCurl();
    expect((await cli('apply')).code).toBe(0);
    expect(calls('ecs', 'DeleteService') + calls('ecs', 'DeregisterTaskDefinition')).toBe(0);
    expect((await describe1('default', 'curl')).status).toBe('ACTIVE');
  });

  test('with --prune, what we own and no manifest declares is deleted', async () => {
    await convergedThenRemoveCurl();
    const apply = await cli('apply', '--prune');
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('deleted    Service/curl');
    expect(calls('ecs', 'DeleteService')).toBe(1);
    expect(calls('ecs', 'DeregisterTaskDefinition')).toBe(1);
    const res = await w.aws.ecs.send(new DescribeServicesCommand({ cluster: 'default', services: ['curl'] }));
    expect(res.services?.[0]?.status ?? 'MISSING').not.toBe('ACTIVE');
  });

  test('an invalid manifest anywhere means no AWS call at all', async () => {
    await convergedThenRemoveCurl();
    writeFileSync(path.join(w.dir, 'broken.yaml'), 'apiVersion: switchboard.dev/v1alpha1\nkind: Service\nmetadata: {name: x}\nspec:\n  desiredCount: "many"\n');
    const apply = await cli('apply', '--prune');
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('broken.yaml:5');
    expect(w.sim.calls().totals.calls).toBe(0);
  });

  test('an empty source prunes nothing without --allow-empty', async () => {
    expect((await cli('apply')).code).toBe(0);
    for (const f of ['namespace.yaml', 'cluster.yaml', 'nginx.yaml', 'curl.yaml']) rmSync(path.join(w.dir, f));
    w.sim.resetCalls();
    const apply = await cli('apply', '--prune');
    expect(apply.stdout).toContain('prune skipped: the source holds no manifests');
    expect(w.sim.calls().mutatingCalls).toBe(0);
  });

  test('more deletions than --max-prune deletes nothing', async () => {
    await convergedThenRemoveCurl();
    const apply = await cli('apply', '--prune', '--max-prune', '1');
    expect(apply.stdout).toMatch(/prune stopped: 2 resources would be deleted, more than --max-prune 1/);
    expect(calls('ecs', 'DeleteService') + calls('ecs', 'DeregisterTaskDefinition')).toBe(0);
  });

  test('a resource without our ownership tag is never pruned', async () => {
    await convergedThenRemoveCurl();
    const curl = await describe1('default', 'curl');
    await w.aws.ecs.send(new UntagResourceCommand({ resourceArn: curl.serviceArn, tagKeys: ['switchboard.dev/managed-by'] }));
    const td = await w.aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'curl' }));
    await w.aws.ecs.send(new UntagResourceCommand({ resourceArn: td.taskDefinition?.taskDefinitionArn, tagKeys: ['switchboard.dev/managed-by'] }));
    w.sim.resetCalls();
    await cli('apply', '--prune');
    expect(calls('ecs', 'DeleteService') + calls('ecs', 'DeregisterTaskDefinition')).toBe(0);
  });

  test('a namespace is deleted only once no service uses it', async () => {
    expect((await cli('apply')).code).toBe(0);
    for (const f of ['namespace.yaml', 'cluster.yaml', 'nginx.yaml', 'curl.yaml']) rmSync(path.join(w.dir, f));
    const first = await cli('apply', '--prune', '--allow-empty');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('deleted    Service/nginx');
    // The services deleted in this pass still ran in it when the pass read them.
    expect(first.stdout).toMatch(/Namespace\/test-namespace: no manifest declares namespace test-namespace, but service default\/(nginx|curl) runs in it; it is kept/);
    expect(calls('cloudmap', 'DeleteNamespace')).toBe(0);
    // Once ECS has drained the services (and removed their Cloud Map services), the namespace goes.
    const end = Date.now() + 5000;
    let second;
    do {
      await new Promise((r) => setTimeout(r, 50));
      second = await cli('apply', '--prune', '--allow-empty');
    } while (!second.stdout.includes('deleted    Namespace/test-namespace') && Date.now() < end);
    expect(second.stdout).toContain('deleted    Namespace/test-namespace');
    const ns = await w.aws.cloudMap.send(new ListNamespacesCommand({}));
    expect(ns.Namespaces?.map((n) => n.Name)).not.toContain('test-namespace');
  });

  test('another controller\'s resources are never pruned', async () => {
    await convergedThenRemoveCurl();
    const curl = await describe1('default', 'curl');
    await w.aws.ecs.send(new TagResourceCommand({ resourceArn: curl.serviceArn, tags: [{ key: 'switchboard.dev/managed-by', value: 'other' }] }));
    await cli('apply', '--prune');
    expect(calls('ecs', 'DeleteService')).toBe(0);
  });
});

// The controller id is the value of the ownership tag on everything it creates: an AWS tag value.
test('a --controller-id AWS would refuse as a tag value is a usage error, before any AWS call', async () => {
  for (const id of ['aws:mine', 'team!', 'x'.repeat(257)]) {
    const run = await cli('apply', '--controller-id', id);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--controller-id');
    expect(run.stderr).toContain('it is a tag value on everything the controller creates');
  }
  expect(await runSwitchboard(['run', '--source', 'nowhere', '--controller-id', 'aws:mine'])).toMatchObject({ code: 2 });
  expect(w.sim.calls().totals.calls).toBe(0);
});
