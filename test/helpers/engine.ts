/**
 * The engine as the daemon runs it (one process state across passes), against a simulator started
 * for one test file: the simulator, the ports the engine uses (real SDK clients over HTTP) and
 * clients for the test's own calls.
 */
import { connectAws } from '../../src/aws/index.js';
import { silentLogger } from '../../src/observe/logger.js';
import type { ApplyPassOptions } from '../../src/reconcile/engine.js';
import type { AwsPorts } from '../../src/reconcile/ports.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { clientsFor, type TestClients } from './aws.js';

export interface EngineEnv {
  readonly sim: SimulatorHandle;
  readonly ports: AwsPorts;
  readonly aws: TestClients;
}

/** Pass options of a daemon without prune, waiting briefly (the simulator runs 1,000 times faster). */
export const ENGINE_PASS: ApplyPassOptions = {
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

/** Starts the simulator and the clients in beforeAll, stops them in afterAll. */
export function useEngineSimulator(): EngineEnv {
  let env: { sim: SimulatorHandle; ports: AwsPorts & { close(): void }; aws: TestClients } | undefined;
  beforeAll(async () => {
    const sim = await startSimulator({ timeScale: 1000 });
    env = { sim, ports: await connectAws({ endpoint: sim.url, region: 'us-east-1' }), aws: clientsFor(sim.url) };
  });
  afterAll(async () => {
    if (!env) return;
    env.ports.close();
    env.aws.destroy();
    await env.sim.close();
  });
  const started = (): NonNullable<typeof env> => {
    if (!env) throw new Error('the engine environment starts in beforeAll: use it inside a test');
    return env;
  };
  return {
    get sim() {
      return started().sim;
    },
    get ports() {
      return started().ports;
    },
    get aws() {
      return started().aws;
    },
  };
}
