/**
 * `switchboard import`: writes manifests for services that already run on ECS, so they can be
 * brought under management (review, validate, plan, apply).
 */
import path from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_CONTROLLER_ID } from '../reconcile/ownership.js';
import { parseEndpointUrl, parsePositiveInt } from './common.js';
import { packageRoot } from './package-info.js';
import { checkUsage, UsageError } from './usage.js';

interface ImportFlags {
  cluster: string[];
  service?: string[];
  namespace?: string[];
  outputDir?: string;
  force: boolean;
  adopt: boolean;
  region?: string;
  endpointUrl?: string;
  controllerId: string;
  concurrency: number;
}

/** Below this many items a phase prints no progress: it is over before anyone reads it. */
const PROGRESS_MIN_ITEMS = 100;
const PROGRESS_INTERVAL_MS = 1000;

function say(line: string): void {
  process.stderr.write(`import: ${line}\n`);
}

/** Progress lines on stderr for large phases, at most one a second, and the last one always. */
function progressReporter(): (p: { phase: string; done: number; total: number }) => void {
  let last = 0;
  return (p) => {
    if (p.total < PROGRESS_MIN_ITEMS) return;
    const now = Date.now();
    if (p.done < p.total && now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    say(`${p.phase}: ${p.done}/${p.total}`);
  };
}

/** The path from `fromDir` to the manifest schema, as a modeline writes it (`/`-separated). */
function schemaPathFrom(fromDir: string): string {
  const schema = path.join(packageRoot, 'schemas', 'manifest.schema.json');
  return path.relative(fromDir, schema).split(path.sep).join('/');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function explain(err: unknown): string {
  const e = err as { message?: unknown; requestId?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(err);
  return typeof e.requestId === 'string' ? `${message} (request id ${e.requestId})` : message;
}

async function runImport(flags: ImportFlags): Promise<number> {
  const outputDir = flags.outputDir !== undefined ? path.resolve(flags.outputDir) : undefined;
  // Loaded here, not at start-up: the AWS SDK is only needed by the commands that call AWS.
  const { importFleet, isNonEmptyDirectory, writeFilesAtomically, ImportSelectionError } = await import('../import/index.js');
  const { readConcurrency } = await import('../reconcile/observe.js');
  if (outputDir !== undefined && !flags.force && (await isNonEmptyDirectory(outputDir))) {
    throw new UsageError(`output folder ${flags.outputDir ?? ''} is not empty: pass --force to write into it, or name an empty folder`);
  }
  const { connectAws } = await import('../aws/index.js');
  let ports: Awaited<ReturnType<typeof connectAws>>;
  try {
    ports = await connectAws({ ...(flags.region ? { region: flags.region } : {}), ...(flags.endpointUrl ? { endpoint: flags.endpointUrl } : {}) });
  } catch (err) {
    // No Region, an endpoint without a scheme: reported by the CLI as usage errors.
    if (err instanceof UsageError) throw err;
    process.stderr.write(`import failed: ${explain(err)}\n`);
    return 1;
  }
  try {
    const base = outputDir ?? process.cwd();
    const outcome = await importFleet(
      ports,
      { clusters: flags.cluster, services: flags.service ?? [], namespaces: flags.namespace ?? [] },
      {
        controllerId: flags.controllerId,
        adopt: flags.adopt,
        concurrency: readConcurrency(flags.concurrency),
        onProgress: progressReporter(),
        schemaPathFor: (file) => schemaPathFrom(path.dirname(path.join(base, ...file.split('/')))),
      },
    );
    if (outputDir !== undefined) await writeFilesAtomically(outputDir, outcome.files);
    else process.stdout.write(outcome.files.map((f) => f.text).join('---\n'));
    const c = outcome.counts;
    const what = `${plural(c.Service, 'service')}, ${plural(c.TaskDefinition, 'task definition')}, ${plural(c.Namespace, 'namespace')}, ${plural(c.Cluster, 'cluster')}`;
    say(outputDir !== undefined ? `wrote ${plural(outcome.files.length, 'file')} to ${flags.outputDir ?? ''}: ${what}` : `wrote ${what} to stdout`);
    if (outcome.warnings.length > 0) {
      say(`${plural(outcome.warnings.length, 'warning')}:`);
      for (const w of outcome.warnings) process.stderr.write(`  - ${w}\n`);
    }
    return 0;
  } catch (err) {
    process.stderr.write(`import failed: ${err instanceof ImportSelectionError ? err.message : explain(err)}\n`);
    return 1;
  } finally {
    ports.close();
  }
}

/** Registers `switchboard import`: exit 0 done (warnings included), 1 on an AWS error, 2 on a usage error. */
export function registerImport(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command('import')
    .description('Write manifests for services that already run on ECS (read-only AWS calls), to bring them under management.')
    .option('--cluster <name...>', 'the clusters to import (repeat for several; required)')
    .option('--service <name...>', 'only these services (default: every ACTIVE service of the clusters)')
    .option('--namespace <name...>', 'only services whose Service Connect uses one of these namespaces')
    .option('-o, --output-dir <dir>', 'write one file per service, namespaces.yaml and clusters.yaml here (default: one multi-document YAML on stdout)')
    .option('--force', 'write into an output folder that is not empty', false)
    .option('--adopt', 'annotate every imported resource no controller owns with switchboard.dev/adopt: "true"', false)
    .option('--region <region>', 'AWS Region (default: the SDK chain: AWS_REGION, profile)')
    .option('--endpoint-url <url>', 'send every AWS call to this endpoint, e.g. the embedded simulator (default: AWS_ENDPOINT_URL)', parseEndpointUrl)
    .option('--controller-id <id>', 'this controller\'s ownership tag value: resources another id owns are skipped', DEFAULT_CONTROLLER_ID)
    .option('--concurrency <n>', 'AWS work in flight at once (reads go out 4 times as many at once, paced at AWS\'s rates)', parsePositiveInt, 4)
    .action(async (flags: ImportFlags) => {
      setExit(await runImport(flags));
    });
  checkUsage(cmd, {
    required: [{ attribute: 'cluster', fix: 'no cluster given: pass --cluster NAME (repeat for several), e.g. switchboard import --cluster shop' }],
    strayArgument: (arg) => `name clusters with --cluster: switchboard import --cluster ${arg}`,
  });
}
