// Throughput of the embedded AWS simulator.
//
//   npm run build && node test/bench/simulator-throughput.mjs [seconds=3] [sdkWorkers=2] [concurrency=16]
//
// Three figures, throttling off:
//  1. the real SDK client (ECS DescribeClusters) in worker threads, the simulator alone on the
//     main thread — what a benchmark driving the simulator with the SDK sees;
//  2. the SDK client and the simulator sharing one thread (everything on one core);
//  3. a minimal keep-alive HTTP client sharing one thread with the simulator: the simulator's own
//     capacity, without the SDK's signing and serialisation cost.
import http from 'node:http';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { ECSClient, DescribeClustersCommand, CreateClusterCommand } from '@aws-sdk/client-ecs';

const seconds = Number(process.argv[2] ?? 3);
const workers = Number(process.argv[3] ?? 2);
const concurrency = Number(process.argv[4] ?? 16);

async function timed(durationMs, parallel, once) {
  const deadline = Date.now() + durationMs;
  let calls = 0;
  let errors = 0;
  const t0 = Date.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (Date.now() < deadline) {
        try {
          await once();
          calls += 1;
        } catch {
          errors += 1;
        }
      }
    }),
  );
  return { calls, errors, elapsed: (Date.now() - t0) / 1000 };
}

async function sdkLoad(url, durationMs, parallel) {
  const ecs = new ECSClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 's' }, maxAttempts: 1 });
  await ecs.send(new CreateClusterCommand({ clusterName: 'bench' }));
  const r = await timed(durationMs, parallel, () => ecs.send(new DescribeClustersCommand({ clusters: ['bench'] })));
  ecs.destroy();
  return r;
}

async function rawLoad(url, durationMs, parallel) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: parallel });
  const headers = {
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': 'AmazonEC2ContainerServiceV20141113.DescribeClusters',
    authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20261125/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=0',
  };
  const once = () =>
    new Promise((resolve, reject) => {
      const req = http.request(`${url}/`, { method: 'POST', agent, headers }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(String(res.statusCode)))));
      });
      req.on('error', reject);
      req.end('{"clusters":["bench"]}');
    });
  const r = await timed(durationMs, parallel, once);
  agent.destroy();
  return r;
}

if (!isMainThread) {
  const { url, durationMs, parallel } = workerData;
  parentPort.postMessage(await sdkLoad(url, durationMs, parallel));
} else {
  const { startSimulator } = await import('../../dist/simulator/index.js');
  const rate = (r) => Math.round(r.calls / r.elapsed);
  const line = (label, r) => process.stdout.write(`${label}: ${rate(r)} calls/s (${r.calls} calls, ${r.errors} errors, ${r.elapsed.toFixed(1)} s)\n`);
  const sim = await startSimulator({ throttling: false });

  const results = await Promise.all(
    Array.from({ length: workers }, () => {
      const w = new Worker(new URL(import.meta.url), { workerData: { url: sim.url, durationMs: seconds * 1000, parallel: concurrency } });
      return new Promise((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
      });
    }),
  );
  const total = results.reduce((a, r) => ({ calls: a.calls + r.calls, errors: a.errors + r.errors, elapsed: Math.max(a.elapsed, r.elapsed) }), { calls: 0, errors: 0, elapsed: 0 });
  line(`1. SDK client in ${workers} worker thread(s) x ${concurrency} in flight, simulator on the main thread`, total);
  line(`2. SDK client and simulator on one thread, ${concurrency} in flight`, await sdkLoad(sim.url, seconds * 1000, concurrency));
  line(`3. minimal HTTP client and simulator on one thread, ${concurrency} in flight`, await rawLoad(sim.url, seconds * 1000, concurrency));
  await sim.close();
}
