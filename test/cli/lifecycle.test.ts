/**
 * Lifecycle regressions through the real CLI against the simulator: deleting and re-adding,
 * turning features on and off, failed rollouts. Each test names what it guards against.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { ListNamespacesCommand } from '@aws-sdk/client-servicediscovery';
import path from 'node:path';
import type { CliRun } from '../helpers/cli.js';
import { WalkthroughWorld } from '../helpers/walkthrough.js';

const w = WalkthroughWorld.perTest();

function cli(cmd: 'plan' | 'apply', ...extra: string[]): Promise<CliRun> {
  return w.cli(cmd, '--log-level', 'silent', ...extra);
}

const DAEMON = `apiVersion: switchboard.dev/v1alpha1
kind: TaskDefinition
metadata: {name: agent}
spec:
  requiresCompatibilities: [EC2]
  networkMode: bridge
  containerDefinitions:
    - {name: agent, image: public.ecr.aws/docker/library/busybox:1, memory: 64}
---
apiVersion: switchboard.dev/v1alpha1
kind: Service
metadata: {name: agent}
spec:
  cluster: default
  taskDefinition: agent
  launchType: EC2
  schedulingStrategy: DAEMON
`;

test('a DAEMON service is pruned without being scaled to 0 first (AWS does not require it and may refuse)', async () => {
  writeFileSync(path.join(w.dir, 'agent.yaml'), DAEMON);
  expect((await cli('apply')).code).toBe(0);
  rmSync(path.join(w.dir, 'agent.yaml'));
  w.sim.resetCalls();
  const prune = await cli('apply', '--prune');
  expect(prune.stdout).toContain('deleted    Service/agent');
  expect(prune.code).toBe(0);
  // Fails on main: an UpdateService with desiredCount 0 came first.
  expect(w.calls('ecs', 'UpdateService')).toBe(0);
  expect(w.calls('ecs', 'DeleteService')).toBe(1);
  expect((await w.service('agent'))?.status).not.toBe('ACTIVE');
});

interface ApplyJson {
  results: { key: string; outcome: string; error?: { code?: string; category?: string } }[];
}

async function applyJson(): Promise<{ code: number; report: ApplyJson }> {
  const run = await cli('apply', '--output', 'json');
  return { code: run.code, report: JSON.parse(run.stdout) as ApplyJson };
}

describe('AWS errors are classified by what a retry can do', () => {
  test.each<[string, { operation: string; resource: string; errorType: string; message?: string }, string, string]>([
    ['an account ECS has blocked (BlockedException)', { operation: 'CreateService', resource: 'nginx', errorType: 'BlockedException' }, 'Service/nginx', 'Denied'],
    ['too many attributes (AttributeLimitExceededException)', { operation: 'CreateService', resource: 'nginx', errorType: 'AttributeLimitExceededException' }, 'Service/nginx', 'QuotaExceeded'],
    ['too many tags on a log group (TooManyTagsException)', { operation: 'CreateLogGroup', resource: '/ecs/nginx', errorType: 'TooManyTagsException' }, 'LogGroup//ecs/nginx', 'Invalid'],
    ['a namespace ECS cannot see yet (NamespaceNotFoundException)', { operation: 'CreateService', resource: 'nginx', errorType: 'NamespaceNotFoundException' }, 'Service/nginx', 'NotFound'],
  ])('%s', async (_name, fault, key, category) => {
    w.sim.addFault({ operation: fault.operation, resource: fault.resource, count: 1, effect: { type: 'error', errorType: fault.errorType, message: 'injected' } });
    const { code, report } = await applyJson();
    expect(code).toBe(1);
    // Fails on main: each of these fell to "Unknown".
    expect(report.results.find((r) => r.key === key)).toMatchObject({ outcome: 'failed', error: { code: fault.errorType, category } });
  });

  test('concurrent registrations in one family (a ClientException) are retried, not terminal', async () => {
    w.sim.addFault({
      operation: 'RegisterTaskDefinition',
      resource: 'nginx',
      count: 1,
      effect: { type: 'error', errorType: 'ClientException', message: 'Too many concurrent attempts to create a new revision of the specified family.' },
    });
    const { code, report } = await applyJson();
    // Fails on main: the ClientException counted as invalid input and failed the task definition.
    expect(code).toBe(0);
    expect(report.results.find((r) => r.key === 'TaskDefinition/nginx')?.outcome).toBe('created');
    expect(w.calls('ecs', 'RegisterTaskDefinition')).toBe(3);
  });

  test('a purged service (DescribeServices answers ServiceNotFoundException) is missing, not an outage', async () => {
    expect((await cli('apply')).code).toBe(0);
    w.sim.addFault({ operation: 'DescribeServices', resource: 'curl', count: 2, effect: { type: 'error', errorType: 'ServiceNotFoundException', message: 'Service not found.' } });
    const plan = await cli('plan');
    // Fails on main: the whole cluster's services were unreadable, so nothing could be planned.
    expect(plan.stderr).toBe('');
    expect(plan.stdout).toMatch(/\+ Service\/curl/);
    expect(plan.stdout).not.toContain('could not be read');
  });
});

describe('the planner compares what AWS really returns and writes only what it must', () => {
  test('vpcLatticeConfigurations and volumeConfigurations, returned only on deployments[], are in sync after one apply', async () => {
    w.edit('nginx.yaml', '  taskDefinition: nginx\n', '  taskDefinition: nginx\n  vpcLatticeConfigurations:\n    - {roleArn: "arn:aws:iam::123456789012:role/lattice", targetGroupArn: "arn:aws:vpc-lattice:us-east-1:123456789012:targetgroup/tg-0123456789abcdef0", portName: nginx-80-tcp}\n  volumeConfigurations:\n    - {name: data, managedEBSVolume: {roleArn: "arn:aws:iam::123456789012:role/ebs", sizeInGiB: 10}}\n');
    w.edit('nginx.yaml', '  containerDefinitions:\n', '  volumes:\n    - {name: data, configuredAtLaunch: true}\n  containerDefinitions:\n');
    expect((await cli('apply')).code).toBe(0);
    w.sim.resetCalls();
    const plan = await cli('plan');
    // Fails on main: both were compared against the Service object, where AWS never returns them.
    expect(plan.stdout).toContain('No changes.');
    expect((await cli('apply')).code).toBe(0);
    expect(w.calls('ecs', 'UpdateService')).toBe(0);
  });

  test('tags changed on a task definition whose content did not are applied to its revision, with no new deployment', async () => {
    expect((await cli('apply')).code).toBe(0);
    w.edit('nginx.yaml', 'apiVersion: switchboard.dev/v1alpha1\nkind: TaskDefinition\nmetadata:\n  name: nginx\n', 'apiVersion: switchboard.dev/v1alpha1\nkind: TaskDefinition\nmetadata:\n  name: nginx\n');
    w.edit('nginx.yaml', '  tags:\n    team: platform\n---', '  tags:\n    team: web\n---');
    w.sim.resetCalls();
    expect((await cli('apply')).code).toBe(0);
    // Fails on main: the tags were never applied and the service got an UpdateService with the same revision.
    expect(w.calls('ecs', 'RegisterTaskDefinition')).toBe(0);
    expect(w.calls('ecs', 'UpdateService')).toBe(0);
    const td = await w.aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'nginx', include: ['TAGS'] }));
    expect(td.taskDefinition?.revision).toBe(1);
    expect(td.tags).toContainEqual({ key: 'team', value: 'web' });
    expect((await cli('plan')).stdout).toContain('No changes.');
  });

  test('launchType <-> capacityProviderStrategy is changed in place, not by a replace', async () => {
    w.edit('cluster.yaml', 'spec:\n', 'spec:\n  capacityProviders: [FARGATE, FARGATE_SPOT]\n');
    expect((await cli('apply')).code).toBe(0);
    const created = (await w.service('curl'))?.createdAt?.getTime();
    w.edit('curl.yaml', '  launchType: FARGATE\n', '  capacityProviderStrategy: [{capacityProvider: FARGATE_SPOT, weight: 1}]\n');
    expect((await cli('apply')).code).toBe(0);
    expect((await w.service('curl'))?.capacityProviderStrategy).toEqual([{ capacityProvider: 'FARGATE_SPOT', weight: 1, base: 0 }]);
    w.edit('curl.yaml', '  capacityProviderStrategy: [{capacityProvider: FARGATE_SPOT, weight: 1}]\n', '  launchType: FARGATE\n');
    const back = await cli('apply');
    // Fails on main: planned as a replace, refused without --allow-replace.
    expect(back.stdout).not.toContain('replace');
    expect(back.code).toBe(0);
    const curl = await w.service('curl');
    expect(curl?.launchType).toBe('FARGATE');
    expect(curl?.capacityProviderStrategy ?? []).toEqual([]);
    expect(curl?.createdAt?.getTime()).toBe(created);
    // The tasks moved: the change started a deployment that runs without the strategy.
    expect(curl?.deployments?.find((d) => d.status === 'PRIMARY')?.capacityProviderStrategy ?? []).toEqual([]);
    expect((await cli('plan')).stdout).toContain('No changes.');
  });

  test('apply without --allow-replace writes nothing for the resource it skips, not even its new task definition revision', async () => {
    expect((await cli('apply')).code).toBe(0);
    w.edit('curl.yaml', 'launchType: FARGATE', 'launchType: EC2');
    w.edit('curl.yaml', 'alpine:3.20', 'alpine:3.21');
    w.sim.resetCalls();
    const refused = await cli('apply');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('--allow-replace');
    // Fails on main: the new revision was registered although its service was skipped.
    expect(w.calls('ecs', 'RegisterTaskDefinition')).toBe(0);
    expect(w.sim.calls().mutatingCalls).toBe(0);
  });
});

describe('prune deletes only what nothing needs, and only after the pass succeeded', () => {
  test('a renamed service whose replacement failed to be created is not deleted', async () => {
    expect((await cli('apply')).code).toBe(0);
    w.edit('curl.yaml', 'kind: Service\nmetadata:\n  name: curl\n', 'kind: Service\nmetadata:\n  name: curl2\n');
    w.sim.addFault({ operation: 'CreateService', resource: 'curl2', count: 1, effect: { type: 'error', errorType: 'InvalidParameterException', message: 'injected' } });
    w.sim.resetCalls();
    const failed = await cli('apply', '--prune');
    expect(failed.code).toBe(1);
    // Fails on main: curl was deleted although curl2 did not exist: an outage.
    expect(w.calls('ecs', 'DeleteService')).toBe(0);
    expect((await w.service('curl'))?.status).toBe('ACTIVE');
    expect(failed.stdout).toMatch(/Service\/curl\b.*prune waits until this pass's creates and updates succeed \(Service\/curl2 did not\)/);
    const next = await cli('apply', '--prune');
    expect(next.code).toBe(0);
    expect((await w.service('curl2'))?.status).toBe('ACTIVE');
    expect((await w.service('curl'))?.status).not.toBe('ACTIVE');
  });

  test('namespaces other accounts share with this one are neither used by name nor read, and do not stop prune', async () => {
    const partner = '210987654321';
    w.sim.shareNamespace({ name: 'test-namespace', ownerAccount: partner });
    w.sim.shareNamespace({ name: 'partner.local', ownerAccount: partner });
    // Fails on main: the shared test-namespace was taken for the declared one (its tags unreadable: AccessDenied).
    expect((await cli('apply')).code).toBe(0);
    const own = await w.aws.cloudMap.send(new ListNamespacesCommand({ Filters: [{ Name: 'RESOURCE_OWNER', Values: ['SELF'], Condition: 'EQ' }] }));
    const ours = own.Namespaces?.find((n) => n.Name === 'test-namespace');
    expect(ours?.Arn).toContain(':123456789012:');
    const sc = (await w.service('nginx'))?.deployments?.find((d) => d.status === 'PRIMARY')?.serviceConnectConfiguration;
    expect(sc?.namespace).toBe(ours?.Arn);
    rmSync(path.join(w.dir, 'curl.yaml'));
    w.sim.resetCalls();
    const prune = await cli('apply', '--prune');
    expect(prune.code).toBe(0);
    expect(prune.stdout).toContain('deleted    Service/curl');
    // The declared namespace's (its manifest states tags); none of a shared one (AccessDenied).
    expect(w.calls('cloudmap', 'ListTagsForResource')).toBe(1);
    expect(prune.stdout).not.toContain('prune skipped');
  });
});

describe('deleted and declared again', () => {
  const EXTRA = 'apiVersion: switchboard.dev/v1alpha1\nkind: Namespace\nmetadata: {name: extra}\nspec: {type: HTTP}\n';

  test('a namespace pruned and declared again is created again, and reported created only because it exists', async () => {
    writeFileSync(path.join(w.dir, 'extra.yaml'), EXTRA);
    expect((await cli('apply')).code).toBe(0);
    rmSync(path.join(w.dir, 'extra.yaml'));
    expect((await cli('apply', '--prune')).stdout).toContain('deleted    Namespace/extra');
    writeFileSync(path.join(w.dir, 'extra.yaml'), EXTRA);
    const again = await cli('apply');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('created    Namespace/extra');
    // Fails on main: the same CreatorRequestId replayed the first operation; nothing was created.
    const ns = await w.aws.cloudMap.send(new ListNamespacesCommand({}));
    expect(ns.Namespaces?.map((n) => n.Name)).toContain('extra');
  });

  test('a service declared again while the old one drains waits for the drain, then is created', async () => {
    expect((await cli('apply')).code).toBe(0);
    const curl = readFileSync(path.join(w.dir, 'curl.yaml'), 'utf8');
    rmSync(path.join(w.dir, 'curl.yaml'));
    expect((await cli('apply', '--prune')).stdout).toContain('deleted    Service/curl');
    writeFileSync(path.join(w.dir, 'curl.yaml'), curl);
    w.sim.resetCalls();
    const waiting = await cli('apply', '--output', 'json');
    // Fails on main: UpdateService on the DRAINING service (ServiceNotActiveException).
    expect(w.calls('ecs', 'UpdateService') + w.calls('ecs', 'CreateService')).toBe(0);
    // Its task definition, pruned with it, is registered again (a DRAINING service's revision tag is not trusted).
    expect(w.calls('ecs', 'RegisterTaskDefinition')).toBe(1);
    const report = JSON.parse(waiting.stdout) as { results: { key: string; outcome: string; reason: string; decision?: { type: string; reason?: string } }[] };
    const result = report.results.find((r) => r.key === 'Service/curl');
    expect(result).toMatchObject({ outcome: 'skipped', decision: { type: 'recheck', reason: 'WaitingForDrain' } });
    expect(result?.reason).toContain('still DRAINING');
    const created = await cli('apply', '--wait');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('created    Service/curl');
    expect((await w.service('curl'))?.status).toBe('ACTIVE');
  });

  test('a server renamed with the same discovery name is created once the old one has drained, and the old one is pruned', async () => {
    expect((await cli('apply')).code).toBe(0);
    w.edit('nginx.yaml', 'kind: Service\nmetadata:\n  name: nginx\n', 'kind: Service\nmetadata:\n  name: web\n');
    const first = await cli('apply', '--prune', '--output', 'json');
    const report = JSON.parse(first.stdout) as { results: { key: string; outcome: string; reason: string; decision?: { type: string; reason?: string } }[] };
    // The old one goes (nothing failed); the new one waits for the name instead of failing on it.
    expect(report.results.find((r) => r.key === 'Service/nginx')?.outcome).toBe('deleted');
    const web = report.results.find((r) => r.key === 'Service/web');
    expect(web).toMatchObject({ outcome: 'skipped', decision: { type: 'recheck', reason: 'WaitingForDrain' } });
    expect(web?.reason).toContain('discovery name nginx-80-tcp in namespace test-namespace is still registered for Service/nginx');
    let next: CliRun;
    const end = Date.now() + 10_000;
    do {
      await new Promise((r) => setTimeout(r, 100));
      next = await cli('apply', '--prune');
    } while (!next.stdout.includes('created    Service/web') && Date.now() < end);
    expect(next.stdout).toContain('created    Service/web');
    expect(next.code).toBe(0);
  });
});
