import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DescribeServicesCommand, type Service } from '@aws-sdk/client-ecs';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { clientsFor, type TestClients } from './aws.js';
import { runSwitchboard, type CliRun } from './cli.js';
import { copyWalkthrough, tempDir } from './fs.js';

/**
 * A fresh simulator, real SDK clients on it, and a temporary folder holding the walkthrough
 * manifests, set up before and torn down after each test of the file that calls `perTest()`.
 */
export class WalkthroughWorld {
  sim!: SimulatorHandle;
  aws!: TestClients;
  dir!: string;
  private cleanup: () => void = () => undefined;

  /** Registers the per-test set-up and tear-down, and returns the world they refresh. */
  static perTest(): WalkthroughWorld {
    const w = new WalkthroughWorld();
    beforeEach(async () => {
      w.sim = await startSimulator({ timeScale: 100 });
      w.aws = clientsFor(w.sim.url);
      const t = tempDir();
      w.dir = t.dir;
      w.cleanup = t.cleanup;
      copyWalkthrough(w.dir);
    });
    afterEach(async () => {
      w.aws.destroy();
      await w.sim.close();
      w.cleanup();
    });
    return w;
  }

  /** Runs `plan` or `apply` on the folder against the simulator. */
  cli(cmd: 'plan' | 'apply', ...extra: string[]): Promise<CliRun> {
    return runSwitchboard([cmd, '-f', this.dir, '--endpoint-url', this.sim.url, ...extra]);
  }

  /** Replaces text in a manifest of the folder; fails when the text is not there. */
  edit(file: string, from: string, to: string): void {
    const p = path.join(this.dir, file);
    const text = readFileSync(p, 'utf8');
    if (!text.includes(from)) throw new Error(`${file} does not contain ${from}`);
    writeFileSync(p, text.replace(from, to));
  }

  /** A service as DescribeServices returns it (tags included), or undefined. */
  async service(name: string, cluster = 'default'): Promise<Service | undefined> {
    const res = await this.aws.ecs.send(new DescribeServicesCommand({ cluster, services: [name], include: ['TAGS'] }));
    return res.services?.[0];
  }

  /** How many calls of one operation the simulator has counted. */
  calls(service: 'ecs' | 'cloudmap' | 'logs', op: string): number {
    return this.sim.calls().services[service]?.operations[op]?.calls ?? 0;
  }
}
