/**
 * The Service Connect walkthrough (`test-namespace`, nginx serving `nginx-80-tcp`, curl as a
 * client), made by raw AWS calls as the console makes it, imported: the manifests round-trip, and
 * `plan` finds the bundled walkthrough manifests equivalent to what was imported.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runSwitchboard } from '../helpers/cli.js';
import { copyWalkthrough } from '../helpers/fs.js';
import { createRawFleet } from '../helpers/raw-fleet.js';
import { expectRoundTrip } from '../helpers/round-trip.js';
import { useSimWorld } from '../helpers/sim-world.js';
import { consoleWalkthrough, walkthroughExecutionRoleArn as executionRoleArn } from './fleets.js';

const w = useSimWorld();

beforeEach(async () => {
  await createRawFleet(w.aws, consoleWalkthrough);
});

test('the console-made walkthrough round-trips, and plan finds the bundled walkthrough manifests equivalent', async () => {
  const dir = path.join(w.dir, 'imported');
  const trip = await expectRoundTrip(w.sim, dir, ['--cluster', 'default']);
  expect(trip.imported.stderr).toContain('import: wrote 4 files to');
  expect(trip.adopted.map((r) => r.key).sort()).toEqual(['Cluster/default', 'Namespace/test-namespace', 'Service/curl', 'Service/nginx']);

  const examples = path.join(w.dir, 'examples');
  copyWalkthrough(examples);
  const plan = await runSwitchboard(['plan', '-f', examples, '--endpoint-url', w.sim.url, '--log-level', 'silent']);
  expect({ code: plan.code, out: plan.stdout }).toEqual({ code: 0, out: expect.stringContaining('No changes.') as string });
});

test('the imported nginx manifest is what a careful person would write', async () => {
  const dir = path.join(w.dir, 'imported');
  const run = await runSwitchboard(['import', '--cluster', 'default', '--adopt', '-o', dir, '--endpoint-url', w.sim.url]);
  expect(run.code).toBe(0);
  const nginx = readFileSync(path.join(dir, 'services', 'nginx.yaml'), 'utf8');
  const schema = path.relative(path.join(dir, 'services'), path.resolve('schemas', 'manifest.schema.json'));
  expect(nginx).toBe(`# yaml-language-server: $schema=${schema}
apiVersion: switchboard.dev/v1alpha1
kind: TaskDefinition
metadata:
  name: nginx
  annotations:
    switchboard.dev/adopt: "true"
spec:
  containerDefinitions:
    - name: nginx
      image: public.ecr.aws/nginx/nginx:1.27
      portMappings:
        - containerPort: 80
          name: nginx-80-tcp
          appProtocol: http
      logConfiguration:
        logDriver: awslogs
        options:
          awslogs-group: /ecs/nginx
          awslogs-region: us-east-1
          awslogs-stream-prefix: nginx
  executionRoleArn: ${executionRoleArn}
  networkMode: awsvpc
  requiresCompatibilities:
    - FARGATE
  cpu: "256"
  memory: "512"
  tags:
    team: platform
---
# yaml-language-server: $schema=${schema}
apiVersion: switchboard.dev/v1alpha1
kind: Service
metadata:
  name: nginx
  annotations:
    switchboard.dev/adopt: "true"
spec:
  cluster: default
  taskDefinition: nginx
  launchType: FARGATE
  desiredCount: 1
  networkConfiguration:
    awsvpcConfiguration:
      subnets:
        - subnet-0123456789abcdef0
        - subnet-0123456789abcdef1
      securityGroups:
        - sg-0123456789abcdef0
  deploymentConfiguration:
    deploymentCircuitBreaker:
      enable: true
      rollback: true
  serviceConnectConfiguration:
    enabled: true
    namespace: test-namespace
    services:
      - portName: nginx-80-tcp
        clientAliases:
          - port: 80
    logConfiguration:
      logDriver: awslogs
      options:
        awslogs-group: /ecs/service-connect-proxy
        awslogs-region: us-east-1
        awslogs-stream-prefix: nginx
  tags:
    team: platform
`);
});
