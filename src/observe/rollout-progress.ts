/**
 * Rollout progress for a person waiting on `apply --wait`: on a terminal, one line per service
 * (deployment state, running/desired, time waited), redrawn in place every few seconds; anywhere
 * else (a CI log, a file), one line each time a service's state changes.
 */
import type { RolloutProgress } from '../reconcile/apply.js';
import { escapeControls } from '../util/terminal.js';

/** Where progress goes (stderr): only `write` is used. */
export interface ProgressStream {
  write(text: string): unknown;
}

export interface RolloutProgressOptions {
  stream: ProgressStream;
  /** Redraw in place (a terminal) or print changes as lines. */
  tty: boolean;
  /** How often a terminal is redrawn (default 3 s). */
  intervalMs?: number;
  /** Calls `tick` every `ms` until the returned function is called; tests pass a fake. */
  every?: (ms: number, tick: () => void) => () => void;
}

const DEFAULT_INTERVAL_MS = 3000;

function realEvery(ms: number, tick: () => void): () => void {
  const timer = setInterval(tick, ms);
  timer.unref();
  return () => clearInterval(timer);
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)}s`;
}

/**
 * What a service's rollout looks like now, e.g. `IN_PROGRESS, 1/3 running`. A failure reason may
 * echo what a manifest said (a container's command, an image name): its control characters are
 * escaped, so it stays one line and cannot drive the terminal.
 */
function state(p: RolloutProgress): string {
  if (p.failed !== undefined) return `failed: ${escapeControls(p.failed)}`;
  const counts = `${p.running}/${p.desired} running`;
  return p.done ? `rolled out, ${counts}` : `${escapeControls(p.rolloutState)}, ${counts}`;
}

/** Shows rollout progress; `update` with each poll, `close` once the waits are over. */
export class RolloutProgressView {
  private readonly latest = new Map<string, RolloutProgress>();
  private readonly printed = new Map<string, string>();
  private drawnLines = 0;
  private stopTimer: (() => void) | undefined;

  constructor(private readonly options: RolloutProgressOptions) {}

  update(p: RolloutProgress): void {
    this.latest.set(p.key, p);
    if (!this.options.tty) {
      const text = state(p);
      if (this.printed.get(p.key) === text) return;
      this.printed.set(p.key, text);
      this.options.stream.write(`${p.key}: ${text} (${seconds(p.elapsedMs)})\n`);
      return;
    }
    if (this.stopTimer === undefined) {
      this.stopTimer = (this.options.every ?? realEvery)(this.options.intervalMs ?? DEFAULT_INTERVAL_MS, () => this.draw());
      this.draw();
    }
  }

  /** Stops redrawing, leaving the final state on a terminal. */
  close(): void {
    if (this.stopTimer === undefined) return;
    this.stopTimer();
    this.stopTimer = undefined;
    this.draw();
  }

  private draw(): void {
    const rows = [...this.latest.values()];
    const width = Math.max(...rows.map((p) => p.key.length));
    // Back to the first line of the last drawing, then overwrite each line (clearing its rest).
    const up = this.drawnLines > 0 ? `\x1b[${this.drawnLines}F` : '';
    const lines = rows.map((p) => `\x1b[2K  ${p.key.padEnd(width)}  ${state(p)}  ${seconds(p.elapsedMs)}\n`);
    this.options.stream.write(`${up}${lines.join('')}`);
    this.drawnLines = rows.length;
  }
}
