/**
 * Names and values that carry control characters (a newline in a file name, an ESC or OSC
 * sequence, an 8-bit CSI, a right-to-left override) are printed escaped in every human-facing
 * output: validate, plan and apply text, `switchboard status`, `switchboard logs`, pretty daemon
 * logs. Raw, they forge lines, retitle or clear the terminal.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Health } from '../../src/observe/health.js';
import { startHttpServer } from '../../src/observe/http.js';
import { formatLogLine } from '../../src/observe/log-lines.js';
import { Metrics } from '../../src/observe/metrics.js';
import { StatusStore } from '../../src/observe/status.js';
import { startSimulator } from '../../src/simulator/index.js';
import { runSwitchboard } from '../helpers/cli.js';
import { copyWalkthrough } from '../helpers/fs.js';
import { startDaemon, until } from '../daemon/helpers.js';

// What a hostile name carries: a newline forging a log line, an OSC title change, a clear screen,
// an 8-bit CSI and a right-to-left override.
const HOSTILE = 'x\nFORGED LINE \u001b]0;pwned\u0007\u001b[2J\u009b2J\u202eevil';
/** The raw control characters a terminal acts on in `text` (tab and line ends aside), as code points. */
function rawControls(text: string): number[] {
  return [...text].map((c) => c.codePointAt(0) ?? 0).filter((n) => (n < 0x20 && n !== 0x09 && n !== 0x0a) || (n >= 0x7f && n <= 0x9f) || (n >= 0x202a && n <= 0x202e) || (n >= 0x2066 && n <= 0x2069));
}

function noRawControls(text: string): void {
  expect(rawControls(text)).toEqual([]);
  expect(text).not.toMatch(/^FORGED LINE/m);
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'switchboard-inject-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

test('validate prints file names and messages escaped', async () => {
  writeFileSync(path.join(dir, `${HOSTILE}.yaml`), 'apiVersion: switchboard.dev/v1alpha1\nkind: Service\nmetadata: {name: web}\nspec: {desiredCont: 1}\n');
  const r = await runSwitchboard(['validate', dir]);
  expect(r.code).toBe(1);
  noRawControls(r.stdout);
  expect(r.stdout).toContain('x\\nFORGED LINE \\x1b]0;pwned\\x07\\x1b[2J\\x9b2J\\u202eevil.yaml');
});

test('plan text shows values with control characters escaped', async () => {
  const sim = await startSimulator({ timeScale: 100 });
  try {
    copyWalkthrough(dir);
    const file = path.join(dir, 'nginx.yaml');
    const original = readFileSync(file, 'utf8');
    const greeting = (value: string): void => writeFileSync(file, original.replace('      essential: true\n', `      essential: true\n      environment:\n        - name: GREETING\n          value: ${JSON.stringify(value)}\n`));
    greeting('hello');
    expect((await runSwitchboard(['apply', '-f', dir, '--endpoint-url', sim.url, '--log-level', 'silent'])).code).toBe(0);
    greeting(HOSTILE);
    const plan = await runSwitchboard(['plan', '-f', dir, '--endpoint-url', sim.url, '--log-level', 'silent']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('GREETING');
    noRawControls(plan.stdout);
    const apply = await runSwitchboard(['apply', '-f', dir, '--endpoint-url', sim.url, '--log-level', 'silent']);
    expect(apply.code).toBe(0);
    noRawControls(apply.stdout);
  } finally {
    await sim.close();
  }
});

test('switchboard status prints what /status says with control characters escaped', async () => {
  const status = new StatusStore();
  const metrics = new Metrics({ defaultMetrics: false, observeAws: false });
  const server = await startHttpServer({ listen: '127.0.0.1:0', status, metrics, health: new Health() });
  try {
    status.setSource({ description: `directory ${HOSTILE}`, revision: 'r1', complete: false, lastError: { message: HOSTILE } });
    status.markStalled('Service/web', 'r1', [{ severity: 'error', code: 'x', file: `${HOSTILE}.yaml`, line: 1, column: 1, message: HOSTILE }]);
    const r = await runSwitchboard(['status', '--url', server.url]);
    expect(r.code).toBe(1);
    noRawControls(r.stdout);
    expect(r.stdout).toContain('\\x1b]0;pwned');
  } finally {
    await server.close();
    metrics.dispose();
  }
});

test('switchboard logs prints messages, fields and other programs\u2019 lines escaped', () => {
  noRawControls(formatLogLine(JSON.stringify({ level: 50, time: 0, msg: HOSTILE, resource: HOSTILE, file: HOSTILE, err: { message: HOSTILE } }), 0));
  noRawControls(formatLogLine(`not json ${HOSTILE}`, 0));
});

test('pretty daemon logs print a hostile file name escaped, on one line', async () => {
  const sim = await startSimulator({ timeScale: 100 });
  try {
    copyWalkthrough(dir);
    writeFileSync(path.join(dir, `${HOSTILE}.yaml`), 'kind: [unclosed\n');
    const daemon = await startDaemon(['--source', dir, '--endpoint-url', sim.url, '--log-format', 'pretty']);
    try {
      await until('the file reported', () => daemon.stdout().includes('cannot be read as manifests'));
      noRawControls(daemon.stdout());
    } finally {
      daemon.child.kill('SIGTERM');
      await daemon.exited;
    }
  } finally {
    await sim.close();
  }
}, 30_000);
