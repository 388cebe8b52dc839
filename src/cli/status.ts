import { InvalidArgumentError, Option, type Command } from 'commander';
import { endpointUrlProblem } from '../util/usage-error.js';
import { checkUsage } from './usage.js';
import { allReady, formatStatusTable, isStatusDocument } from '../observe/status-table.js';
import type { StatusDocument } from '../observe/status.js';

/** How a command reaches a running controller's status: `--url`, `--timeout`, `--status-token`. */
export interface StatusClientFlags {
  url: URL;
  /** Seconds. */
  timeout: number;
  statusToken?: string;
}

interface StatusOptions extends StatusClientFlags {
  output: 'text' | 'wide' | 'json';
}

const DEFAULT_URL = 'http://127.0.0.1:8080';

/** Parses a controller's base URL (http or https). */
export function parseUrl(value: string): URL {
  const problem = endpointUrlProblem(value);
  if (problem !== undefined) throw new InvalidArgumentError(problem);
  return new URL(value);
}

function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number of seconds.');
  return n;
}

/** The /status URL under a controller's base URL (which may itself have a path, e.g. behind a proxy). */
export function statusUrl(base: URL): URL {
  const url = new URL(base.href);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/status`;
  url.search = '';
  return url;
}

function field(v: unknown, name: string): unknown {
  return typeof v === 'object' && v !== null && name in v ? (v as Record<string, unknown>)[name] : undefined;
}

/** The network cause of a failed fetch (ECONNREFUSED, ENOTFOUND, a timeout); duck-typed, since fetch errors may come from another realm. */
function describeFetchError(err: unknown): string {
  if (field(err, 'name') === 'TimeoutError') return 'no answer in time';
  const cause = field(err, 'cause');
  const code = field(cause, 'code');
  if (typeof code === 'string') return code;
  // fetch's own refusals (`bad port`) carry only a message.
  const message = field(cause, 'message') ?? field(err, 'message');
  return typeof message === 'string' ? message : String(err);
}

/** Adds --url (with `defaultUrl`, or none), --timeout and --status-token to a command that reads a controller's status. */
export function addStatusClientFlags(cmd: Command, options: { url: string; defaultUrl?: URL }): Command {
  return cmd
    .addOption(new Option('--url <url>', options.url).argParser(parseUrl).default(options.defaultUrl, options.defaultUrl?.href.replace(/\/$/, '')))
    .option('--timeout <seconds>', 'give up after this long', parseSeconds, 5)
    .addOption(new Option('--status-token <token>', "the controller's --status-token, when it has one").env('SWITCHBOARD_STATUS_TOKEN'));
}

/** Fetches the status document from a running controller; throws an Error whose message says what to check. */
export async function fetchStatus(base: URL, timeoutMs: number, token?: string): Promise<StatusDocument> {
  const url = statusUrl(base);
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { Accept: 'application/json', ...(token !== undefined ? { Authorization: `Bearer ${token}` } : {}) } });
  } catch (err) {
    throw new Error(`cannot reach the controller at ${url.href}: ${describeFetchError(err)}; is \`switchboard run\` running, and is --url its --listen address?`);
  }
  if (res.status === 401) {
    throw new Error(`${url.href} answered HTTP 401: ${token === undefined ? 'the controller asks for a token: pass --status-token (or set SWITCHBOARD_STATUS_TOKEN)' : 'the token is not the controller\'s --status-token'}`);
  }
  if (!res.ok) throw new Error(`${url.href} answered HTTP ${res.status}; is --url a switchboard controller?`);
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new Error(`${url.href} did not answer JSON; is --url a switchboard controller?`);
  }
  if (!isStatusDocument(body)) throw new Error(`${url.href} did not answer a switchboard status document; is --url a switchboard controller?`);
  return body;
}

/** Registers `switchboard status`: exit 0 when every resource is Ready, 1 when any is not (or the controller cannot be reached). */
export function registerStatus(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command('status')
    .description("Show a running controller's status: source, last pass, and each resource's Ready condition.")
    .addOption(new Option('-o, --output <format>', 'text (messages wrapped to the terminal), wide (also revision, last reconcile, AWS error and request id), or json').choices(['text', 'wide', 'json']).default('text'))
    .addHelpText('after', '\nExit status: 0 when the controller is ready and every resource is Ready; 1 otherwise or when the controller cannot be reached; 2 on usage errors.')
    .action(async (options: StatusOptions) => {
      let doc: StatusDocument;
      try {
        doc = await fetchStatus(options.url, options.timeout * 1000, options.statusToken);
      } catch (err) {
        process.stderr.write(`status: ${err instanceof Error ? err.message : String(err)}\n`);
        setExit(1);
        return;
      }
      const width = process.stdout.isTTY === true ? process.stdout.columns : undefined;
      process.stdout.write(
        options.output === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : formatStatusTable(doc, Date.now(), { wide: options.output === 'wide', ...(width !== undefined && options.output !== 'wide' ? { width } : {}) }),
      );
      setExit(allReady(doc) ? 0 : 1);
    });
  addStatusClientFlags(cmd, { url: "the controller's HTTP address (its --listen)", defaultUrl: new URL(DEFAULT_URL) });
  checkUsage(cmd);
}
