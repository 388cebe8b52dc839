/**
 * `switchboard demo`: the embedded AWS simulator plus the controller watching a copy of the bundled
 * example manifests, with pretty logs: the whole product on a machine with no AWS account.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { packageRoot } from './package-info.js';
import { listenAddress, RUN_DEFAULTS } from './run.js';
import { parseScale } from './simulator.js';
import { checkUsage } from './usage.js';

interface DemoFlags {
  dir?: string;
  listen: string;
  timeScale: number;
}

const MODELINE = /^(# yaml-language-server: \$schema=).*$/gm;

/**
 * Copies the examples into `dir`, pointing each file's editor modeline at the installed package's
 * schema (the relative path in the examples means nothing from a temporary folder).
 */
export function copyExamples(dir: string): void {
  cpSync(path.join(packageRoot, 'manifests', 'examples'), dir, { recursive: true });
  const schema = path.join(packageRoot, 'schemas', 'manifest.schema.json');
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!/\.ya?ml$/.test(entry)) continue;
    const file = path.join(dir, entry);
    const text = readFileSync(file, 'utf8');
    const pointed = text.replace(MODELINE, `$1${schema}`);
    if (pointed !== text) writeFileSync(file, pointed);
  }
}

/** Registers `switchboard demo`. */
export function registerDemo(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command('demo')
    .description('Start the embedded AWS simulator and the controller on a copy of the example manifests.')
    .option('--dir <path>', 'where to copy the examples (default: a new temporary folder, removed on exit)')
    .option('--listen <host:port>', 'address of the controller\'s /status, /healthz, /metrics', listenAddress, '127.0.0.1:8080')
    .option('--time-scale <n>', 'how much faster than AWS the simulator finishes asynchronous work', parseScale, 4)
    .action(async (flags: DemoFlags) => {
      // The demo talks only to its own simulator: no credentials needed.
      process.env.AWS_EC2_METADATA_DISABLED ??= 'true';
      const temporary = flags.dir === undefined;
      const dir = flags.dir ?? mkdtempSync(path.join(tmpdir(), 'switchboard-demo-'));
      copyExamples(dir);
      const { startSimulator } = await import('../simulator/index.js');
      const { runController } = await import('./run-controller.js');
      const sim = await startSimulator({ timeScale: flags.timeScale, port: 0 });
      process.stdout.write(
        [
          '',
          'switchboard demo',
          `  AWS simulator:  ${sim.url}  (no AWS account needed)`,
          `  manifests:      ${dir}${temporary ? '  (removed when the demo stops)' : ''}`,
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
        if (temporary) rmSync(dir, { recursive: true, force: true });
      }
    });
  checkUsage(cmd);
}
