import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { clientsFor, type TestClients } from './aws.js';
import { tempDir } from './fs.js';

/** A simulator, real SDK clients on it, and a temporary folder. */
export interface SimWorld {
  sim: SimulatorHandle;
  aws: TestClients;
  dir: string;
}

/**
 * Registers the set-up and tear-down of a fresh SimWorld around each test (`each`) or around the
 * whole file (`all`), and returns the world they refresh.
 */
export function useSimWorld(scope: 'each' | 'all' = 'each'): SimWorld {
  const world = {} as SimWorld;
  let cleanup: () => void = () => undefined;
  const setUp = async (): Promise<void> => {
    world.sim = await startSimulator({ timeScale: 100 });
    world.aws = clientsFor(world.sim.url);
    const t = tempDir();
    world.dir = t.dir;
    cleanup = t.cleanup;
  };
  const tearDown = async (): Promise<void> => {
    world.aws.destroy();
    await world.sim.close();
    cleanup();
  };
  if (scope === 'each') {
    beforeEach(setUp);
    afterEach(tearDown);
  } else {
    beforeAll(setUp);
    afterAll(tearDown);
  }
  return world;
}
