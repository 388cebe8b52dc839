/**
 * The benchmark's scenarios. Each runs against a simulator with AWS's throttle quotas on and
 * returns a ScenarioResult: the figures measured, the lower bound of its main figure with the
 * arithmetic, and the ratio. Work whose CPU time and memory are reported runs in its own process
 * (an engine worker, or `switchboard run` itself).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import { fleetCluster } from '../helpers/fleet.js';
import { coldConvergeFloor, coldConvergeWrites, driftCalls, importCalls, importFloor, ONE_CHANGE_READS, oneChangeWrites, phasedColdConverge, s3PollCalls, steadyStateCalls, total, type FleetShape } from './bounds.js';
import { BenchDaemon } from './daemon.js';
import { runTask, runWorker, type WorkerResult, type WorkerTask } from './engine-worker.js';
import { addOps, flattenCalls, percentile, ProcSampler, scaleOps, sleep, sortOps, until, type OpCounts } from './measure.js';
import { FakeS3 } from './s3-fake.js';

/** One row of the results. */
export interface ScenarioResult {
  scenario: string;
  n: number;
  /** What the bound is a bound on, and its unit. */
  metric: string;
  measured: number;
  bound: number;
  ratio: number;
  arithmetic: string;
  wallMs?: number;
  cpuMs?: number;
  peakRssMiB?: number;
  /** AWS calls per operation (per pass, per change, or in total: see `callsAre`). */
  calls: OpCounts;
  callsAre: string;
  throttled: number;
  baseline?: { calls: OpCounts; totalCalls: number; wallMs: number; cpuMs?: number; callRatio: number; timeRatio: number };
  details: Record<string, unknown>;
  limits: string;
}

/** How to run the scenarios of one fleet size. */
export interface SizeContext {
  n: number;
  shape: FleetShape;
  sim: SimulatorHandle;
  dir: string;
  latency: { fixedMs: number; jitterMs: number };
  /** Run engine work in child processes (the benchmark) or in this process (the call-count test). */
  isolate: boolean;
  concurrency: number;
  /** The built CLI the daemon scenarios run (`dist/main.js`). */
  cli: string;
  log(message: string): void;
}

/** The fleet shape the benchmark uses for N services. */
export function fleetShape(n: number): FleetShape {
  return { services: n, namespaces: 3, clusters: n >= 1000 ? 3 : n >= 100 ? 2 : 1 };
}

const NAMESPACE_OPERATION_MS = 1000;

function ratio(measured: number, bound: number): number {
  return bound > 0 ? Math.round((measured / bound) * 100) / 100 : measured === 0 ? 1 : Number.POSITIVE_INFINITY;
}

/** Fresh buckets at the simulator, as after a quiet period at AWS. */
function refillBuckets(sim: SimulatorHandle): void {
  sim.setThrottling({ enabled: true });
}

function task(ctx: SizeContext, overrides: Partial<WorkerTask>): WorkerTask {
  return { simUrl: ctx.sim.url, dir: ctx.dir, mode: 'passes', passes: 1, pauseMs: 0, strategy: 'batched', pacing: true, concurrency: ctx.concurrency, ...overrides };
}

function work(ctx: SizeContext, t: WorkerTask): Promise<WorkerResult> {
  return ctx.isolate ? runWorker(t) : runTask(t);
}

function servicesIn(sim: SimulatorHandle): number {
  const region = sim.dumpState().regions['us-east-1'];
  return Object.values(region?.ecs.services ?? {}).reduce((sum, byName) => sum + Object.values(byName).filter((s) => s.status === 'ACTIVE').length, 0);
}

/** 1. Cold converge: empty account -> every resource created. */
export async function coldConverge(ctx: SizeContext, pacing = true): Promise<ScenarioResult> {
  ctx.sim.resetState();
  ctx.sim.resetCalls();
  refillBuckets(ctx.sim);
  const r = await work(ctx, task(ctx, { mode: 'converge', passes: 30, pacing }));
  // The worker resets the counters per pass: sum the passes.
  const calls = r.passes.reduce((acc, p) => addOps(acc, p.calls), {} as OpCounts);
  const throttled = r.passes.reduce((a, p) => a + p.throttled, 0);
  const wallMs = r.passes.reduce((a, p) => a + p.wallMs, 0);
  const converged = servicesIn(ctx.sim) === ctx.n;
  if (!converged) throw new Error(`cold converge at N=${ctx.n}: ${servicesIn(ctx.sim)} of ${ctx.n} services exist after ${r.passes.length} passes`);
  const floor = coldConvergeFloor(ctx.shape, NAMESPACE_OPERATION_MS, ctx.latency.fixedMs);
  const writes = coldConvergeWrites(ctx.shape);
  const writeCalls = r.passes.reduce((a, p) => a + p.writes, 0);
  return {
    scenario: pacing ? '1 cold converge' : '1 cold converge, unpaced',
    n: ctx.n,
    metric: 'wall time, s',
    measured: Math.round(wallMs / 10) / 100,
    bound: Math.round(floor.value * 100) / 100,
    ratio: ratio(wallMs / 1000, floor.value),
    arithmetic: `${floor.arithmetic}; writes >= ${writes.arithmetic}`,
    wallMs,
    cpuMs: r.cpuMs,
    peakRssMiB: r.maxRssMiB,
    calls,
    callsAre: 'in total',
    throttled,
    details: {
      passes: r.passes.length,
      writes: writeCalls,
      writesBound: writes.value,
      readCalls: total(calls) - writeCalls,
      pacing,
      phasedS: Math.round(phasedColdConverge(ctx.shape, NAMESPACE_OPERATION_MS).value * 10) / 10,
      phasedArithmetic: phasedColdConverge(ctx.shape, NAMESPACE_OPERATION_MS).arithmetic,
    },
    limits: pacing
      ? 'RegisterTaskDefinition refill (1/s) dominates from N > 20. A cold start lists the account\'s families once (ListTaskDefinitionFamilies) instead of each family, and the executor creates each service as soon as its own task definition is registered, so the service writes (5/s) overlap the registrations; phasedS is what an apply in phases (all task definitions, then all services) would take'
      : 'without pacing, calls over the burst are throttled and retried by the SDK (backoff with jitter, 5 attempts), and failed resources wait for the next pass',
  };
}

/** Converges the fleet quickly (throttling and pacing off) when the cold-converge scenario is not measured. */
export async function setupConverge(ctx: SizeContext): Promise<void> {
  ctx.sim.resetState();
  ctx.sim.setThrottling({ enabled: false });
  try {
    await work(ctx, task(ctx, { mode: 'converge', passes: 5, pacing: false }));
  } finally {
    refillBuckets(ctx.sim);
  }
  if (servicesIn(ctx.sim) !== ctx.n) throw new Error(`set-up at N=${ctx.n}: ${servicesIn(ctx.sim)} of ${ctx.n} services exist`);
}

function passCallsBound(ctx: SizeContext): number {
  return total(steadyStateCalls(ctx.shape).value);
}

/** Time for AWS's service-read bucket (20/s) to refill what one pass took from it, plus a margin. */
function refillPause(describes: number): number {
  return Math.ceil((describes / 20) * 1000) + 250;
}

/** 2. Steady-state resync: passes with nothing to change, in a fresh process; batched vs per-resource. */
export async function steadyState(ctx: SizeContext, passes: number, baselinePasses: number): Promise<ScenarioResult> {
  const bound = steadyStateCalls(ctx.shape);
  refillBuckets(ctx.sim);
  const r = await work(ctx, task(ctx, { passes, pauseMs: refillPause(bound.value['ecs:DescribeServices'] ?? 0), callsOnlyRounds: passes }));
  const perPass = r.passes.map((p) => p.total);
  const writes = r.passes.reduce((a, p) => a + p.writes, 0);
  const calls = r.passes[r.passes.length - 1]?.calls ?? {};
  const warm = r.passes.slice(1);
  const avg = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
  let baseline: ScenarioResult['baseline'];
  let baselineDetails: Record<string, unknown> = {};
  if (baselinePasses > 0) {
    refillBuckets(ctx.sim);
    const b = await work(ctx, task(ctx, { passes: baselinePasses, strategy: 'per-resource', pauseMs: refillPause(ctx.n) }));
    const last = b.passes[b.passes.length - 1];
    const bWall = avg(b.passes.map((p) => p.wallMs));
    const ourWall = avg(r.passes.map((p) => p.wallMs));
    baseline = {
      calls: last?.calls ?? {},
      totalCalls: last?.total ?? 0,
      wallMs: bWall,
      cpuMs: avg(b.passes.map((p) => p.cpuMs)),
      callRatio: ratio(last?.total ?? 0, perPass[perPass.length - 1] ?? 0),
      timeRatio: ratio(bWall, ourWall),
    };
    baselineDetails = { baselinePasses: b.passes.map((p) => ({ wallMs: Math.round(p.wallMs), cpuMs: Math.round(p.cpuMs), calls: p.total, writes: p.writes })) };
  }
  const measured = perPass[perPass.length - 1] ?? 0;
  return {
    scenario: '2 steady-state resync',
    n: ctx.n,
    metric: 'AWS calls per pass',
    measured,
    bound: passCallsBound(ctx),
    ratio: ratio(measured, passCallsBound(ctx)),
    arithmetic: bound.arithmetic,
    wallMs: avg(r.passes.map((p) => p.wallMs)),
    cpuMs: avg(warm.length > 0 ? warm.map((p) => p.cpuMs) : r.passes.map((p) => p.cpuMs)),
    peakRssMiB: r.maxRssMiB,
    calls,
    callsAre: 'per pass',
    throttled: r.passes.reduce((a, p) => a + p.throttled, 0),
    ...(baseline ? { baseline } : {}),
    details: {
      passes: r.passes.map((p) => ({ wallMs: Math.round(p.wallMs), cpuMs: Math.round(p.cpuMs * 10) / 10, calls: p.total, writes: p.writes })),
      callsPerPass: perPass,
      writes,
      firstPassCpuMs: r.passes[0]?.cpuMs,
      cpuMsPerWarmPass: avg(warm.map((p) => p.cpuMs)),
      // The same reads made through the same SDK clients with nothing else: the part of a pass's
      // CPU that any controller making these calls with the AWS SDK pays.
      callsOnlyCpuMs: avg(r.callsOnlyCpuMs.slice(1)),
      ...baselineDetails,
    },
    limits: 'calls: DescribeServices takes 10 services per call. Time: one pass sends its reads 16 at a time (4 x --concurrency 4) at 20-40 ms each; CPU: callsOnlyCpuMs is the same reads sent alone through the same SDK clients, the floor any controller using the AWS SDK pays; back-to-back passes at N=1,000 would be bound by the 20/s service-read refill (100 calls = 5 s), so passes here are spaced to let the bucket refill',
  };
}

/** Sets desiredCount out of band on K services (throttling paused, so the setup itself is not throttled). */
async function injectDrift(ctx: SizeContext, k: number): Promise<void> {
  ctx.sim.setThrottling({ enabled: false });
  const ecs = new ECSClient({ endpoint: ctx.sim.url, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  try {
    const step = Math.max(1, Math.floor(ctx.n / k));
    for (let j = 0; j < k; j++) {
      const i = (j * step) % ctx.n;
      await ecs.send(new UpdateServiceCommand({ cluster: fleetCluster(i, ctx.shape.clusters), service: serviceName(i), desiredCount: 3 }));
    }
  } finally {
    ecs.destroy();
    refillBuckets(ctx.sim);
  }
}

function serviceName(i: number): string {
  return `svc-${String(i).padStart(4, '0')}`;
}

/** 4. Drift repair: K of N services changed out of band, repaired in one pass. */
export async function driftRepair(ctx: SizeContext, baselineToo: boolean): Promise<ScenarioResult> {
  const k = Math.max(1, Math.ceil(ctx.n / 10));
  await injectDrift(ctx, k);
  const r = await work(ctx, task(ctx, { passes: 1 }));
  const pass = r.passes[0];
  if (!pass) throw new Error('drift repair: no pass ran');
  const bound = driftCalls(ctx.shape, k);
  let baseline: ScenarioResult['baseline'];
  if (baselineToo) {
    await injectDrift(ctx, k);
    const b = await work(ctx, task(ctx, { passes: 1, strategy: 'per-resource' }));
    const bp = b.passes[0];
    if (bp) baseline = { calls: bp.calls, totalCalls: bp.total, wallMs: bp.wallMs, cpuMs: bp.cpuMs, callRatio: ratio(bp.total, pass.total), timeRatio: ratio(bp.wallMs, pass.wallMs) };
  }
  return {
    scenario: '4 drift repair',
    n: ctx.n,
    metric: `AWS calls (K=${k})`,
    measured: pass.total,
    bound: total(bound.value),
    ratio: ratio(pass.total, total(bound.value)),
    arithmetic: bound.arithmetic,
    wallMs: pass.wallMs,
    cpuMs: pass.cpuMs,
    peakRssMiB: r.maxRssMiB,
    calls: pass.calls,
    callsAre: 'in the repairing pass',
    throttled: pass.throttled,
    ...(baseline ? { baseline } : {}),
    details: { k, writes: pass.writes, repaired: pass.outcomes.configured ?? 0, outcomes: pass.outcomes },
    limits: 'K UpdateService at 5/s after a burst of 50 bound the time from K > 50',
  };
}

/** Rewrites one fleet file with a new image tag through a temporary file and a rename; returns when it was renamed. */
function editImage(dir: string, i: number, tag: string): number {
  const file = path.join(dir, 'services', `${serviceName(i)}.yaml`);
  const text = readFileSync(file, 'utf8').replace(/(image: public\.ecr\.aws\/nginx\/nginx:)\S+/, `$1${tag}`);
  const tmp = path.join(dir, 'services', `.${serviceName(i)}.yaml.tmp`);
  writeFileSync(tmp, text);
  const at = Date.now();
  renameSync(tmp, file);
  return at;
}

/** Calls in the simulator's call log within [from, to], by operation. */
function callsBetween(sim: SimulatorHandle, from: number, to: number): { ops: OpCounts; firstWriteAt?: number; writes: number } {
  const ops: OpCounts = {};
  let firstWriteAt: number | undefined;
  let writes = 0;
  for (const e of sim.callLog().entries) {
    if (e.at < from || e.at > to) continue;
    const key = `${e.service === 'cloudmap' ? 'servicediscovery' : e.service}:${e.operation}`;
    ops[key] = (ops[key] ?? 0) + 1;
    if (e.kind === 'write') {
      writes++;
      firstWriteAt ??= e.at;
    }
  }
  return { ops: sortOps(ops), writes, ...(firstWriteAt !== undefined ? { firstWriteAt } : {}) };
}

function daemonEnv(): Record<string, string> {
  return { SWITCHBOARD_AWS_PACING: 'on' };
}

/** 3. One change among N: the daemon on a directory; `edits` image edits, one at a time. */
export async function oneChange(ctx: SizeContext, edits: number): Promise<ScenarioResult> {
  refillBuckets(ctx.sim);
  const daemon = BenchDaemon.start(ctx.cli, ['--source', ctx.dir, '--endpoint-url', ctx.sim.url, '--resync-interval', '1h'], daemonEnv());
  try {
    const first = await daemon.pass(1, 120_000 + ctx.n * 100);
    if (first.counts.failed !== 0 || first.counts.created !== 0) throw new Error(`one change: the fleet was not converged before the edits (${JSON.stringify(first.counts)})`);
    const latencies: number[] = [];
    let perChange: OpCounts = {};
    let writes = 0;
    let passes = 0;
    for (let e = 0; e < edits; e++) {
      const i = (e * 7919 + 13) % ctx.n;
      ctx.sim.resetCalls();
      const before = daemon.passes.length;
      const t0 = editImage(ctx.dir, i, `bench-${Date.now()}-${e}`);
      await until(`edit ${e} applied`, () => daemon.passes.length > before && ctx.sim.calls().services.ecs.operations.TagResource?.calls === 1, 30_000, 5);
      // Let any second pass for the same edit show up before counting.
      await sleep(50);
      const end = daemon.passes[daemon.passes.length - 1]?.time ?? Date.now();
      const window = callsBetween(ctx.sim, t0, Math.max(end, Date.now()));
      if (window.firstWriteAt === undefined) throw new Error(`edit ${e}: no write reached the simulator`);
      latencies.push(window.firstWriteAt - t0);
      perChange = addOps(perChange, window.ops);
      writes += window.writes;
      passes += daemon.passes.length - before;
      await sleep(50);
    }
    const avgOps = scaleOps(perChange, edits);
    const writeBound = oneChangeWrites();
    const totalPerChange = total(avgOps);
    const boundTotal = total(writeBound.value) + ONE_CHANGE_READS;
    return {
      scenario: '3 one change among N',
      n: ctx.n,
      metric: 'AWS calls per change',
      measured: totalPerChange,
      bound: boundTotal,
      ratio: ratio(totalPerChange, boundTotal),
      arithmetic: writeBound.arithmetic,
      calls: avgOps,
      callsAre: 'per change (mean)',
      throttled: 0,
      details: {
        edits,
        writesPerChange: writes / edits,
        readsPerChange: totalPerChange - writes / edits,
        // The issue bounds a change's reads as a steady pass's: these are that pass's reads.
        steadyPassReads: total(steadyStateCalls(ctx.shape).value),
        passesPerChange: passes / edits,
        latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), min: Math.min(...latencies), max: Math.max(...latencies), all: latencies },
        latencyFloorMs: 250 + 2 * ctx.latency.fixedMs,
        latencyFloorArithmetic: `directory debounce 250 ms + 2 dependent round trips before the first write (DescribeServices with ListNamespaces, then ListTaskDefinitions) x ${ctx.latency.fixedMs} ms = ${250 + 2 * ctx.latency.fixedMs} ms`,
      },
      limits: 'latency: the directory watcher waits 250 ms for a burst of writes to settle, then one pass re-validates only the changed file and observes the changed service (its DescribeServices batch with ListNamespaces, then the family\'s newest revision the first time this process changes that family) before its first write',
    };
  } finally {
    await daemon.stop();
  }
}

/** The bucket the S3 scenario polls: the benchmark's FakeS3, or s3rver behind a recording proxy in the tests. */
export interface BenchBucket {
  name: string;
  endpoint: string;
  put(key: string, body: string): Promise<void>;
  /** Requests so far; `pages` holds the number of pages of each listing (poll), in order. */
  counts(): { listFirstPages: number; listContinuations: number; gets: number; pages: number[] };
  resetCounts(): void;
  keyCount(): number;
  /** Extra environment for the daemon (e.g. the emulator's own credentials). */
  env?: Record<string, string>;
}

/** A FakeS3 as a BenchBucket. */
export async function fakeBucket(): Promise<BenchBucket & { close(): Promise<void> }> {
  const s3 = new FakeS3('bench');
  const endpoint = await s3.start();
  return {
    name: 'bench',
    endpoint,
    put: async (key, body) => s3.put(key, body),
    counts: () => ({ ...s3.counts, pages: [...s3.counts.pages] }),
    resetCounts: () => s3.resetCounts(),
    keyCount: () => s3.keyCount,
    close: () => s3.close(),
  };
}

/** 5. S3 source: the daemon polling a bucket; unchanged polls cost one list page per 1,000 keys, a change one GetObject. */
export async function s3Source(ctx: SizeContext, bucket: BenchBucket, pollMs: number, quietPolls: number): Promise<ScenarioResult> {
  const files: string[] = ['infra.yaml', ...readdirSync(path.join(ctx.dir, 'services')).filter((f) => f.endsWith('.yaml')).map((f) => `services/${f}`)];
  for (const f of files) await bucket.put(`fleet/${f}`, readFileSync(path.join(ctx.dir, f), 'utf8'));
  refillBuckets(ctx.sim);
  const daemon = BenchDaemon.start(
    ctx.cli,
    ['--source', `s3://${bucket.name}/fleet/`, '--s3-endpoint-url', bucket.endpoint, '--poll-interval', `${pollMs}ms`, '--endpoint-url', ctx.sim.url, '--resync-interval', '1h'],
    { ...daemonEnv(), ...bucket.env },
  );
  try {
    await daemon.pass(1, 120_000 + ctx.n * 100);
    bucket.resetCounts();
    ctx.sim.resetCalls();
    // One more listing than counted, so the last counted one has all its pages.
    await until(`${quietPolls} quiet polls`, () => bucket.counts().listFirstPages > quietPolls, quietPolls * pollMs * 3 + 10_000, 10);
    const seen = bucket.counts();
    const quiet = { listFirstPages: quietPolls, pages: seen.pages.slice(0, quietPolls), gets: seen.gets };
    const quietAws = ctx.sim.calls().totals.calls;

    // One object changes.
    const text = readFileSync(path.join(ctx.dir, 'services', `${serviceName(0)}.yaml`), 'utf8').replace(/(image: public\.ecr\.aws\/nginx\/nginx:)\S+/, '$1s3-change');
    bucket.resetCounts();
    ctx.sim.resetCalls();
    await bucket.put(`fleet/services/${serviceName(0)}.yaml`, text);
    await until('the S3 change applied', () => ctx.sim.calls().services.ecs.operations.TagResource?.calls === 1, 60_000, 10);
    const pollsAtApply = bucket.counts().listFirstPages;
    await until('two more polls', () => bucket.counts().listFirstPages >= pollsAtApply + 2, pollMs * 6 + 10_000, 10);
    const changed = bucket.counts();
    const keys = bucket.keyCount();
    const bound = s3PollCalls(keys);
    const quietPages = quiet.pages.reduce((a, b) => a + b, 0);
    const pagesPerPoll = quietPages / quiet.listFirstPages;
    const getsPerPoll = quiet.gets / quiet.listFirstPages;
    return {
      scenario: '5 S3 source',
      n: ctx.n,
      metric: 'S3 calls per unchanged poll',
      measured: pagesPerPoll + getsPerPoll,
      bound: bound.value.listPages,
      ratio: ratio(pagesPerPoll + getsPerPoll, bound.value.listPages),
      arithmetic: `${bound.arithmetic}; one changed object: GetObject 1`,
      calls: sortOps({ 's3:ListObjectsV2': pagesPerPoll, 's3:GetObject': getsPerPoll }),
      callsAre: 'per unchanged poll',
      throttled: 0,
      details: {
        keys,
        quietPolls: quiet.listFirstPages,
        quietListPages: quietPages,
        pagesOfEachPoll: quiet.pages,
        quietGets: quiet.gets,
        awsCallsWhileQuiet: quietAws,
        changeGets: changed.gets,
        changePolls: changed.listFirstPages,
      },
      limits: 'ListObjectsV2 returns at most 1,000 keys per page; an object is fetched only when its ETag changed',
    };
  } finally {
    await daemon.stop();
  }
}

/** 6. Footprint: start-up to the first pass, peak RSS, and RSS after `passes` resync passes. */
export async function footprint(ctx: SizeContext, passes: number, throttled: boolean): Promise<ScenarioResult> {
  const describes = steadyStateCalls(ctx.shape).value['ecs:DescribeServices'] ?? 1;
  // Back-to-back resyncs are bound by the 20/s service-read refill; space them accordingly.
  const intervalMs = throttled ? Math.max(100, Math.ceil((describes / 20) * 1000 * 1.1)) : 100;
  ctx.sim.setThrottling({ enabled: throttled });
  const daemon = BenchDaemon.start(ctx.cli, ['--source', ctx.dir, '--endpoint-url', ctx.sim.url, '--resync-interval', `${intervalMs}ms`], throttled ? daemonEnv() : { SWITCHBOARD_AWS_PACING: 'off' });
  try {
    const first = await daemon.pass(1, 120_000 + ctx.n * 100);
    const afterFirst = daemon.sampler.sample();
    const startupMs = first.time - daemon.spawnedAt;
    const samples: { pass: number; rssMiB: number; heapUsedMiB?: number; cpuMs: number }[] = [];
    // Pass 10, 25, 50, 75, then every 100th (long runs show whether the heap ever comes back down).
    const hundreds = Array.from({ length: Math.floor(passes / 100) }, (_, i) => (i + 1) * 100 + 1);
    const checkpoints = [...new Set([11, 26, 51, 76, ...hundreds, passes + 1].filter((cp) => cp <= passes + 1))].sort((a, b) => a - b);
    for (const cp of checkpoints) {
      await daemon.pass(cp, (intervalMs * 1.2 + 5000) * passes + 60_000);
      const s = daemon.sampler.sample();
      // The heap in use tells a leak (it keeps growing) from V8 collecting lazily (RSS grows, the heap does not).
      const heap = await daemon.heapUsedMiB();
      if (s) samples.push({ pass: cp - 1, rssMiB: Math.round(s.rssMiB * 10) / 10, ...(heap !== undefined ? { heapUsedMiB: Math.round(heap * 10) / 10 } : {}), cpuMs: Math.round(s.cpuMs) });
    }
    const end = daemon.sampler.sample();
    const resyncs = daemon.passes.slice(1, passes + 1);
    const failed = resyncs.filter((p) => p.result !== 'ok').length;
    const cpuPerPass = end && afterFirst ? (end.cpuMs - afterFirst.cpuMs) / Math.max(1, daemon.passes.length - 1) : Number.NaN;
    const rss10 = samples[0]?.rssMiB ?? Number.NaN;
    const rssEnd = samples.find((x) => x.pass === Math.min(100, passes))?.rssMiB ?? Number.NaN;
    const peak = end?.peakRssMiB ?? Number.NaN;
    return {
      scenario: '6 footprint',
      n: ctx.n,
      metric: 'peak RSS, MiB',
      measured: Math.round(peak * 10) / 10,
      bound: 150,
      ratio: ratio(peak, 150),
      arithmetic: 'goal, not a bound: peak RSS under 150 MB at N = 1,000; RSS after 100 resyncs within noise of RSS after 10',
      wallMs: startupMs,
      cpuMs: cpuPerPass,
      peakRssMiB: peak,
      calls: {},
      callsAre: 'n/a',
      throttled: 0,
      details: {
        startupToFirstPassMs: startupMs,
        firstPassMs: first.durationMs,
        rssAfterFirstPassMiB: afterFirst ? Math.round(afterFirst.rssMiB * 10) / 10 : undefined,
        rssSamples: samples,
        rssGrowth10To100MiB: Math.round((rssEnd - rss10) * 10) / 10,
        resyncIntervalMs: intervalMs,
        resyncPasses: resyncs.length,
        resyncPassesNotOk: failed,
        cpuMsPerResyncPass: Math.round(cpuPerPass * 10) / 10,
        throttling: throttled,
        problems: daemon.problems().slice(0, 5),
      },
      limits: throttled ? 'Node.js and the AWS SDK clients are most of the resident memory' : 'resyncs spaced 100 ms with throttling and pacing off, so 100 passes do not take the 100 x 5 s that the 20/s service-read refill imposes at N = 1,000',
    };
  } finally {
    await daemon.stop();
    refillBuckets(ctx.sim);
  }
}

/** Runs the CLI to completion; resolves with its exit code, stderr, wall time and peak RSS. */
function runCli(cli: string, args: readonly string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string; wallMs: number; cpuMs?: number; peakRssMiB?: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    const sampler = new ProcSampler(child.pid ?? 0, 50);
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      sampler.stop();
      const last = sampler.last;
      resolve({ code, stderr, wallMs: performance.now() - started, ...(last ? { cpuMs: last.cpuMs, peakRssMiB: last.peakRssMiB } : {}) });
    });
  });
}

/** 7. Import: `switchboard import` of every cluster of the fleet, paced at AWS's rates, against the throttled simulator. */
export async function importFleet(ctx: SizeContext): Promise<ScenarioResult> {
  refillBuckets(ctx.sim);
  ctx.sim.resetCalls();
  const out = mkdtempSync(path.join(tmpdir(), `switchboard-bench-import-${ctx.n}-`));
  const clusters = Array.from({ length: ctx.shape.clusters }, (_, c) => ['--cluster', `fleet-${c}`]).flat();
  try {
    const r = await runCli(ctx.cli, ['import', ...clusters, '--adopt', '-o', out, '--force', '--endpoint-url', ctx.sim.url], daemonEnv());
    if (r.code !== 0) throw new Error(`import at N=${ctx.n} exited ${String(r.code)}: ${r.stderr}`);
    const files = readdirSync(path.join(out, 'services')).length;
    if (files !== ctx.n) throw new Error(`import at N=${ctx.n} wrote ${files} service files`);
    const calls = flattenCalls(ctx.sim.calls());
    const floor = importFloor(ctx.shape, ctx.latency.fixedMs);
    const bound = importCalls(ctx.shape);
    return {
      scenario: '7 import',
      n: ctx.n,
      metric: 'wall time, s',
      measured: Math.round(r.wallMs / 10) / 100,
      bound: Math.round(floor.value * 100) / 100,
      ratio: ratio(r.wallMs / 1000, floor.value),
      arithmetic: `${floor.arithmetic}; calls >= ${bound.arithmetic}`,
      wallMs: r.wallMs,
      ...(r.cpuMs !== undefined ? { cpuMs: r.cpuMs } : {}),
      ...(r.peakRssMiB !== undefined ? { peakRssMiB: r.peakRssMiB } : {}),
      calls: calls.ops,
      callsAre: 'in total',
      throttled: calls.throttled,
      details: { callsBound: total(bound.value), callsMade: calls.total, writes: calls.writes, progressLines: r.stderr.split('\n').filter((l) => /^import: (services|task definitions):/.test(l)).length },
      limits: 'DescribeTaskDefinition (one per family, 20/s after a burst of 50) dominates; wall time includes starting the CLI (node and the AWS SDK) and writing the files',
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
    refillBuckets(ctx.sim);
  }
}
