/**
 * Lifecycle regressions through the real CLI against the simulator: deleting and re-adding,
 * turning features on and off, failed rollouts. Each test names what it guards against.
 */
import { rmSync, writeFileSync } from 'node:fs';
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
