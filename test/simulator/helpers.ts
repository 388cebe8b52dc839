import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from '../../src/simulator/index.js';

/** A fast clock for tests: async work takes tens of milliseconds, never zero. */
export const testTimeScale = 50;

/** SDK clients pointed at one simulator, with fixed fake credentials. */
export interface Clients {
  ecs: ECSClient;
  sd: ServiceDiscoveryClient;
  logs: CloudWatchLogsClient;
}

/** The standard SDK client configuration for the simulator at `url`. */
export function clientConfig(url: string, region = 'us-east-1') {
  return { endpoint: url, region, credentials: { accessKeyId: 'AKID', secretAccessKey: 's' } };
}

/** Unmodified SDK clients talking to the simulator. */
export function clientsFor(sim: SimulatorHandle, region = 'us-east-1'): Clients {
  const config = clientConfig(sim.url, region);
  return { ecs: new ECSClient(config), sd: new ServiceDiscoveryClient(config), logs: new CloudWatchLogsClient(config) };
}

/** Starts a simulator with the test time scale. */
export function startTestSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  return startSimulator({ timeScale: testTimeScale, ...options });
}

/** Polls `check` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 5000, intervalMs = 10): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Closes the SDK clients (their keep-alive sockets would otherwise hold the process). */
export function destroyClients(c: Clients): void {
  c.ecs.destroy();
  c.sd.destroy();
  c.logs.destroy();
}

/** Creates an HTTP namespace through Cloud Map and waits for its operation; returns its id and ARN. */
export async function createNamespace(c: Clients, name: string): Promise<{ id: string; arn: string }> {
  const { CreateHttpNamespaceCommand, GetOperationCommand, GetNamespaceCommand } = await import('@aws-sdk/client-servicediscovery');
  const { OperationId } = await c.sd.send(new CreateHttpNamespaceCommand({ Name: name, CreatorRequestId: `create-${name}` }));
  const id = await eventually(async () => {
    const op = await c.sd.send(new GetOperationCommand({ OperationId }));
    if (op.Operation?.Status === 'FAIL') throw new Error(`namespace ${name} failed: ${op.Operation.ErrorMessage}`);
    return op.Operation?.Status === 'SUCCESS' ? op.Operation.Targets?.NAMESPACE : undefined;
  });
  const ns = await c.sd.send(new GetNamespaceCommand({ Id: id }));
  return { id, arn: ns.Namespace?.Arn ?? '' };
}

/** The simulator and SDK clients a test file shares: started before its first test, closed after its last. */
export interface SimulatorEnv {
  readonly sim: SimulatorHandle;
  readonly c: Clients;
}

/** Starts a simulator with clients for the calling test file (registers its beforeAll and afterAll). */
export function useSimulator(options: SimulatorOptions = {}): SimulatorEnv {
  let sim: SimulatorHandle | undefined;
  let c: Clients | undefined;
  beforeAll(async () => {
    sim = await startTestSimulator(options);
    c = clientsFor(sim);
  });
  afterAll(async () => {
    if (c) destroyClients(c);
    await sim?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the simulator is started in beforeAll: use it inside a test or hook');
    return value;
  };
  return {
    get sim() {
      return started(sim);
    },
    get c() {
      return started(c);
    },
  };
}
