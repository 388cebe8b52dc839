/**
 * Prints the results file of a benchmark run as Markdown tables (for BENCHMARKS.md):
 * `node <bench build>/test/bench/render.js [test/bench/results.json]`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { formatOps } from './measure.js';
import type { MachineInfo } from './report.js';
import type { ScenarioResult } from './scenarios.js';

interface ResultsFile {
  generatedAt: string;
  complete: boolean;
  durationS: number;
  machine: MachineInfo;
  settings: Record<string, unknown>;
  results: ScenarioResult[];
}

function fmt(v: number | undefined, digits = 0): string {
  return v === undefined || !Number.isFinite(v) ? '–' : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function time(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '–';
  return ms >= 10_000 ? `${fmt(ms / 1000)} s` : ms >= 1000 ? `${fmt(ms / 1000, 1)} s` : `${fmt(ms)} ms`;
}

/** The results as Markdown. */
export function renderMarkdown(doc: ResultsFile): string {
  const out: string[] = [];
  const m = doc.machine;
  out.push(`Run of ${doc.generatedAt} at commit \`${m.commit}\` (${doc.complete ? 'complete' : 'INCOMPLETE'}, ${fmt(doc.durationS / 60, 1)} min): ${m.cpus} vCPU ${m.cpuModel}, ${fmt(m.memoryGiB, 1)} GiB, Node.js ${m.node}, ${m.platform}.`, '');
  out.push('| scenario | N | figure | measured | lower bound | ratio | wall | CPU | peak RSS | per-resource baseline |');
  out.push('|---|--:|---|--:|--:|--:|--:|--:|--:|---|');
  for (const r of doc.results) {
    const b = r.baseline;
    out.push(
      `| ${r.scenario} | ${fmt(r.n)} | ${r.metric} | ${fmt(r.measured, r.measured % 1 === 0 ? 0 : 2)} | ${fmt(r.bound, r.bound % 1 === 0 ? 0 : 2)} | ${fmt(r.ratio, 2)}x | ${time(r.wallMs)} | ${time(r.cpuMs)} | ${r.peakRssMiB !== undefined ? `${fmt(r.peakRssMiB)} MiB` : '–'} | ${b ? `${fmt(b.totalCalls)} calls (${fmt(b.callRatio, 1)}x), ${time(b.wallMs)} (${fmt(b.timeRatio, 1)}x)` : ''} |`,
    );
  }
  out.push('', 'Details:', '');
  for (const r of doc.results) {
    const d = r.details as Record<string, unknown>;
    const n = fmt(r.n);
    if (r.scenario.startsWith('1')) out.push(`- ${r.scenario}, N = ${n}: ${fmt(d.writes as number)} writes (bound ${fmt(d.writesBound as number)}), ${fmt(d.readCalls as number)} reads, ${fmt(r.throttled)} throttled, ${fmt(d.passes as number)} pass(es); an apply in phases would take: ${d.phasedArithmetic as string}`);
    if (r.scenario.startsWith('2')) out.push(`- ${r.scenario}, N = ${n}: calls per pass ${(d.callsPerPass as number[]).join(', ')}; CPU per pass: first (fresh process) ${time(d.firstPassCpuMs as number)}, later ${time(d.cpuMsPerWarmPass as number)} (of which the same reads alone through the SDK clients: ${time(d.callsOnlyCpuMs as number)}); ${fmt(d.writes as number)} writes`);
    if (r.scenario.startsWith('3')) {
      const l = d.latencyMs as { p50: number; p95: number; min: number; max: number };
      out.push(`- ${r.scenario}, N = ${n}: file rename to first write p50 ${fmt(l.p50)} ms, p95 ${fmt(l.p95)} ms (min ${fmt(l.min)}, max ${fmt(l.max)}) over ${fmt(d.edits as number)} edits; floor ${d.latencyFloorArithmetic as string}; ${fmt(d.writesPerChange as number, 1)} writes, ${fmt(d.readsPerChange as number, 1)} reads (a steady pass reads ${fmt(d.steadyPassReads as number)}) and ${fmt(d.passesPerChange as number, 1)} pass per change`);
    }
    if (r.scenario.startsWith('4')) out.push(`- ${r.scenario}, N = ${n}: K = ${fmt(d.k as number)} drifted, ${fmt(d.repaired as number)} repaired in one pass with ${fmt(d.writes as number)} writes`);
    if (r.scenario.startsWith('5')) out.push(`- ${r.scenario}, N = ${n}: ${fmt(d.keys as number)} keys; ${fmt(d.quietPolls as number)} unchanged polls made ${fmt(d.quietListPages as number)} ListObjectsV2 pages, ${fmt(d.quietGets as number)} GetObject and ${fmt(d.awsCallsWhileQuiet as number)} AWS calls; one changed object: ${fmt(d.changeGets as number)} GetObject`);
    if (r.scenario.startsWith('6')) {
      const samples = (d.rssSamples as { pass: number; rssMiB: number; heapUsedMiB?: number }[])
        .map((x) => `${x.pass}: ${fmt(x.rssMiB, 1)}${x.heapUsedMiB !== undefined ? ` (heap ${fmt(x.heapUsedMiB, 1)})` : ''}`)
        .join(', ');
      out.push(`- ${r.scenario}, N = ${n}: start-up to end of first pass ${time(d.startupToFirstPassMs as number)} (the pass itself ${time(d.firstPassMs as number)}); RSS after the first pass ${fmt(d.rssAfterFirstPassMiB as number, 1)} MiB; RSS (MiB) after resync pass ${samples}; growth from pass 10 to 100: ${fmt(d.rssGrowth10To100MiB as number, 1)} MiB; CPU per resync pass ${time(d.cpuMsPerResyncPass as number)}; resync every ${fmt(d.resyncIntervalMs as number)} ms, throttling ${d.throttling ? 'on' : 'off'}, ${fmt(d.resyncPassesNotOk as number)} passes not ok`);
    }
  }
  out.push('', 'AWS calls per operation:', '');
  for (const r of doc.results) if (Object.keys(r.calls).length > 0) out.push(`- ${r.scenario}, N = ${fmt(r.n)} (${r.callsAre}): ${formatOps(r.calls)}${r.throttled ? `; throttled: ${r.throttled}` : ''}`);
  return out.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]).endsWith(path.join('test', 'bench', 'render.js'))) {
  const file = process.argv[2] ?? 'test/bench/results.json';
  process.stdout.write(`${renderMarkdown(JSON.parse(readFileSync(file, 'utf8')) as ResultsFile)}\n`);
}
