/**
 * `npm run bench [-- --quick] [-- --sizes 10,100 --latency 20 --jitter 20 --edits 20 --resync-passes 100 --out FILE]`
 *
 * Runs every scenario of the benchmark against the embedded simulator with AWS's throttle quotas
 * on and a per-call latency, prints a table, and writes the results (machine, settings, every
 * figure with its lower bound and arithmetic) as JSON. Results are written after each scenario, so
 * a long run that is stopped keeps what it measured.
 */
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startSimulator } from '../../src/simulator/index.js';
import { writeFleet } from '../helpers/fleet.js';
import { DAEMON_NODE_OPTIONS } from '../../src/cli/heap.js';
import { machineInfo, formatTable } from './report.js';
import { coldConverge, driftRepair, fakeBucket, fleetShape, footprint, importFleet, oneChange, s3Source, setupConverge, steadyState, type ScenarioResult, type SizeContext } from './scenarios.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    sizes: { type: 'string' },
    latency: { type: 'string', default: '20' },
    jitter: { type: 'string', default: '20' },
    edits: { type: 'string', default: '20' },
    'resync-passes': { type: 'string', default: '100' },
    'unpaced-max': { type: 'string', default: '100' },
    scenarios: { type: 'string', default: '1,2,3,4,5,6,7' },
    concurrency: { type: 'string', default: '4' },
    out: { type: 'string' },
  },
});

const sizes = (values.sizes ?? (values.quick ? '10' : '10,100,1000')).split(',').map(Number);
const latency = { fixedMs: Number(values.latency), jitterMs: Number(values.jitter) };
const edits = Number(values.edits);
const resyncPasses = Number(values['resync-passes']);
const unpacedMax = Number(values['unpaced-max']);
const concurrency = Number(values.concurrency);
const wanted = new Set(values.scenarios.split(',').map((s) => s.trim()));
const out = values.out ?? path.resolve('test/bench/results.json');

function say(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

// The compiled sources find package.json and the JSON Schemas two folders above their own module
// (as dist/ does): give the benchmark's build the repository's. The daemon runs from a copy of
// dist/ taken now, so a rebuild during a long run cannot change what is measured.
const buildRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
for (const name of ['schemas', 'package.json']) {
  if (!existsSync(path.join(buildRoot, name))) symlinkSync(path.resolve(name), path.join(buildRoot, name));
}
const cli = path.join(buildRoot, 'dist', 'main.js');
rmSync(path.join(buildRoot, 'dist'), { recursive: true, force: true });
cpSync(path.resolve('dist'), path.join(buildRoot, 'dist'), { recursive: true });
// The SDK's notice about future Node.js versions is not part of any figure.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const started = Date.now();
const machine = machineInfo();
const results: ScenarioResult[] = [];
const settings = { cli: 'switchboard run (a copy of dist/ taken at the start of the run)', daemonNodeOptions: `${DAEMON_NODE_OPTIONS} (as the image sets NODE_OPTIONS)`, quick: values.quick, sizes, latency, throttling: 'AWS published quotas (simulator defaults)', pacing: 'on (AWS values)', edits, resyncPasses, unpacedMax, concurrency, timeScale: 1 };

function save(done: boolean): void {
  const doc = { generatedAt: new Date().toISOString(), complete: done, durationS: Math.round((Date.now() - started) / 1000), machine, settings, results };
  writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
}

async function step(name: string, run: () => Promise<ScenarioResult>): Promise<void> {
  const t0 = Date.now();
  say(`${name} ...`);
  const r = await run();
  results.push(r);
  save(false);
  say(`${name}: ${r.metric} ${r.measured} (bound ${r.bound}, ${r.ratio}x) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

say(`machine: ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}; sizes ${sizes.join(', ')}; latency ${latency.fixedMs}+${latency.jitterMs} ms`);
for (const n of sizes) {
  const dir = mkdtempSync(path.join(tmpdir(), `switchboard-bench-${n}-`));
  const shape = fleetShape(n);
  writeFleet(dir, { services: n, namespaces: shape.namespaces, clusters: shape.clusters, imageTag: '1.27' });
  const sim = await startSimulator({ timeScale: 1, throttling: true, latency });
  const ctx: SizeContext = { n, shape, sim, dir, latency, isolate: true, concurrency, cli, log: say };
  try {
    if (wanted.has('1')) {
      await step(`N=${n} cold converge`, () => coldConverge(ctx));
      if (n <= unpacedMax) await step(`N=${n} cold converge without pacing`, () => coldConverge(ctx, false));
    } else {
      say(`N=${n} set-up: converging without throttling (not measured)`);
      await setupConverge(ctx);
    }
    if (wanted.has('2')) await step(`N=${n} steady state`, () => steadyState(ctx, 5, n >= 1000 ? 1 : 2));
    if (wanted.has('4')) await step(`N=${n} drift repair`, () => driftRepair(ctx, true));
    if (wanted.has('3')) await step(`N=${n} one change`, () => oneChange(ctx, edits));
    if (wanted.has('5')) {
      const bucket = await fakeBucket();
      try {
        await step(`N=${n} S3 source`, () => s3Source(ctx, bucket, values.quick ? 300 : 1000, 5));
      } finally {
        await bucket.close();
      }
    }
    if (wanted.has('6')) await step(`N=${n} footprint`, () => footprint(ctx, resyncPasses, n < 1000));
    if (wanted.has('7')) await step(`N=${n} import`, () => importFleet(ctx));
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
save(true);
process.stdout.write(`${formatTable(results)}\n\nwritten to ${path.relative(process.cwd(), out)} in ${Math.round((Date.now() - started) / 1000)} s\n`);
