import { InvalidArgumentError, Option, type Command } from 'commander';
import type { AwsClients } from '../aws/clients.js';
import { AwsCallError } from '../aws/errors.js';
import type { LogEvent } from '../aws/logs-reader.js';
import { formatLogLine } from '../observe/log-lines.js';
import { UsageError } from '../util/usage-error.js';
import { parseEndpointUrl } from './common.js';
import { checkUsage } from './usage.js';

/** Options of `switchboard logs`, as commander parses them. */
export interface LogsFlags {
  follow: boolean;
  logGroup: string;
  /** Epoch ms, or a duration back from now in ms (see parseSince). */
  since: Since;
  filter?: string;
  region?: string;
  endpointUrl?: string;
  /** Poll interval of --follow in ms (tests shorten it). */
  intervalMs?: number;
}

/** A start time: absolute, or this long before now. */
export type Since = { at: number } | { agoMs: number };

export const DEFAULT_LOG_GROUP = '/ecs/switchboard';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `--since`: a duration back from now (`500ms`, `30s`, `5m`, `1h`, `2d`) or an ISO 8601 time. */
export function parseSince(value: string): Since {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(value.trim());
  if (m?.[1] !== undefined && m[2] !== undefined) return { agoMs: Number(m[1]) * (UNIT_MS[m[2]] ?? 1) };
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const at = Date.parse(value);
    if (Number.isFinite(at)) return { at };
  }
  throw new InvalidArgumentError('must be a duration such as 30s, 5m, 1h, 2d, or an ISO 8601 time such as 2024-05-01T10:00:00Z.');
}

function startTime(since: Since, nowMs: number): number {
  return 'at' in since ? since.at : nowMs - since.agoMs;
}

function explain(err: unknown, flags: LogsFlags, region: string): string {
  if (err instanceof AwsCallError) {
    if (err.code === 'ResourceNotFoundException') {
      return `log group ${flags.logGroup} not found in ${region}; pass --log-group (the awslogs-group of the controller's task definition) or --region`;
    }
    return `${err.message}${err.requestId ? ` (request id ${err.requestId})` : ''}`;
  }
  return err instanceof Error ? err.message : String(err);
}

/**
 * Prints the log group's events from `--since` (and, with --follow, new ones until `stop` aborts)
 * through `out`; resolves with the exit code: 0, or 1 when AWS cannot be read (reason via `err`).
 */
export async function runLogs(flags: LogsFlags, stop: AbortSignal, out: (line: string) => void, err: (line: string) => void): Promise<number> {
  // The SDK is loaded only by the commands that call AWS, so `validate` and `--help` start fast.
  const { createAwsClients } = await import('../aws/clients.js');
  const { followLogEvents, readLogEvents } = await import('../aws/logs-reader.js');
  let clients: AwsClients;
  try {
    clients = await createAwsClients({ ...(flags.region ? { region: flags.region } : {}), ...(flags.endpointUrl ? { endpoint: flags.endpointUrl } : {}) });
  } catch (e) {
    // No Region, an endpoint without a scheme: the user's to fix, reported by the CLI as such.
    if (e instanceof UsageError) throw e;
    err(`logs: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  const print = (e: LogEvent): void => out(formatLogLine(e.message, e.timestamp));
  const options = {
    logGroupName: flags.logGroup,
    startTime: startTime(flags.since, Date.now()),
    ...(flags.filter !== undefined ? { filterPattern: flags.filter } : {}),
    signal: stop,
  };
  try {
    if (flags.follow) {
      await followLogEvents(await clients.logs(), {
        ...options,
        ...(flags.intervalMs !== undefined ? { intervalMs: flags.intervalMs } : {}),
        onEvent: print,
        onError: (e) => err(`logs: ${explain(e, flags, clients.region)}; retrying`),
      });
      return 0;
    }
    const events: LogEvent[] = [];
    for await (const page of readLogEvents(await clients.logs(), options)) events.push(...page);
    // Pages interleave streams; print in time order.
    events.sort((a, b) => a.timestamp - b.timestamp).forEach(print);
    if (events.length === 0) err(`logs: no events in ${flags.logGroup} since ${new Date(options.startTime).toISOString()}`);
    return 0;
  } catch (e) {
    if (stop.aborted) return 0;
    err(`logs: ${explain(e, flags, clients.region)}`);
    return 1;
  } finally {
    clients.destroy();
  }
}

/** Registers `switchboard logs`: the controller's own logs from CloudWatch Logs, made readable. */
export function registerLogs(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command('logs')
    .description("Print the controller's reconciliation logs from CloudWatch Logs (what the awslogs driver shipped), made readable.")
    .option('-f, --follow', 'keep printing new events (every 2 s) until interrupted', false)
    .option('--log-group <name>', "the controller's log group", DEFAULT_LOG_GROUP)
    .addOption(new Option('--since <when>', 'start this long ago (30s, 5m, 1h, 2d) or at an ISO 8601 time').argParser(parseSince).default({ agoMs: 3_600_000 } satisfies Since, '1h'))
    .option('--filter <pattern>', 'a CloudWatch Logs filter pattern, e.g. \'"Service/nginx"\'')
    .option('--region <region>', 'AWS Region (default: the SDK chain: AWS_REGION, profile)')
    .option('--endpoint-url <url>', 'send the calls to this endpoint, e.g. the embedded simulator (default: AWS_ENDPOINT_URL)', parseEndpointUrl)
    .action(async (flags: LogsFlags) => {
      const controller = new AbortController();
      const onSignal = (): void => controller.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        setExit(
          await runLogs(
            flags,
            controller.signal,
            (line) => process.stdout.write(`${line}\n`),
            (line) => process.stderr.write(`${line}\n`),
          ),
        );
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
  checkUsage(cmd);
}
