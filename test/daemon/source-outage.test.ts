/**
 * A folder source that goes away while the controller runs is an outage, not a usage error: the
 * controller keeps its last snapshot, says so, and reports the filesystem error as such.
 * (A folder missing at start-up is a usage error: see test/cli/mistakes.test.ts.)
 */
import { rmSync } from 'node:fs';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { copyWalkthrough, tempDir } from '../helpers/fs.js';
import { startDaemon, until, type Daemon } from './helpers.js';

let sim: SimulatorHandle;
let daemon: Daemon | undefined;

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 100 });
});

afterAll(async () => {
  if (daemon && daemon.child.exitCode === null) {
    daemon.child.kill('SIGKILL');
    await daemon.exited;
  }
  await sim.close();
});

test('a source folder removed while running keeps the last snapshot and logs the errno as errorCode', async () => {
  const { dir, cleanup } = tempDir();
  try {
    copyWalkthrough(dir);
    daemon = await startDaemon(['--source', dir, '--endpoint-url', sim.url, '--poll-interval', '200ms']);
    const d = daemon;
    await until('ready', async () => (await fetch(`${d.url}/readyz`)).status === 200, 20_000);
    rmSync(dir, { recursive: true, force: true });
    await until('the source error logged', () => d.lines.some((l) => typeof l.msg === 'string' && l.msg.startsWith('source:')), 20_000);
    const line = d.lines.find((l) => typeof l.msg === 'string' && l.msg.startsWith('source:')) ?? {};
    expect(line.msg).toMatch(/keeping the last good snapshot$/);
    expect(line.errorCode).toBe('ENOENT');
    expect(line).not.toHaveProperty('awsErrorCode');
    expect(d.child.exitCode).toBeNull();
    expect((await fetch(`${d.url}/healthz`)).status).toBe(200);
  } finally {
    cleanup();
  }
}, 45_000);
