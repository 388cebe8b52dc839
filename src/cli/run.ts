/**
 * `switchboard run`: the long-lived controller. Watches a directory or an S3 prefix, reconciles
 * continuously, serves health, readiness, status and metrics, and exits 0 on SIGTERM, SIGINT or
 * SIGHUP once in-flight AWS calls have finished.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { LogFormat } from '../observe/logger.js';
import { DEFAULT_CONTROLLER_ID } from '../reconcile/ownership.js';
import { parseDuration } from '../util/duration.js';
import { parseControllerId, parseCount, parsePositiveInt } from './common.js';

/** Defaults of every `run` flag, for callers that start the controller themselves (the demo). */
export const RUN_DEFAULTS: Omit<RunFlags, 'source'> = {
  pollInterval: 30_000,
  resyncInterval: 300_000,
  concurrency: 4,
  dryRun: false,
  listen: '127.0.0.1:8080',
  logLevel: 'info',
  cluster: 'default',
  controllerId: DEFAULT_CONTROLLER_ID,
  prune: false,
  maxPrune: 10,
  allowEmpty: false,
  allowReplace: false,
  shutdownTimeout: 20_000,
};

export interface RunFlags {
  source: string;
  pollInterval: number;
  resyncInterval: number;
  concurrency: number;
  dryRun: boolean;
  listen: string;
  statusTo?: string | boolean;
  logFormat?: LogFormat;
  logLevel: string;
  region?: string;
  endpointUrl?: string;
  cluster: string;
  controllerId: string;
  prune: boolean;
  maxPrune: number;
  allowEmpty: boolean;
  allowReplace: boolean;
  expectedBucketOwner?: string;
  s3EndpointUrl?: string;
  shutdownTimeout: number;
}

function duration(value: string): number {
  try {
    return parseDuration(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

const env = (name: string): string => `SWITCHBOARD_${name}`;

/** How long the process may take to wind down on its own after the controller stopped (log lines flushing). */
const EXIT_GRACE_MS = 2000;

/** Registers `switchboard run`. Every flag can also come from a SWITCHBOARD_* environment variable; flags win. */
export function registerRun(program: Command, setExit: (code: number) => void): void {
  program
    .command('run')
    .description('Run the controller: watch manifests in a directory or S3 prefix and keep AWS converged to them.')
    .addOption(new Option('--source <dir|s3://bucket/prefix/>', 'where the manifests are').env(env('SOURCE')).makeOptionMandatory())
    .addOption(new Option('--poll-interval <duration>', 'S3 polling interval (jittered)').env(env('POLL_INTERVAL')).argParser(duration).default(30_000, '30s'))
    .addOption(new Option('--resync-interval <duration>', 'full drift check interval (jittered)').env(env('RESYNC_INTERVAL')).argParser(duration).default(300_000, '5m'))
    .addOption(new Option('--concurrency <n>', 'AWS work in flight at once').env(env('CONCURRENCY')).argParser(parsePositiveInt).default(4))
    .addOption(new Option('--dry-run', 'run the loop but only log the plans').env(env('DRY_RUN')).default(false))
    .addOption(new Option('--listen <host:port>', 'address of /healthz, /readyz, /status, /metrics').env(env('LISTEN')).default('127.0.0.1:8080'))
    .addOption(new Option('--status-to [where]', 'also write the status document next to the source (only "source" is supported)').env(env('STATUS_TO')))
    .addOption(new Option('--log-format <format>', 'json, or pretty (default: pretty on a terminal)').choices(['json', 'pretty']).env(env('LOG_FORMAT')))
    .addOption(new Option('--log-level <level>', 'log level').choices(['trace', 'debug', 'info', 'warn', 'error']).env(env('LOG_LEVEL')).default('info'))
    .addOption(new Option('--region <region>', 'AWS Region (default: the SDK chain)').env(env('REGION')))
    .addOption(new Option('--endpoint-url <url>', 'send every AWS call, S3 included, to this endpoint (e.g. the simulator)').env(env('ENDPOINT_URL')))
    .addOption(new Option('--cluster <name>', 'the cluster for Services that name none').env(env('CLUSTER')).default('default'))
    .addOption(new Option('--controller-id <id>', 'ownership tag value').env(env('CONTROLLER_ID')).argParser(parseControllerId).default(DEFAULT_CONTROLLER_ID))
    .addOption(new Option('--prune', 'delete owned resources no manifest declares').env(env('PRUNE')).default(false))
    .addOption(new Option('--max-prune <n>', 'never delete more than this many resources in one pass').env(env('MAX_PRUNE')).argParser(parseCount).default(10))
    .addOption(new Option('--allow-empty', 'allow pruning when the source holds no manifests').env(env('ALLOW_EMPTY')).default(false))
    .addOption(new Option('--allow-replace', 'recreate services whose changes AWS cannot make in place').env(env('ALLOW_REPLACE')).default(false))
    .addOption(new Option('--expected-bucket-owner <account>', 'S3 source: the account that must own the bucket').env(env('EXPECTED_BUCKET_OWNER')))
    .addOption(new Option('--s3-endpoint-url <url>', 'an endpoint override for S3 alone (default: --endpoint-url)').env(env('S3_ENDPOINT_URL')))
    .addOption(new Option('--shutdown-timeout <duration>', 'how long in-flight work may take after SIGTERM').env(env('SHUTDOWN_TIMEOUT')).argParser(duration).default(20_000, '20s'))
    .action(async (flags: RunFlags) => {
      // Before the controller's modules and first pass allocate anything.
      const { tuneHeapForDaemon } = await import('./heap.js');
      tuneHeapForDaemon();
      const { runController } = await import('./run-controller.js');
      const code = await runController(flags);
      setExit(code);
      // Shutdown is done. Something still holding the event loop (a file system call that never
      // answers keeps a thread-pool request pending) must not keep the process alive.
      setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
    });
}

