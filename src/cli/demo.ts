/**
 * `switchboard demo`: the embedded AWS simulator plus the controller watching a copy of the bundled
 * example manifests, with pretty logs: the whole product on a machine with no AWS account.
 */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { packageRoot } from './package-info.js';
import { RUN_DEFAULTS } from './run.js';

interface DemoFlags {
  dir?: string;
  listen: string;
  timeScale: number;
}

/** Registers `switchboard demo`. */
export function registerDemo(program: Command, setExit: (code: number) => void): void {
  program
    .command('demo')
    .description('Start the embedded AWS simulator and the controller on a copy of the example manifests.')
    .option('--dir <path>', 'where to copy the examples (default: a new temporary folder)')
    .option('--listen <host:port>', 'address of the controller\'s /status, /healthz, /metrics', '127.0.0.1:8080')
    .option('--time-scale <n>', 'how much faster than AWS the simulator finishes asynchronous work', Number, 4)
    .action(async (flags: DemoFlags) => {
      // The demo talks only to its own simulator: no credentials needed, no Node-version nagging.
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
      process.env.AWS_EC2_METADATA_DISABLED ??= 'true';
      const dir = flags.dir ?? mkdtempSync(path.join(tmpdir(), 'switchboard-demo-'));
      cpSync(path.join(packageRoot, 'manifests', 'examples'), dir, { recursive: true });
      const { startSimulator } = await import('../simulator/index.js');
      const { runController } = await import('./run-controller.js');
      const sim = await startSimulator({ timeScale: flags.timeScale, port: 0 });
      process.stdout.write(
        [
          '',
          'switchboard demo',
          `  AWS simulator:  ${sim.url}  (no AWS account needed)`,
          `  manifests:      ${dir}`,
          `  status:         http://${flags.listen}/status   (or: npx switchboard status --url http://${flags.listen})`,
          '',
          'Watch the controller converge the examples. Then edit a file in the manifests folder, e.g.',
          `  sed -i 's/desiredCount: 1/desiredCount: 3/' ${path.join(dir, 'nginx.yaml')}`,
          'and watch it reconcile within a second. Delete a file to see prune at work. Ctrl-C stops.',
          '',
        ].join('\n'),
      );
      try {
        const code = await runController({
          ...RUN_DEFAULTS,
          source: dir,
          endpointUrl: sim.url,
          region: 'us-east-1',
          listen: flags.listen,
          logFormat: 'pretty',
          resyncInterval: 60_000,
          prune: true,
        });
        setExit(code);
      } finally {
        await sim.close();
      }
    });
}
