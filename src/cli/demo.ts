/**
 * `switchboard demo`: the embedded AWS simulator plus the controller watching a copy of the bundled
 * example manifests, with pretty logs: the whole product on a machine with no AWS account. With
 * `--s3` the copy goes to a bucket in the simulator and the controller watches that S3 prefix.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { packageRoot } from './package-info.js';
import { listenAddress, RUN_DEFAULTS } from './run.js';
import { parseScale } from './simulator.js';
import { checkUsage } from './usage.js';

interface DemoFlags {
  dir?: string;
  s3: boolean;
  listen: string;
  timeScale: number;
}

/** The bucket and prefix `demo --s3` puts the examples under. */
const DEMO_BUCKET = 'switchboard-demo';
const DEMO_PREFIX = 'manifests/';

const MODELINE = /^(# yaml-language-server: \$schema=).*$/gm;

/**
 * Copies the examples into `dir`, pointing each file's editor modeline at the installed package's
 * schema (the relative path in the examples means nothing from a temporary folder).
 */
export function copyExamples(examples: string, dir: string): void {
  cpSync(examples, dir, { recursive: true });
  const schema = path.join(packageRoot, 'schemas', 'manifest.schema.json');
  for (const file of filesUnder(dir)) {
    if (!/\.ya?ml$/.test(file)) continue;
    const text = readFileSync(path.join(dir, file), 'utf8');
    const pointed = text.replace(MODELINE, `$1${schema}`);
    if (pointed !== text) writeFileSync(path.join(dir, file), pointed);
  }
}

/** Every file under `dir`, as paths relative to it with `/` separators. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(path.join(dir, f)).isFile())
    .map((f) => f.split(path.sep).join('/'))
    .sort();
}

/**
 * Creates the demo bucket in the simulator and uploads the examples into it. Plain HTTP requests:
 * the simulator's S3 checks no signature, so the demo needs neither credentials nor the SDK here.
 */
async function seedBucket(simulatorUrl: string, examples: string): Promise<void> {
  const put = async (url: string, body?: Buffer): Promise<void> => {
    const res = await fetch(url, { method: 'PUT', ...(body ? { body } : {}) });
    if (!res.ok) throw new Error(`PUT ${url}: HTTP ${res.status} ${await res.text()}`);
  };
  await put(`${simulatorUrl}/${DEMO_BUCKET}`);
  for (const file of filesUnder(examples)) {
    await put(`${simulatorUrl}/${DEMO_BUCKET}/${DEMO_PREFIX}${file.split('/').map(encodeURIComponent).join('/')}`, readFileSync(path.join(examples, file)));
  }
}

/** Registers `switchboard demo`. */
export function registerDemo(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command('demo')
    .description('Start the embedded AWS simulator and the controller on a copy of the example manifests.')
    .option('--dir <path>', 'where to copy the examples (default: a new temporary folder, removed on exit)')
    .option('--s3', `put the examples in the simulator's S3 (s3://${DEMO_BUCKET}/${DEMO_PREFIX}) and watch that prefix instead of a folder`, false)
    .option('--listen <host:port>', 'address of the controller\'s /status, /healthz, /metrics', listenAddress, '127.0.0.1:8080')
    .option('--time-scale <n>', 'how much faster than AWS the simulator finishes asynchronous work', parseScale, 4)
    .action(async (flags: DemoFlags) => {
      // The demo talks only to its own simulator: no credentials needed.
      process.env.AWS_EC2_METADATA_DISABLED ??= 'true';
      const examples = path.join(packageRoot, 'manifests', 'examples');
      const { startSimulator } = await import('../simulator/index.js');
      const { runController } = await import('./run-controller.js');
      const sim = await startSimulator({ timeScale: flags.timeScale, port: 0 });
      let source: string;
      let where: string;
      let edit: string;
      let temporary: string | undefined;
      if (flags.s3) {
        await seedBucket(sim.url, examples);
        source = `s3://${DEMO_BUCKET}/${DEMO_PREFIX}`;
        where = `${source}  (in the simulator's S3)`;
        edit = `  curl -s ${sim.url}/${DEMO_BUCKET}/${DEMO_PREFIX}nginx.yaml | sed 's/desiredCount: 1/desiredCount: 3/' \\\n    | curl -s -X PUT --data-binary @- ${sim.url}/${DEMO_BUCKET}/${DEMO_PREFIX}nginx.yaml`;
      } else {
        temporary = flags.dir === undefined ? mkdtempSync(path.join(tmpdir(), 'switchboard-demo-')) : undefined;
        const dir = flags.dir ?? temporary ?? '';
        copyExamples(examples, dir);
        source = dir;
        where = temporary === undefined ? dir : `${dir}  (removed when the demo stops)`;
        edit = `  sed -i 's/desiredCount: 1/desiredCount: 3/' ${path.join(dir, 'nginx.yaml')}`;
      }
      process.stdout.write(
        [
          '',
          'switchboard demo',
          `  AWS simulator:  ${sim.url}  (no AWS account needed)`,
          `  manifests:      ${where}`,
          `  map and status: http://${flags.listen}/   (or: npx switchboard status --url http://${flags.listen})`,
          '',
          'Watch the controller converge the examples. Then edit a manifest, e.g.',
          edit,
          `and watch it reconcile within ${flags.s3 ? 'a second or two (the prefix is polled every second)' : 'a second'}. Delete a file to see prune at work. Ctrl-C stops.`,
          '',
        ].join('\n'),
      );
      try {
        const code = await runController({
          ...RUN_DEFAULTS,
          source,
          endpointUrl: sim.url,
          region: 'us-east-1',
          listen: flags.listen,
          logFormat: 'pretty',
          resyncInterval: 60_000,
          ...(flags.s3 ? { pollInterval: 1000 } : {}),
          prune: true,
        });
        setExit(code);
      } finally {
        await sim.close();
        if (temporary !== undefined) rmSync(temporary, { recursive: true, force: true });
      }
    });
  checkUsage(cmd);
}
