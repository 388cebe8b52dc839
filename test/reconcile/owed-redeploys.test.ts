/**
 * Servers that call each other are redeployed once their rollouts are ready (issue 11 item 9). When
 * that redeploy fails, the process owes it: a later pass makes it, although nothing in the
 * manifests or in AWS differs, and then writes nothing more.
 */
import { connectAws } from '../../src/aws/index.js';
import type { DesiredResource } from '../../src/manifests/model.js';
import { silentLogger } from '../../src/observe/logger.js';
import { applyPass, type ApplyPassOptions } from '../../src/reconcile/engine.js';
import type { AwsPorts } from '../../src/reconcile/ports.js';
import { ReconcileState } from '../../src/reconcile/state.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { resolvableEndpoints } from '../helpers/resolvable-endpoints.js';
import { CLUSTER, manifests } from './plan-fixtures.js';

let sim: SimulatorHandle;
let ports: AwsPorts & { close(): void };

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 1000 });
  ports = await connectAws({ endpoint: sim.url, region: 'us-east-1' });
});

afterAll(async () => {
  ports.close();
  await sim.close();
});

const options: ApplyPassOptions = {
  controllerId: 'switchboard',
  defaultCluster: 'default',
  prune: false,
  allowReplace: false,
  allowEmpty: false,
  maxPrune: 10,
  sourceHealthy: true,
  concurrency: 4,
  logger: silentLogger(),
  wait: false,
  waits: { intervalMs: 2, maxIntervalMs: 10, timeoutMs: 5_000 },
};

/** A server in namespace `apps` reached at `name:8080`, whose container is told to call `peer`. */
function server(name: string, peer: string): string[] {
  return [
    `kind: TaskDefinition
metadata: {name: ${name}}
spec:
  requiresCompatibilities: [FARGATE]
  networkMode: awsvpc
  cpu: "256"
  memory: "512"
  containerDefinitions:
    - name: ${name}
      image: nginx:1
      portMappings: [{name: http, containerPort: 8080, appProtocol: http}]
      environment: [{name: UPSTREAM, value: "http://${peer}:8080/"}]
`,
    `kind: Service
metadata: {name: ${name}}
spec:
  taskDefinition: ${name}
  desiredCount: 1
  launchType: FARGATE
  networkConfiguration: {awsvpcConfiguration: {subnets: [subnet-1]}}
  serviceConnectConfiguration:
    enabled: true
    namespace: apps
    services: [{portName: http, discoveryName: ${name}, clientAliases: [{port: 8080, dnsName: ${name}}]}]
`,
  ];
}

const world = (): DesiredResource[] => manifests('kind: Namespace\nmetadata: {name: apps}\nspec: {type: HTTP}\n', CLUSTER, ...server('alpha', 'bravo'), ...server('bravo', 'alpha'));

async function pass(state: ReconcileState): Promise<Map<string, { outcome: string; reason: string }>> {
  const { result } = await applyPass(world(), ports, state, options);
  return new Map(result.results.map((r) => [r.key, { outcome: r.outcome, reason: r.reason }]));
}

test('a redeploy of servers calling each other that failed is made by the next pass, which then leaves them alone', async () => {
  const state = new ReconcileState();
  sim.addFault({ operation: 'UpdateService', resource: 'alpha', count: 1, effect: { type: 'error', errorType: 'InvalidParameterException', message: 'refused' } });
  const first = await pass(state);
  expect(first.get('Service/alpha')?.outcome).toBe('failed');
  expect(await resolvableEndpoints(sim.url, 'default', 'alpha')).not.toContain('bravo');
  expect(await resolvableEndpoints(sim.url, 'default', 'bravo')).toContain('alpha');

  // Nothing in the manifests or in AWS differs; the owed redeploy is made.
  const second = await pass(state);
  expect(second.get('Service/alpha')).toMatchObject({ outcome: 'configured' });
  expect(second.get('Service/alpha')?.reason).toMatch(/redeploying so its tasks resolve bravo:8080/);
  expect(second.get('Service/bravo')?.outcome).toBe('unchanged');
  expect(await resolvableEndpoints(sim.url, 'default', 'alpha')).toContain('bravo');

  sim.resetCalls();
  await pass(state);
  expect(sim.calls().mutatingCalls).toBe(0);
});
