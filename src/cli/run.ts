/**
 * `switchboard run`: the long-lived controller. Watches a directory or an S3 prefix, reconciles
 * continuously, serves health, readiness, status and metrics, and exits 0 on SIGTERM, SIGINT or
 * SIGHUP once in-flight AWS calls have finished.
 */
import { stat } from 'node:fs/promises';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { LogFormat } from '../observe/logger.js';
import { ListenAddressError, parseListen } from '../observe/http.js';
import { DEFAULT_LEASE_TIMINGS, type LeaseTimings } from '../lease/lease.js';
import { resolveLeaseLocation } from '../lease/location.js';
import { parseEventsTarget, type EventsTarget } from './events.js';
import { DEFAULT_CONTROLLER_ID } from '../reconcile/ownership.js';
import { isS3Location, parseS3Location } from '../sources/s3-location.js';
import { UsageError } from '../util/usage-error.js';
import { parseControllerId, parseCount, parseDurationFlag, parseEndpointUrl, parsePositiveInt } from './common.js';
import { checkUsage } from './usage.js';

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
  leaseDuration: DEFAULT_LEASE_TIMINGS.durationMs,
  leaseRenewInterval: DEFAULT_LEASE_TIMINGS.renewIntervalMs,
  leaseRetryInterval: DEFAULT_LEASE_TIMINGS.retryIntervalMs,
};

export interface RunFlags {
  source: string;
  pollInterval: number;
  resyncInterval: number;
  concurrency: number;
  dryRun: boolean;
  listen: string;
  /** `source` (or true, the flag without a value): write the status document next to the manifests. */
  statusTo?: 'source' | true;
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
  /** When set, /status and the page answer only requests carrying it. */
  statusToken?: string;
  /** `s3://bucket/key`, `s3://bucket/prefix/`, `none`; default: beside an S3 source, none for a directory. */
  lease?: string;
  leaseDuration: number;
  leaseRenewInterval: number;
  leaseRetryInterval: number;
  /** `--events eventbridge[:BUS]`: publish events to this bus. */
  events?: EventsTarget;
}

/** The lease timings the flags give. */
export function leaseTimingsOf(flags: Pick<RunFlags, 'leaseDuration' | 'leaseRenewInterval' | 'leaseRetryInterval'>): LeaseTimings {
  return { durationMs: flags.leaseDuration, renewIntervalMs: flags.leaseRenewInterval, retryIntervalMs: flags.leaseRetryInterval };
}

/** Parses `--listen HOST:PORT`. */
export function listenAddress(value: string): string {
  try {
    parseListen(value);
  } catch (err) {
    if (err instanceof ListenAddressError) throw new InvalidArgumentError(err.message.replace(/^--listen "[^"]*": /, ''));
    throw err;
  }
  return value;
}

/** Parses `--source`: a folder path, or `s3://bucket/prefix/` with a bucket. */
function sourceLocation(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('is empty: name a folder of manifests or s3://bucket/prefix/.');
  if (!isS3Location(value)) return value;
  try {
    parseS3Location(value);
  } catch {
    throw new InvalidArgumentError('names no bucket: write s3://BUCKET/PREFIX/, e.g. s3://my-bucket/manifests/.');
  }
  return value;
}

/** `--status-to` takes only `source` (the flag alone means the same). */
/** Parses `--lease`: an S3 location or `none` (the lease module resolves the key). */
function leaseLocation(value: string): string {
  try {
    resolveLeaseLocation(value, undefined, 'x');
  } catch (err) {
    throw new InvalidArgumentError(`${(err as Error).message.replace(/^--lease "[^"]*": /, '')}.`);
  }
  return value;
}

/** Parses `--events eventbridge[:BUS]`. */
function eventsTarget(value: string): EventsTarget {
  try {
    return parseEventsTarget(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message.replace(/^--events "[^"]*": /, ''));
  }
}

function statusTarget(value: string): string {
  if (value !== 'source') throw new InvalidArgumentError('only "source" is supported (write the status document next to the manifests).');
  return value;
}

/**
 * A folder source must exist when the controller starts: a typo in the path would otherwise run
 * for ever with nothing to reconcile. Once running, a folder that goes away is an outage (the
 * last snapshot is kept), not a usage error.
 */
export async function checkSourceAtStart(location: string): Promise<void> {
  if (isS3Location(location)) return;
  let s: Awaited<ReturnType<typeof stat>>;
  try {
    s = await stat(location);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UsageError(
      e.code === 'ENOENT' ? `--source ${location}: no such folder; create it, or point --source at the folder of manifests` : `--source ${location}: cannot be read (${e.code ?? e.message})`,
    );
  }
  if (!s.isDirectory()) throw new UsageError(`--source ${location}: not a folder; name the folder that holds the manifests (or s3://bucket/prefix/)`);
}

const env = (name: string): string => `SWITCHBOARD_${name}`;

/** How long the process may take to wind down on its own after the controller stopped (log lines flushing). */
const EXIT_GRACE_MS = 2000;

/** Registers `switchboard run`. Every flag can also come from a SWITCHBOARD_* environment variable; flags win. */
export function registerRun(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command('run')
    .description('Run the controller: watch manifests in a directory or S3 prefix and keep AWS converged to them.')
    .addOption(new Option('--source <dir|s3://bucket/prefix/>', 'where the manifests are (required)').env(env('SOURCE')).argParser(sourceLocation))
    .addOption(new Option('--poll-interval <duration>', 'S3 polling interval (jittered)').env(env('POLL_INTERVAL')).argParser(parseDurationFlag).default(30_000, '30s'))
    .addOption(new Option('--resync-interval <duration>', 'full drift check interval (jittered)').env(env('RESYNC_INTERVAL')).argParser(parseDurationFlag).default(300_000, '5m'))
    .addOption(new Option('--concurrency <n>', 'AWS work in flight at once').env(env('CONCURRENCY')).argParser(parsePositiveInt).default(4))
    .addOption(new Option('--dry-run', 'run the loop but only log the plans').env(env('DRY_RUN')).default(false))
    .addOption(new Option('--listen <host:port>', 'address of /healthz, /readyz, /status, /metrics').env(env('LISTEN')).argParser(listenAddress).default('127.0.0.1:8080'))
    .addOption(new Option('--status-to [where]', 'also write the status document next to the source (only "source" is supported)').env(env('STATUS_TO')).argParser(statusTarget))
    .addOption(new Option('--status-token <token>', 'require this token for /status and the page (a bearer token, or the password a browser asks for); prefer the environment variable').env(env('STATUS_TOKEN')))
    .addOption(new Option('--log-format <format>', 'json, or pretty (default: pretty on a terminal)').choices(['json', 'pretty']).env(env('LOG_FORMAT')))
    .addOption(new Option('--log-level <level>', 'log level').choices(['trace', 'debug', 'info', 'warn', 'error']).env(env('LOG_LEVEL')).default('info'))
    .addOption(new Option('--region <region>', 'AWS Region (default: the SDK chain)').env(env('REGION')))
    .addOption(new Option('--endpoint-url <url>', 'send every AWS call, S3 included, to this endpoint (e.g. the simulator)').env(env('ENDPOINT_URL')).argParser(parseEndpointUrl))
    .addOption(new Option('--cluster <name>', 'the cluster for Services that name none').env(env('CLUSTER')).default('default'))
    .addOption(new Option('--controller-id <id>', 'ownership tag value').env(env('CONTROLLER_ID')).argParser(parseControllerId).default(DEFAULT_CONTROLLER_ID))
    .addOption(new Option('--prune', 'delete owned resources no manifest declares').env(env('PRUNE')).default(false))
    .addOption(new Option('--max-prune <n>', 'never delete more than this many resources in one pass').env(env('MAX_PRUNE')).argParser(parseCount).default(10))
    .addOption(new Option('--allow-empty', 'allow pruning when the source holds no manifests').env(env('ALLOW_EMPTY')).default(false))
    .addOption(new Option('--allow-replace', 'recreate services whose changes AWS cannot make in place').env(env('ALLOW_REPLACE')).default(false))
    .addOption(new Option('--expected-bucket-owner <account>', 'S3 source: the account that must own the bucket').env(env('EXPECTED_BUCKET_OWNER')))
    .addOption(new Option('--s3-endpoint-url <url>', 'an endpoint override for S3 alone (default: --endpoint-url)').env(env('S3_ENDPOINT_URL')).argParser(parseEndpointUrl))
    .addOption(
      new Option('--lease <s3://bucket/key|s3://bucket/prefix/|none>', 'one writer at a time: the S3 object of the lease (default: <prefix>.switchboard/lease-<controller id> beside an S3 source; none for a directory)')
        .env(env('LEASE'))
        .argParser(leaseLocation),
    )
    .addOption(new Option('--lease-duration <duration>', 'how long a lease lasts without renewal').env(env('LEASE_DURATION')).argParser(parseDurationFlag).default(DEFAULT_LEASE_TIMINGS.durationMs, '15s'))
    .addOption(new Option('--lease-renew-interval <duration>', 'how often the leader renews (it stops writing if it cannot renew within duration minus this)').env(env('LEASE_RENEW_INTERVAL')).argParser(parseDurationFlag).default(DEFAULT_LEASE_TIMINGS.renewIntervalMs, '5s'))
    .addOption(new Option('--lease-retry-interval <duration>', 'how often a standby tries to take the lease').env(env('LEASE_RETRY_INTERVAL')).argParser(parseDurationFlag).default(DEFAULT_LEASE_TIMINGS.retryIntervalMs, '2s'))
    .addOption(new Option('--events <eventbridge[:BUS]>', 'publish what happens (reconciled, stalled, rollout failed, prune refused, persistent drift, leader changed) to an EventBridge bus (default bus: default)').env(env('EVENTS')).argParser(eventsTarget))
    .addOption(new Option('--shutdown-timeout <duration>', 'how long in-flight work may take after SIGTERM').env(env('SHUTDOWN_TIMEOUT')).argParser(parseDurationFlag).default(20_000, '20s'))
    .action(async (flags: RunFlags) => {
      await checkSourceAtStart(flags.source);
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
  checkUsage(cmd, { required: [{ attribute: 'source', fix: 'no source: pass --source DIR or --source s3://bucket/prefix/ (or set SWITCHBOARD_SOURCE)' }] });
}

