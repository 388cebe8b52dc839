/**
 * Flags and steps shared by the commands that talk to AWS (`plan`, `apply`, later `run`).
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { DEFAULT_LIMITS } from '../manifests/decode.js';
import type { DesiredResource } from '../manifests/model.js';
import { compareProblems, type Problem } from '../manifests/problems.js';
import { formatProblem } from '../manifests/report.js';
import { validateSnapshot } from '../manifests/validate.js';
import { collectFiles } from '../manifests/walk.js';
import { DEFAULT_CONTROLLER_ID } from '../reconcile/ownership.js';
import { parseDuration } from '../util/duration.js';
import { endpointUrlProblem } from '../util/usage-error.js';
import { checkUsage } from './usage.js';

export interface AwsFlags {
  region?: string;
  endpointUrl?: string;
  cluster: string;
  logLevel: string;
  controllerId: string;
  concurrency: number;
}

/** Parses a positive whole number flag. */
export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive whole number.');
  return n;
}

/** Parses a duration flag (`500ms`, `30s`, `5m`) into milliseconds. */
export function parseDurationFlag(value: string): number {
  try {
    return parseDuration(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

/** Parses a non-negative whole number flag. */
export function parseCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('must be a whole number.');
  return n;
}

/**
 * A controller id: the value of the ownership tag on everything the controller creates, so it must
 * be a tag value every service accepts: up to 256 letters, numbers, spaces and `_ . : / = + - @`,
 * not starting with `aws:` (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Tag.html).
 */
export function parseControllerId(value: string): string {
  if (!/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u.test(value) || value.toLowerCase().startsWith('aws:')) {
    throw new InvalidArgumentError('must be 1 to 256 letters, digits, spaces and _ . : / = + - @, not starting with aws: (it is a tag value on everything the controller creates).');
  }
  return value;
}

/** Parses an endpoint flag: an http:// or https:// URL (`127.0.0.1:4566` alone is refused with the fix). */
export function parseEndpointUrl(value: string): string {
  const problem = endpointUrlProblem(value);
  if (problem !== undefined) throw new InvalidArgumentError(problem);
  return value;
}

/** Adds `-f PATH...` (required) to a command that reads manifests, with the fix for a forgotten `-f`. */
export function addFilenameFlag(cmd: Command): Command {
  const name = cmd.name();
  cmd.option('-f, --filename <paths...>', 'manifest files or folders');
  return checkUsage(cmd, {
    required: [{ attribute: 'filename', fix: `no manifests given: pass -f PATH (files or folders), e.g. switchboard ${name} -f manifests/` }],
    strayArgument: (arg) => `name manifests with -f: switchboard ${name} -f ${arg}`,
  });
}

/** Adds the flags every AWS-facing command takes. */
export function addAwsFlags(cmd: Command): Command {
  return cmd
    .option('--region <region>', 'AWS Region (default: the SDK chain: AWS_REGION, profile)')
    .option('--endpoint-url <url>', 'send every AWS call to this endpoint, e.g. the embedded simulator (default: AWS_ENDPOINT_URL)', parseEndpointUrl)
    .option('--cluster <name>', 'the cluster for Services that name none', 'default')
    .option('--controller-id <id>', 'ownership tag value; controllers with different ids never touch each other\'s resources', parseControllerId, DEFAULT_CONTROLLER_ID)
    .option('--concurrency <n>', 'AWS work in flight at once', parsePositiveInt, 4)
    .addOption(
        // The report on stdout has every resource's outcome and reason; warnings would repeat them line by line.
        new Option('--log-level <level>', 'log level of the diagnostics on stderr').choices(['trace', 'debug', 'info', 'warn', 'error', 'silent']).default('error'),
      );
}

/** Adds the prune flags. */
export function addPruneFlags(cmd: Command): Command {
  return cmd
    .option('--prune', 'delete resources this controller owns that no manifest declares', false)
    .option('--max-prune <n>', 'never delete more than this many resources in one pass', parseCount, 10)
    .option('--allow-empty', 'allow pruning when the source holds no manifests', false);
}

export interface LoadedManifests {
  resources: DesiredResource[];
  problems: Problem[];
  valid: boolean;
}

/** Reads and validates manifests from files and folders. */
export async function loadManifests(paths: readonly string[]): Promise<LoadedManifests> {
  const collected = await collectFiles(paths, DEFAULT_LIMITS);
  const result = validateSnapshot(collected.files, DEFAULT_LIMITS);
  const problems = [...collected.problems, ...result.problems].sort(compareProblems);
  return { resources: result.resources, problems, valid: !problems.some((p) => p.severity === 'error') };
}

/** Prints validation problems to stderr (one-shot commands refuse to touch AWS when any is an error). */
export function reportProblems(loaded: LoadedManifests): void {
  if (loaded.problems.length === 0) return;
  process.stderr.write(`${loaded.problems.map(formatProblem).join('\n')}\n`);
}
