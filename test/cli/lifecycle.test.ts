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
