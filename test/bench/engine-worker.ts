/**
 * A benchmark step in its own process, so its CPU time and peak RSS are its own: loads the fleet's
 * manifests, connects to the simulator, runs reconcile passes through the engine, and prints one
 * JSON line (WorkerResult) on stdout. Started by `runWorker` with a WorkerTask as its argument.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connectAws } from '../../src/aws/index.js';
import { loadManifests } from '../../src/cli/common.js';
import { createLogger } from '../../src/observe/logger.js';
import type { DesiredResource } from '../../src/manifests/model.js';
import { ReconcileState } from '../../src/reconcile/state.js';
import type { AwsPorts } from '../../src/reconcile/ports.js';
import { DAEMON_NODE_OPTIONS, tuneHeapForDaemon } from '../../src/cli/heap.js';
import { mapLimit } from '../../src/util/concurrency.js';
import { applyPass, type PassOptions } from '../../src/reconcile/engine.js';
import { groupServicesByCluster, readConcurrency, serviceReadBatches, type ObserveStrategy } from '../../src/reconcile/observe.js';
import type { CallCounts } from '../../src/simulator/index.js';
import { flattenCalls, sleep, type OpCounts } from './measure.js';

/** What a worker does. */
export interface WorkerTask {
  simUrl: string;
  dir: string;
  /** `converge`: passes until nothing failed; `passes`: exactly `passes` passes. */
  mode: 'converge' | 'passes';
  passes: number;
  /** Pause between passes (lets AWS's buckets refill, as between two resyncs). */
  pauseMs: number;
  strategy: ObserveStrategy;
  pacing: boolean;
  concurrency: number;
  /**
   * After the passes, this many rounds of only the steady-state reads (the DescribeServices
   * batches, ListNamespaces, DescribeClusters) through the same clients, nothing else: the CPU
   * any controller pays to make those calls with the AWS SDK.
   */
  callsOnlyRounds?: number;
}

/** One pass as the worker measured it; `calls` come from the simulator's counters. */
export interface WorkerPass {
  wallMs: number;
  cpuMs: number;
  calls: OpCounts;
  total: number;
  writes: number;
  throttled: number;
  outcomes: Record<string, number>;
}

/** What a worker prints. */
export interface WorkerResult {
  passes: WorkerPass[];
  /** CPU time of each calls-only round (see WorkerTask.callsOnlyRounds). */
  callsOnlyCpuMs: number[];
  wallMs: number;
  cpuMs: number;
  maxRssMiB: number;
}

async function admin<T>(simUrl: string, method: string, path: string): Promise<T> {
  const res = await fetch(`${simUrl}${path}`, { method });
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** The reads of a steady-state pass and nothing else, batched and sent as the engine does. */
async function steadyStateReads(resources: readonly DesiredResource[], aws: AwsPorts, concurrency: number): Promise<void> {
  const batches = serviceReadBatches(groupServicesByCluster(resources, 'default'));
  const clusters = resources.flatMap((r) => (r.kind === 'Cluster' ? [r.spec.clusterName] : []));
  await Promise.all([
    aws.cloudMap.listNamespaces(),
    clusters.length > 0 ? aws.ecs.describeClusters(clusters) : Promise.resolve([]),
    mapLimit(batches, readConcurrency(concurrency), (b) => aws.ecs.describeServices(b.cluster, b.names)),
  ]);
}

/** Runs a task in this process. */
export async function runTask(task: WorkerTask): Promise<WorkerResult> {
  const started = performance.now();
  const cpu0 = cpuMs();
  const loaded = await loadManifests([task.dir]);
  if (!loaded.valid) throw new Error(`the fleet's manifests are invalid: ${loaded.problems.map((p) => p.message).join('; ')}`);
  const aws = await connectAws({ endpoint: task.simUrl, pacing: { enabled: task.pacing } });
  const cache = new ReconcileState();
  const logger = createLogger({ level: 'silent' });
  const options: PassOptions = {
    controllerId: 'switchboard',
    defaultCluster: 'default',
    prune: false,
    allowReplace: false,
    allowEmpty: false,
    maxPrune: 10,
    sourceHealthy: true,
    concurrency: task.concurrency,
    observeStrategy: task.strategy,
  };
  const passes: WorkerPass[] = [];
  const callsOnlyCpuMs: number[] = [];
  try {
    for (let i = 0; i < task.passes; i++) {
      if (i > 0 && task.pauseMs > 0) await sleep(task.pauseMs);
      await admin(task.simUrl, 'POST', '/_sim/calls/reset');
      const t0 = performance.now();
      const c0 = cpuMs();
      const { result } = await applyPass(loaded.resources, aws, cache, { ...options, logger, wait: false });
      const pass: Omit<WorkerPass, 'calls' | 'total' | 'writes' | 'throttled'> = { wallMs: performance.now() - t0, cpuMs: cpuMs() - c0, outcomes: {} };
      for (const r of result.results) pass.outcomes[r.outcome] = (pass.outcomes[r.outcome] ?? 0) + 1;
      const calls = flattenCalls(await admin<CallCounts>(task.simUrl, 'GET', '/_sim/calls'));
      passes.push({ ...pass, calls: calls.ops, total: calls.total, writes: calls.writes, throttled: calls.throttled });
      const unsettled = (pass.outcomes.failed ?? 0) + (pass.outcomes.skipped ?? 0);
      if (task.mode === 'converge' && unsettled === 0) break;
    }
    for (let i = 0; i < (task.callsOnlyRounds ?? 0); i++) {
      if (task.pauseMs > 0) await sleep(task.pauseMs);
      const c0 = cpuMs();
      await steadyStateReads(loaded.resources, aws, task.concurrency);
      callsOnlyCpuMs.push(cpuMs() - c0);
    }
  } finally {
    aws.close();
  }
  return { passes, callsOnlyCpuMs, wallMs: performance.now() - started, cpuMs: cpuMs() - cpu0, maxRssMiB: process.resourceUsage().maxRSS / 1024 };
}

/** Runs a task in a child process (this file, compiled) and returns what it printed. */
export function runWorker(task: WorkerTask): Promise<WorkerResult> {
  // BENCH_WORKER_NODE_ARGS adds node options for a closer look, e.g. `--cpu-prof --cpu-prof-dir=prof`.
  const extra = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(/\s+/).filter((a) => a !== '');
  const child = spawn(process.execPath, [...extra, fileURLToPath(import.meta.url), JSON.stringify(task)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: DAEMON_NODE_OPTIONS, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || line === '') {
        reject(new Error(`benchmark worker exited ${String(code)}: ${err.trim()}`));
        return;
      }
      resolve(JSON.parse(line) as WorkerResult);
    });
  });
}

// Entry point when run as a script.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const task = JSON.parse(process.argv[2] ?? '{}') as WorkerTask;
  // The heap as the daemon runs it (node options from runWorker, growing factor from `run`).
  tuneHeapForDaemon();
  runTask(task).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
