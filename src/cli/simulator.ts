import { InvalidArgumentError, type Command } from 'commander';
import type { SimulatorHandle, SimulatorOptions } from '../simulator/index.js';
import { checkUsage } from './usage.js';

/** Options of `switchboard simulator`, as commander parses them. */
export interface SimulatorFlags {
  port: number;
  host: string;
  stateFile?: string;
  timeScale: number;
  latency?: { fixedMs: number; jitterMs: number };
  throttling: boolean;
  accountId: string;
  seed?: number;
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError('must be a port number (0-65535).');
  return n;
}

/** Parses a positive number (a time scale). */
export function parseScale(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number.');
  return n;
}

/** Parses `--latency FIXED[,JITTER]` (milliseconds), e.g. `20` or `20,10`. */
export function parseLatency(value: string): { fixedMs: number; jitterMs: number } {
  const m = /^(\d+(?:\.\d+)?)(?:,(\d+(?:\.\d+)?))?$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError('must be FIXED or FIXED,JITTER in milliseconds, e.g. 20,10.');
  return { fixedMs: Number(m[1]), jitterMs: m[2] === undefined ? 0 : Number(m[2]) };
}

function parseSeed(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('must be an integer.');
  return n;
}

/** Maps command flags to simulator options. */
export function simulatorOptions(flags: SimulatorFlags): SimulatorOptions {
  const options: SimulatorOptions = {
    port: flags.port,
    host: flags.host,
    timeScale: flags.timeScale,
    throttling: flags.throttling,
    accountId: flags.accountId,
  };
  if (flags.stateFile !== undefined) options.stateFile = flags.stateFile;
  if (flags.latency !== undefined) options.latency = flags.latency;
  if (flags.seed !== undefined) options.faults = { seed: flags.seed };
  return options;
}

/**
 * Runs the simulator until `stop` aborts, writing its URL to `out` once listening; resolves with
 * the exit code (1 when it cannot start, e.g. the port is taken).
 */
export async function runSimulator(flags: SimulatorFlags, stop: AbortSignal, out: (line: string) => void, err: (line: string) => void): Promise<number> {
  let sim: SimulatorHandle;
  try {
    // Loaded here, not at the top: every command registers this one, and `run` never needs it.
    const { startSimulator } = await import('../simulator/index.js');
    sim = await startSimulator({ ...simulatorOptions(flags), onSaveError: (e) => err(`simulator: saving state failed: ${String(e)}`) });
  } catch (e) {
    err(`simulator: cannot start: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  out(`AWS simulator (ECS, Cloud Map, CloudWatch Logs, S3, EventBridge) listening on ${sim.url}`);
  out(`  use it with: AWS_ENDPOINT_URL=${sim.url}  (admin API: ${sim.url}/_sim/calls, /_sim/state)`);
  if (!stop.aborted) await new Promise<void>((resolve) => stop.addEventListener('abort', () => resolve(), { once: true }));
  await sim.close();
  out('simulator stopped');
  return 0;
}

/** Registers `switchboard simulator`: the embedded AWS simulator as a standalone server. */
export function registerSimulator(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command('simulator')
    .description('Run the embedded AWS simulator (ECS, Cloud Map, CloudWatch Logs, S3, EventBridge) for local use and CI; stops on SIGINT/SIGTERM.')
    .option('--port <port>', 'TCP port (0 = any free port)', parsePort, 4566)
    .option('--host <address>', 'bind address (loopback by default)', '127.0.0.1')
    .option('--state-file <file>', 'load state from this JSON file and save it on change and on exit')
    .option('--time-scale <x>', 'run asynchronous AWS work (namespace operations, deployments) x times faster', parseScale, 1)
    .option('--latency <ms[,jitter]>', 'add this latency to every call, e.g. 20 or 20,10', parseLatency)
    .option('--no-throttling', 'turn off the AWS request-rate limits (on by default)')
    .option('--account-id <id>', 'the simulated AWS account id', '123456789012')
    .option('--seed <n>', 'seed of the random fault and jitter generator', parseSeed)
    .action(async (flags: SimulatorFlags) => {
      const controller = new AbortController();
      const onSignal = (): void => controller.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const code = await runSimulator(
          flags,
          controller.signal,
          (line) => process.stdout.write(`${line}\n`),
          (line) => process.stderr.write(`${line}\n`),
        );
        setExit(code);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
  checkUsage(cmd);
}
