/** Measuring helpers for the benchmark: process figures from /proc, call counts, percentiles. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { CallCounts } from '../../src/simulator/index.js';

/** CPU time and memory of a process, read from /proc (Linux). */
export interface ProcStats {
  /** User + system CPU time, ms. */
  cpuMs: number;
  /** Resident set size now, MiB. */
  rssMiB: number;
  /** Peak resident set size (VmHWM), MiB. */
  peakRssMiB: number;
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** Reads a live process's CPU time and RSS; undefined once it has exited. */
export function procStats(pid: number): ProcStats | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at field 3; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { cpuMs: (ticks / clockTicks()) * 1000, rssMiB: kb('VmRSS') / 1024, peakRssMiB: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** Samples a process's peak RSS while it runs (VmHWM is kept by the kernel; this keeps the last reading). */
export class ProcSampler {
  last: ProcStats | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly pid: number,
    intervalMs = 100,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample(): ProcStats | undefined {
    const s = procStats(this.pid);
    if (s) this.last = s;
    return this.last;
  }

  stop(): ProcStats | undefined {
    clearInterval(this.timer);
    return this.sample();
  }
}

/** AWS calls by `service:Operation` (all outcomes), from the simulator's counters. */
export type OpCounts = Record<string, number>;

/** Flattens the simulator's counters into `service:Operation -> calls`, plus totals. */
export function flattenCalls(counts: CallCounts): { ops: OpCounts; total: number; writes: number; throttled: number } {
  const ops: OpCounts = {};
  for (const [svc, c] of Object.entries(counts.services)) {
    // Named as the adapters name them (`servicediscovery:ListNamespaces`).
    const prefix = svc === 'cloudmap' ? 'servicediscovery' : svc;
    for (const [op, v] of Object.entries(c.operations)) ops[`${prefix}:${op}`] = v.calls;
  }
  return { ops: sortOps(ops), total: counts.totals.calls, writes: counts.mutatingCalls, throttled: counts.totals.throttled };
}

/** The same counts with keys in a stable order. */
export function sortOps(ops: OpCounts): OpCounts {
  return Object.fromEntries(Object.entries(ops).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Adds `b` into `a`. */
export function addOps(a: OpCounts, b: OpCounts): OpCounts {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return sortOps(out);
}

/** Divides every count (per-operation averages). */
export function scaleOps(a: OpCounts, by: number): OpCounts {
  return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, Math.round((v / by) * 100) / 100]));
}

/** Short form: `ecs:DescribeServices 100, servicediscovery:ListNamespaces 1`. */
export function formatOps(ops: OpCounts): string {
  const short = (k: string): string => k.replace(/^servicediscovery:/, 'sd:').replace(/^ecs:/, '').replace(/^logs:/, 'logs:');
  return Object.entries(ops)
    .map(([k, v]) => `${short(k)} ${v}`)
    .join(', ');
}

/** The p-th percentile (0-100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

/** Waits `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` every `everyMs` until it holds; throws after `timeoutMs`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 20): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
