/** The benchmark's table, and the description of the machine it ran on. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { formatOps } from './measure.js';
import type { ScenarioResult } from './scenarios.js';

/** The machine and software a run measured. */
export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  platform: string;
  commit: string;
}

/** Describes this machine. */
export function machineInfo(): MachineInfo {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpuModel;
  } catch {
    // not Linux: keep what os.cpus() says
  }
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout
  }
  return { cpus: os.availableParallelism(), cpuModel, memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10, node: process.version, platform: `${os.type()} ${os.release()}`, commit };
}

function num(v: number | undefined, digits = 0): string {
  if (v === undefined || !Number.isFinite(v)) return '-';
  return v.toFixed(digits);
}

function secs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '-';
  return ms >= 10_000 ? `${(ms / 1000).toFixed(0)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`;
}

/** A fixed-width text table of the results. */
export function formatTable(results: readonly ScenarioResult[]): string {
  const header = ['scenario', 'N', 'figure', 'measured', 'bound', 'ratio', 'wall', 'CPU', 'peak RSS', 'baseline (per-resource)'];
  const rows = results.map((r) => [
    r.scenario,
    String(r.n),
    r.metric,
    num(r.measured, r.measured % 1 === 0 ? 0 : 2),
    num(r.bound, r.bound % 1 === 0 ? 0 : 1),
    `${num(r.ratio, 2)}x`,
    secs(r.wallMs),
    secs(r.cpuMs),
    r.peakRssMiB !== undefined ? `${num(r.peakRssMiB)} MiB` : '-',
    r.baseline ? `${r.baseline.totalCalls} calls (${num(r.baseline.callRatio, 1)}x), ${secs(r.baseline.wallMs)} (${num(r.baseline.timeRatio, 1)}x)` : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  for (const r of results) {
    const callsOnly = r.details?.callsOnlyCpuMs;
    if (typeof callsOnly === 'number') out.push(`  ${r.scenario}, N=${r.n}: CPU per pass ${Math.round(r.cpuMs ?? 0)} ms, of which the same reads alone through the SDK clients ${Math.round(callsOnly)} ms`);
  }
  out.push('', 'calls per operation:');
  for (const r of results) if (Object.keys(r.calls).length > 0) out.push(`  ${r.scenario}, N=${r.n} (${r.callsAre}): ${formatOps(r.calls)}`);
  return out.join('\n');
}
