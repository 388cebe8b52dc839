/**
 * The mistakes a person makes in their first hour, against every command: each gets one line
 * naming the cause and the fix, the right exit code, no stack trace, and no AWS SDK Node-version
 * warning (whatever Node runs the tests). Mistakes caught while parsing run in-process (fast);
 * those that load the AWS SDK or start a server run the built CLI as a child process, which is
 * also where a stack trace or the SDK's warning would be printed.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { buildProgram } from '../../src/cli/program.js';
import { mapLimit } from '../../src/util/concurrency.js';
import { runSwitchboard } from '../helpers/cli.js';
import { tempDir } from '../helpers/fs.js';
import { freePort } from '../helpers/ports.js';

interface Mistake {
  args: string[];
  /** Extra environment (the base has no AWS settings at all). */
  env?: Record<string, string>;
  exit: number;
  /** What stderr must say (one line: its trailing newline is dropped before matching). */
  says: RegExp;
  /** What stdout must say, where the answer is a report rather than an error line. */
  prints?: RegExp;
  /** Run the built CLI as a child process. */
  spawn?: true;
}

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

const EXAMPLES = 'manifests/examples';
const REGION = { AWS_REGION: 'us-east-1' };
const scratch = tempDir();
const aFile = path.join(scratch.dir, 'not-a-folder.yaml');
writeFileSync(aFile, 'kind: Namespace\n');
let busy: Server;
let busyPort = 0;
let closedPort = 0;

/** Mistakes, by command. `@BUSY` is a port something listens on, `@CLOSED` one nothing does. */
const MISTAKES: Mistake[] = [
  { args: [], exit: 2, says: /Usage: switchboard/, spawn: true },
  { args: ['plna'], exit: 2, says: /^switchboard: unknown command 'plna'; did you mean switchboard plan\?$/ },
  { args: ['--no-such-flag'], exit: 2, says: /^switchboard: unknown option '--no-such-flag'/ },

  { args: ['validate'], exit: 2, says: /^switchboard validate: missing required argument 'paths'/ },
  { args: ['validate', '--output', 'yaml', EXAMPLES], exit: 2, says: /^switchboard validate: --output "yaml": allowed choices are text, json$/ },
  { args: ['validate', '--max-file-size', '-1', EXAMPLES], exit: 2, says: /--max-file-size/ },
  { args: ['validate', '/no/such/path'], exit: 1, says: /^$/ },

  { args: ['plan'], exit: 2, says: /^switchboard plan: no manifests given: pass -f PATH/ },
  { args: ['plan', EXAMPLES], exit: 2, says: /^switchboard plan: unexpected argument "manifests\/examples": name manifests with -f: switchboard plan -f manifests\/examples$/ },
  { args: ['plan', '-F', EXAMPLES], exit: 2, says: /^switchboard plan: unknown option '-F'; did you mean -f\?$/ },
  { args: ['plan', '--filename-typo', EXAMPLES], exit: 2, says: /^switchboard plan: unknown option '--filename-typo'; did you mean --filename\?$/ },
  { args: ['plan', '-f', EXAMPLES], exit: 2, says: /^switchboard plan: no AWS Region: pass --region, or set AWS_REGION/, spawn: true },
  { args: ['plan', '-f', EXAMPLES, '--endpoint-url', '127.0.0.1:4566'], env: REGION, exit: 2, says: /^switchboard plan: --endpoint-url "127.0.0.1:4566": has no http:\/\/ or https:\/\/ scheme: write http:\/\/127.0.0.1:4566$/ },
  { args: ['plan', '-f', EXAMPLES], env: { ...REGION, AWS_ENDPOINT_URL: 'localhost:4566' }, exit: 2, says: /^switchboard plan: AWS_ENDPOINT_URL "localhost:4566" has no http:\/\/ or https:\/\/ scheme/, spawn: true },
  { args: ['plan', '-f', EXAMPLES, '--concurrency', '0'], exit: 2, says: /^switchboard plan: --concurrency "0": must be a positive whole number$/ },
  // An endpoint nothing answers at: the SDK's clients are built and called, in a process of its own.
  { args: ['plan', '-f', EXAMPLES, '--endpoint-url', 'http://127.0.0.1:@CLOSED'], env: REGION, exit: 1, says: /^$/, prints: /^! \d+ resources blocked: connect ECONNREFUSED 127\.0\.0\.1:\d+\n(?: {4}.*\n){2} {4}hint: nothing answers at the AWS endpoint/, spawn: true },
  { args: ['plan', '-f', EXAMPLES, '-o', 'yaml'], exit: 2, says: /^switchboard plan: --output "yaml": allowed choices are text, json$/ },

  { args: ['apply', '--wait'], exit: 2, says: /^switchboard apply: no manifests given: pass -f PATH/ },
  { args: ['apply', '-f', EXAMPLES, '--max-prune', '-3'], exit: 2, says: /^switchboard apply: --max-prune "-3": must be a whole number$/ },
  { args: ['apply', '-f', EXAMPLES, '--log-level', 'loud'], exit: 2, says: /^switchboard apply: --log-level "loud": allowed choices are/ },
  { args: ['apply', '-f', EXAMPLES, '--lease', 's3://'], exit: 2, says: /^switchboard apply: --lease "s3:\/\/": expected s3:\/\/bucket\/key/ },
  { args: ['apply', '-f', EXAMPLES, '--lease-timeout', 'soon'], exit: 2, says: /^switchboard apply: --lease-timeout "soon": "soon" is not a duration/ },
  { args: ['apply', '-f', EXAMPLES, '--regoin', 'us-east-1'], exit: 2, says: /^switchboard apply: unknown option '--regoin'; did you mean --region\?$/ },

  { args: ['run'], exit: 2, says: /^switchboard run: no source: pass --source DIR or --source s3:\/\/bucket\/prefix\// },
  { args: ['run', '--source', 's3://'], exit: 2, says: /^switchboard run: --source "s3:\/\/": names no bucket: write s3:\/\/BUCKET\/PREFIX\// },
  { args: ['run', '--source', 's3:///prefix'], env: REGION, exit: 2, says: /^switchboard run: --source "s3:\/\/\/prefix": names no bucket/ },
  { args: ['run'], env: { ...REGION, SWITCHBOARD_SOURCE: 's3://' }, exit: 2, says: /^switchboard run: SWITCHBOARD_SOURCE="s3:\/\/": names no bucket/ },
  { args: ['run', '--source', '/no/such/dir'], env: REGION, exit: 2, says: /^switchboard run: --source \/no\/such\/dir: no such folder; create it, or point --source at the folder of manifests$/ },
  { args: ['run', '--source', aFile], env: REGION, exit: 2, says: /^switchboard run: --source .*not-a-folder\.yaml: not a folder/ },
  { args: ['run', '--source', EXAMPLES], exit: 2, says: /^switchboard run: no AWS Region/, spawn: true },
  { args: ['run', '--source', EXAMPLES, '--status-to', 's3'], env: REGION, exit: 2, says: /^switchboard run: --status-to "s3": only "source" is supported/ },
  { args: ['run', '--source', EXAMPLES, '--poll-interval', '5x'], exit: 2, says: /^switchboard run: --poll-interval "5x": "5x" is not a duration/ },
  { args: ['run', '--source', EXAMPLES, '--listen', 'nonsense'], exit: 2, says: /^switchboard run: --listen "nonsense": expected HOST:PORT/ },
  { args: ['run', '--source', EXAMPLES, '--events', 'sns'], exit: 2, says: /^switchboard run: --events "sns": expected eventbridge or eventbridge:BUS \(an event bus name or ARN\)$/ },
  { args: ['run', '--source', EXAMPLES, '--events', 'eventbridge:'], exit: 2, says: /^switchboard run: --events "eventbridge:": expected eventbridge or eventbridge:BUS/ },
  { args: ['run', '--source', EXAMPLES, '--listen', '127.0.0.1:99999'], exit: 2, says: /^switchboard run: --listen "127.0.0.1:99999": the port must be 0-65535$/ },
  { args: ['run', '--source', EXAMPLES, '--s3-endpoint-url', 'minio:9000'], exit: 2, says: /^switchboard run: --s3-endpoint-url "minio:9000": has no http:\/\/ or https:\/\/ scheme/ },
  { args: ['run', '--source', EXAMPLES, '--endpoint-url', 'http://127.0.0.1:9', '--listen', '127.0.0.1:@BUSY'], env: REGION, exit: 1, says: /^switchboard: --listen "127.0.0.1:\d+": listen EADDRINUSE/, spawn: true },
  { args: ['run', '--source', EXAMPLES, '--lease', 'ftp://x'], env: REGION, exit: 2, says: /^switchboard run: --lease "ftp:\/\/x": expected s3:\/\/bucket\/key, s3:\/\/bucket\/prefix\/ or none$/, spawn: true },
  { args: ['run', '--source', EXAMPLES, '--lease-duration', '4s', '--lease-renew-interval', '5s'], env: REGION, exit: 2, says: /^switchboard run: the lease renew interval must be less than half the lease duration$/, spawn: true },
  { args: ['run', EXAMPLES], exit: 2, says: /^switchboard run: unexpected argument "manifests\/examples"/ },

  { args: ['status', '--url', 'localhost:8080'], exit: 2, says: /^switchboard status: --url "localhost:8080": has no http:\/\/ or https:\/\/ scheme: write http:\/\/localhost:8080$/ },
  { args: ['status', '--timeout', '0'], exit: 2, says: /^switchboard status: --timeout "0": must be a positive number of seconds$/ },
  { args: ['status', 'http://127.0.0.1:8080'], exit: 2, says: /^switchboard status: unexpected argument "http:\/\/127.0.0.1:8080"/ },
  { args: ['status', '--url', 'http://127.0.0.1:@CLOSED'], exit: 1, says: /^status: cannot reach the controller at http:\/\/127.0.0.1:\d+\/status: ECONNREFUSED; is `switchboard run` running/ },

  { args: ['graph'], exit: 2, says: /^switchboard graph: no manifests given: pass -f PATH/ },
  { args: ['graph', EXAMPLES], exit: 2, says: /^switchboard graph: unexpected argument "manifests\/examples": name manifests with -f: switchboard graph -f manifests\/examples$/ },
  { args: ['graph', '-f', EXAMPLES, '--format', 'svg'], exit: 2, says: /^switchboard graph: --format "svg": allowed choices are mermaid, dot$/ },
  { args: ['graph', '-f', EXAMPLES, '--url', '127.0.0.1:8080'], exit: 2, says: /^switchboard graph: --url "127.0.0.1:8080": has no http:\/\/ or https:\/\/ scheme: write http:\/\/127.0.0.1:8080$/ },
  { args: ['graph', '-f', EXAMPLES, '--url', 'http://127.0.0.1:@CLOSED'], exit: 1, says: /^graph: cannot reach the controller at http:\/\/127.0.0.1:\d+\/status: ECONNREFUSED/ },
  { args: ['graph', '-f', 'manifests/invalid/duplicate-key.yaml'], exit: 1, says: /duplicate-key\.yaml:\d+:\d+: error: / },

  { args: ['logs', '--since', 'yesterday'], exit: 2, says: /^switchboard logs: --since "yesterday": must be a duration/ },
  { args: ['logs'], exit: 2, says: /^switchboard logs: no AWS Region/, spawn: true },
  { args: ['logs', '--endpoint-url', 'localhost:4566'], exit: 2, says: /^switchboard logs: --endpoint-url "localhost:4566": has no http:\/\/ or https:\/\/ scheme/ },

  { args: ['simulator', '--port', '70000'], exit: 2, says: /^switchboard simulator: --port "70000": must be a port number/ },
  { args: ['simulator', '--time-scale', '0'], exit: 2, says: /^switchboard simulator: --time-scale "0": must be a positive number$/ },
  { args: ['simulator', '--port', '@BUSY'], exit: 1, says: /^simulator: cannot start: .*EADDRINUSE/, spawn: true },

  { args: ['import'], exit: 2, says: /^switchboard import: no cluster given: pass --cluster NAME/ },
  { args: ['import', 'shop'], exit: 2, says: /^switchboard import: unexpected argument "shop": name clusters with --cluster: switchboard import --cluster shop$/ },
  { args: ['import', '--cluster', 'shop', '--concurrency', 'many'], exit: 2, says: /^switchboard import: --concurrency "many": must be a positive whole number$/ },
  { args: ['import', '--cluster', 'shop', '--endpoint-url', '127.0.0.1:4566'], exit: 2, says: /^switchboard import: --endpoint-url "127.0.0.1:4566": has no http:\/\/ or https:\/\/ scheme/ },
  { args: ['import', '--cluster', 'shop', '-o', 'manifests/examples'], exit: 2, says: /^switchboard import: output folder manifests\/examples is not empty: pass --force/ },
  { args: ['import', '--cluster', 'shop'], exit: 2, says: /^switchboard import: no AWS Region/, spawn: true },

  { args: ['demo', '--time-scale', 'abc'], exit: 2, says: /^switchboard demo: --time-scale "abc": must be a positive number$/ },
  { args: ['demo', '--listen', 'localhost'], exit: 2, says: /^switchboard demo: --listen "localhost": expected HOST:PORT/ },
];

const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\)|\(<anonymous>\))$/m;

function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith('AWS_') || k.startsWith('SWITCHBOARD_')) continue;
    env[k] = v;
  }
  // No credentials, no Region, no profile files and no instance metadata: nothing can reach AWS.
  return { ...env, AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' };
}

function runBuilt(args: readonly string[], env: Record<string, string>): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.resolve('dist/main.js'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // A mistake that is not caught runs for ever (a daemon, a simulator): that is a failure too.
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs the CLI in this process with exactly `env` as the environment (restored afterwards). */
async function runInProcess(args: readonly string[], env: Record<string, string>): Promise<Outcome> {
  const saved = { ...process.env };
  for (const k of Object.keys(process.env)) delete process.env[k];
  Object.assign(process.env, env);
  try {
    const run = await runSwitchboard(args);
    return { code: run.code, stdout: run.stdout, stderr: run.stderr };
  } catch (err) {
    // What escapes runCli is what main.ts would print: show it as the stack it carries.
    return { code: null, stdout: '', stderr: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  } finally {
    for (const k of Object.keys(process.env)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

const withPorts = (args: readonly string[]): string[] => args.map((a) => a.replace('@BUSY', String(busyPort)).replace('@CLOSED', String(closedPort)));
const label = (m: Mistake): string => `switchboard ${m.args.join(' ')}${m.env ? ` (${Object.keys(m.env).join(', ')})` : ''}`;

let outcomes: Outcome[];

beforeAll(async () => {
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  busyPort = (busy.address() as { port: number }).port;
  closedPort = await freePort();
  outcomes = new Array<Outcome>(MISTAKES.length);
  const indexed = MISTAKES.map((m, i) => ({ m, i }));
  const spawned = mapLimit(
    indexed.filter(({ m }) => m.spawn),
    4,
    async ({ m, i }) => {
      outcomes[i] = await runBuilt(withPorts(m.args), { ...baseEnv(), ...m.env });
    },
  );
  // One at a time: each swaps the process environment.
  for (const { m, i } of indexed.filter(({ m }) => !m.spawn)) outcomes[i] = await runInProcess(withPorts(m.args), { ...baseEnv(), ...m.env });
  await spawned;
}, 180_000);

afterAll(async () => {
  await new Promise<void>((resolve) => busy.close(() => resolve()));
  scratch.cleanup();
});

test('the table holds at least 25 mistakes and covers every command', () => {
  expect(MISTAKES.length).toBeGreaterThanOrEqual(25);
  const commands = buildProgram(() => undefined).commands.map((c) => c.name());
  const covered = new Set(MISTAKES.map((m) => m.args[0]));
  expect(commands.filter((c) => !covered.has(c))).toEqual([]);
});

test.each(MISTAKES.map((m, i) => [label(m), i] as const))('%s: one clear line, the right exit code, no stack trace', (_name, i) => {
  const m = MISTAKES[i] as Mistake;
  const out = outcomes[i] as Outcome;
  const all = `${out.stdout}${out.stderr}`;
  expect({ stackTrace: STACK_FRAME.test(all) }).toEqual({ stackTrace: false });
  expect(all).not.toMatch(/NodeVersionSupportWarning|will require node/);
  expect({ code: out.code, stderr: out.stderr.trimEnd() }).toEqual({ code: m.exit, stderr: expect.stringMatching(m.says) as unknown as string });
  if (m.prints) expect(out.stdout).toMatch(m.prints);
  // A usage error is exactly one line (commander's full help for a bare `switchboard` aside).
  if (m.exit === 2 && m.args.length > 0) expect(out.stderr.trimEnd().split('\n')).toHaveLength(1);
});
