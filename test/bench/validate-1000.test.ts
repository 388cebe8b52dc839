/**
 * Measures validating 1,000 manifests (1,000 files: a namespace, a cluster, 499 task definitions and
 * 499 Service Connect services). Prints the figure; asserts correctness, not timing, so a slow CI
 * machine cannot make it flaky.
 */
import { performance } from 'node:perf_hooks';
import { documentValidator } from '../../src/manifests/schemas.js';
import { validateSnapshot } from '../../src/manifests/validate.js';
import type { SnapshotFile } from '../../src/manifests/load.js';

const head = (kind: string, name: string): string => `apiVersion: switchboard.dev/v1alpha1\nkind: ${kind}\nmetadata:\n  name: ${name}\n  labels: {app: bench}\nspec:\n`;

function snapshot(): SnapshotFile[] {
  const files: string[] = [`${head('Namespace', 'bench')}  type: HTTP\n  tags: {team: bench}\n`, `${head('Cluster', 'bench')}  serviceConnectDefaults: {namespace: bench}\n`];
  for (let i = 0; i < 499; i++) {
    files.push(`${head('TaskDefinition', `svc-${i}`)}  requiresCompatibilities: [FARGATE]
  networkMode: awsvpc
  cpu: "256"
  memory: "512"
  executionRoleArn: arn:aws:iam::123456789012:role/ecsTaskExecutionRole
  containerDefinitions:
    - name: app
      image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/svc-${i}:1.0.0
      essential: true
      portMappings:
        - {name: http, containerPort: 8080, appProtocol: http}
      environment:
        - {name: LOG_LEVEL, value: info}
      logConfiguration:
        logDriver: awslogs
        options: {awslogs-group: /ecs/svc-${i}, awslogs-region: us-east-1, awslogs-stream-prefix: app}
  tags: {team: bench}
`);
    files.push(`${head('Service', `svc-${i}`)}  cluster: bench
  taskDefinition: svc-${i}
  desiredCount: 2
  launchType: FARGATE
  networkConfiguration:
    awsvpcConfiguration: {subnets: [subnet-0123456789abcdef0], securityGroups: [sg-0123456789abcdef0]}
  deploymentConfiguration:
    deploymentCircuitBreaker: {enable: true, rollback: true}
  serviceConnectConfiguration:
    enabled: true
    services:
      - portName: http
        discoveryName: svc-${i}
        clientAliases: [{port: 80, dnsName: svc-${i}}]
        timeout: {perRequestTimeoutSeconds: 30}
  tags: {team: bench}
`);
  }
  return files.map((text, i) => ({ path: `bench/${String(i).padStart(4, '0')}.yaml`, content: Buffer.from(text) }));
}

test('validating 1,000 manifests reports every one valid (and prints how long it took)', () => {
  const files = snapshot();
  const compileStart = performance.now();
  documentValidator('Service');
  const compileMs = performance.now() - compileStart;
  validateSnapshot(files.slice(0, 10)); // warm the JIT on a small run
  const runs: number[] = [];
  let result = validateSnapshot(files);
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    result = validateSnapshot(files);
    runs.push(performance.now() - start);
  }
  expect(result.documentCount).toBe(1000);
  expect(result.resources).toHaveLength(1000);
  expect(result.problems).toEqual([]);
  const best = Math.min(...runs).toFixed(0);
  process.stderr.write(`validate: 1,000 manifests in ${best} ms (best of 3; schema compile once: ${compileMs.toFixed(0)} ms)\n`);
});
