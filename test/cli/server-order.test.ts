/**
 * Servers that call endpoints other servers add in the same pass. Tasks resolve only the Service
 * Connect endpoints that existed when they started
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-concepts-deploy.html):
 * apply starts a calling server once the called one's rollout is ready, and redeploys servers that
 * call each other once all of their rollouts are. The simulator records what each deployment
 * resolves (resolvableEndpoints, read through its admin API).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { resolvableEndpoints } from '../helpers/resolvable-endpoints.js';
import { WalkthroughWorld } from '../helpers/walkthrough.js';

const w = WalkthroughWorld.perTest();

/** A server `name` in test-namespace, reached at `name:8080`, whose container is told to call `calls`. */
function server(name: string, calls: string[]): string {
  const env = calls.map((c, i) => `        - {name: UPSTREAM_${i}, value: "http://${c}:8080/"}`).join('\n');
  return `apiVersion: switchboard.dev/v1alpha1
kind: TaskDefinition
metadata: {name: ${name}}
spec:
  requiresCompatibilities: [FARGATE]
  networkMode: awsvpc
  cpu: "256"
  memory: "512"
  containerDefinitions:
    - name: ${name}
      image: public.ecr.aws/nginx/nginx:1.27
      portMappings: [{name: http, containerPort: 8080, appProtocol: http}]
${calls.length > 0 ? `      environment:\n${env}\n` : ''}---
apiVersion: switchboard.dev/v1alpha1
kind: Service
metadata: {name: ${name}}
spec:
  cluster: default
  taskDefinition: ${name}
  desiredCount: 1
  launchType: FARGATE
  networkConfiguration: {awsvpcConfiguration: {subnets: [subnet-0123456789abcdef0], securityGroups: [sg-0123456789abcdef0]}}
  serviceConnectConfiguration:
    enabled: true
    namespace: test-namespace
    services: [{portName: http, discoveryName: ${name}, clientAliases: [{port: 8080, dnsName: ${name}}]}]
`;
}

function write(name: string, text: string): void {
  writeFileSync(path.join(w.dir, `${name}.yaml`), text);
}

function resolves(name: string): Promise<string[] | undefined> {
  return resolvableEndpoints(w.sim.url, 'default', name);
}

test('a server created with the server it calls starts after that server is ready, and its tasks resolve it', async () => {
  write('alpha', server('alpha', ['bravo']));
  write('bravo', server('bravo', []));
  // bravo's CreateService answers late, so an apply that does not wait for it starts alpha first.
  w.sim.addFault({ operation: 'CreateService', resource: 'bravo', effect: { type: 'slow', ms: 1000 } });
  const plan = await w.cli('plan', '--log-level', 'silent');
  expect(plan.stdout).toMatch(/Service\/alpha[\s\S]*note: waits for the rollout of Service\/bravo first: it calls bravo:8080, which this pass adds/);
  const apply = await w.cli('apply', '--wait', '--log-level', 'silent');
  expect(apply.code).toBe(0);
  expect(await resolves('alpha')).toContain('bravo');
});

test('servers that call each other are redeployed after the pass, resolve each other, and the next pass writes nothing', async () => {
  write('alpha', server('alpha', ['bravo']));
  write('bravo', server('bravo', ['alpha']));
  const plan = await w.cli('plan', '--log-level', 'silent');
  expect(plan.stdout).toMatch(/Service\/alpha[\s\S]*note: redeployed once the rollouts of Service\/alpha, Service\/bravo are ready/);
  const apply = await w.cli('apply', '--wait', '--log-level', 'silent');
  expect(apply.code).toBe(0);
  expect(apply.stdout).toMatch(/created\s+Service\/alpha .*\n(?: {4}.*\n)* {4}then: redeployed so its tasks resolve bravo:8080 \(Service\/alpha, Service\/bravo call each other\)/);
  expect(apply.stdout).toMatch(/created\s+Service\/bravo .*\n(?: {4}.*\n)* {4}then: redeployed so its tasks resolve alpha:8080/);
  expect(await resolves('alpha')).toContain('bravo');
  expect(await resolves('bravo')).toContain('alpha');

  w.sim.resetCalls();
  const again = await w.cli('apply', '--wait', '--log-level', 'silent');
  expect(again.code).toBe(0);
  expect(w.sim.calls().totals.writes).toBe(0);
});

test('a redeploy whose UpdateService fails is reported failed, never as done', async () => {
  write('alpha', server('alpha', ['bravo']));
  write('bravo', server('bravo', ['alpha']));
  w.sim.addFault({ operation: 'UpdateService', resource: 'alpha', effect: { type: 'error', errorType: 'InvalidParameterException', message: 'refused' } });
  const apply = await w.cli('apply', '--log-level', 'silent');
  expect(apply.code).toBe(1);
  expect(apply.stdout).toMatch(/failed\s+Service\/alpha .*created, but the redeploy so its tasks resolve bravo:8080 failed: .*InvalidParameterException: refused/);
  expect(apply.stdout).not.toMatch(/then: redeployed so its tasks resolve bravo:8080/);
  expect(apply.stdout).toMatch(/then: redeployed so its tasks resolve alpha:8080/);
  expect(await resolves('alpha')).not.toContain('bravo');
});
