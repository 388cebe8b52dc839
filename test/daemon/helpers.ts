import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { copyWalkthrough, tempDir } from '../helpers/fs.js';

/** A `switchboard run` child process started from the built `dist/`, with its JSON log lines. */
export interface Daemon {
  child: ChildProcessWithoutNullStreams;
  lines: Record<string, unknown>[];
  url: string;
  exited: Promise<number | null>;
  stderr(): string;
  /** Everything written to stdout, as written (pretty logs are not JSON lines). */
  stdout(): string;
}

/** Starts the real CLI (`node dist/main.js run ...`) and resolves once it serves HTTP. */
export async function startDaemon(args: readonly string[], env: Record<string, string> = {}): Promise<Daemon> {
  const child = spawn(process.execPath, [path.resolve('dist/main.js'), 'run', '--listen', '127.0.0.1:0', '--log-format', 'json', ...args], {
    env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', ...env },
  });
  const lines: Record<string, unknown>[] = [];
  let buffer = '';
  let outText = '';
  let errText = '';
  child.stderr.on('data', (d: Buffer) => {
    errText += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    // Generous: two daemons starting at once on a loaded machine have taken more than 15 s.
    const timer = setTimeout(() => reject(new Error(`daemon did not start: ${errText}`)), 40_000);
    child.stdout.on('data', (d: Buffer) => {
      outText += d.toString();
      buffer += d.toString();
      // Pretty logs: the start line says where the endpoints are (host:port, before the map's trailing /).
      const pretty = /status on (http:\/\/[^\s;/]+)/.exec(outText);
      if (pretty?.[1] !== undefined && !outText.trimStart().startsWith('{')) {
        clearTimeout(timer);
        resolve(pretty[1]);
      }
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        try {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          lines.push(parsed);
          if (parsed.action === 'start' && typeof parsed.listen === 'string') {
            clearTimeout(timer);
            resolve(parsed.listen);
          }
        } catch {
          // not a log line
        }
      }
    });
    void exited.then((code) => reject(new Error(`daemon exited ${String(code)}: ${errText}`)));
  });
  return { child, lines, url, exited, stderr: () => errText, stdout: () => outText };
}

/**
 * Polls until `check` holds. A check that throws counts as not yet: under load a poll can meet a
 * connection reset (a keep-alive socket the daemon closed as the client reused it); the last such
 * error is reported if the wait runs out.
 */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < end) {
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const cause = lastError instanceof Error ? `: last attempt: ${lastError.message}${lastError.cause instanceof Error ? ` (${lastError.cause.message})` : ''}` : '';
  throw new Error(`timed out waiting for ${what}${cause}`);
}

/** What a daemon test works with: a simulator, a folder holding the walkthrough, and the daemon it started. */
export interface DaemonWorld {
  sim: SimulatorHandle;
  dir: string;
  daemon: Daemon | undefined;
}

/**
 * A fresh simulator and a folder holding the walkthrough manifests before each test of the file
 * that calls it; after each, a daemon still running is killed and both are removed.
 */
export function daemonWorld(): DaemonWorld {
  const w = { daemon: undefined } as DaemonWorld;
  let cleanup: () => void = () => undefined;
  beforeEach(async () => {
    w.sim = await startSimulator({ timeScale: 100 });
    const t = tempDir();
    w.dir = t.dir;
    cleanup = t.cleanup;
    copyWalkthrough(w.dir);
  });
  afterEach(async () => {
    const d = w.daemon;
    if (d && d.child.exitCode === null && d.child.signalCode === null) {
      d.child.kill('SIGKILL');
      await d.exited;
    }
    w.daemon = undefined;
    await w.sim.close();
    cleanup();
  });
  return w;
}
