/** `switchboard run` as the benchmark drives it: the built CLI in its own process, its log lines, its /proc figures. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { ProcSampler, until } from './measure.js';
import { DAEMON_NODE_OPTIONS } from '../../src/cli/heap.js';

/** One `action: "pass"` log line. */
export interface PassLine {
  time: number;
  pass: number;
  trigger: string;
  durationMs: number;
  counts: Record<string, number>;
  result: string;
}

/** A running daemon. */
export class BenchDaemon {
  readonly lines: Record<string, unknown>[] = [];
  readonly passes: PassLine[] = [];
  readonly spawnedAt: number;
  readonly sampler: ProcSampler;
  /** Where its HTTP endpoints listen, once it said so. */
  url: string | undefined;
  private stderr = '';
  private readonly exited: Promise<number | null>;

  private constructor(readonly child: ChildProcessWithoutNullStreams) {
    this.spawnedAt = Date.now();
    this.sampler = new ProcSampler(child.pid ?? 0);
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    let buffer = '';
    child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const text = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        let line: Record<string, unknown>;
        try {
          line = JSON.parse(text) as Record<string, unknown>;
        } catch {
          continue;
        }
        // Keep what the benchmark reads; drop per-resource lines so 1,000 services do not fill memory.
        if (line.action === 'start' && typeof line.listen === 'string') this.url = line.listen;
        if (line.action === 'pass') this.passes.push(line as unknown as PassLine);
        else if (line.level !== undefined && Number(line.level) >= 40) this.lines.push(line);
      }
    });
  }

  /** Starts `node <cli> run --log-format json ...args` (cli: the built `dist/main.js`) with `env` added. */
  static start(cli: string, args: readonly string[], env: Record<string, string>): BenchDaemon {
    const child = spawn(process.execPath, [cli, 'run', '--listen', '127.0.0.1:0', '--log-format', 'json', ...args], {
      // Node started as the image starts it, so the memory figures are the deployed controller's.
      env: { ...process.env, NODE_OPTIONS: DAEMON_NODE_OPTIONS, AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    });
    return new BenchDaemon(child);
  }

  /** Waits for the n-th pass line (1-based). */
  async pass(n: number, timeoutMs: number): Promise<PassLine> {
    await until(`pass ${n} of the daemon`, () => {
      if (this.child.exitCode !== null) throw new Error(`the daemon exited ${this.child.exitCode}: ${this.stderr.trim()}`);
      return this.passes.length >= n;
    }, timeoutMs);
    return this.passes[n - 1] as PassLine;
  }

  /** The V8 heap in use, MiB, from its /metrics (prom-client's default metrics); undefined if unavailable. */
  async heapUsedMiB(): Promise<number | undefined> {
    if (this.url === undefined) return undefined;
    try {
      const text = await (await fetch(`${this.url}/metrics`)).text();
      const bytes = Number(/^nodejs_heap_size_used_bytes(?:\{[^}]*\})? (\S+)$/m.exec(text)?.[1]);
      return Number.isFinite(bytes) ? bytes / 2 ** 20 : undefined;
    } catch {
      return undefined;
    }
  }

  /** Warnings and errors the daemon logged. */
  problems(): string[] {
    return this.lines.map((l) => String(l.msg ?? ''));
  }

  /** SIGTERM, then waits for the exit code. */
  async stop(): Promise<number | null> {
    this.sampler.stop();
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
