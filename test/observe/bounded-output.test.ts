/**
 * Values are bounded where people and log drivers read them: a long value in a log line or a status
 * entry is cut to about 1 KB and ends with its length and hash; a dry run over many resources logs
 * one line per resource, each well under the 16 KB at which the awslogs driver splits lines.
 */
import { Writable } from 'node:stream';
import { connectAws } from '../../src/aws/index.js';
import { Controller, type PassSummary } from '../../src/controller/controller.js';
import { createLogger } from '../../src/observe/logger.js';
import { StatusStore } from '../../src/observe/status.js';
import { ReconcileState } from '../../src/reconcile/state.js';
import { startSimulator } from '../../src/simulator/index.js';
import { MemorySource } from '../helpers/memory-source.js';

/** A logger writing JSON lines into an array. */
function capturing(): { logger: ReturnType<typeof createLogger>; lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString().split('\n').filter((l) => l !== ''));
        done();
      },
    }),
  });
  return { logger, lines };
}

const HUGE = `${'a'.repeat(100_000)}${'b'.repeat(100_000)}`;

test('a 200 KB value in a log line is cut to about 1 KB, with its length and hash', async () => {
  const { logger, lines } = capturing();
  logger.info({ resource: 'Service/web', value: HUGE, nested: { list: [HUGE] } }, `message ${HUGE}`);
  await new Promise((r) => setImmediate(r));
  expect(lines).toHaveLength(1);
  const line = lines[0] as string;
  expect(line.length).toBeLessThan(8 * 1024);
  const parsed = JSON.parse(line) as { value: string; nested: { list: string[] }; msg: string };
  expect(parsed.value.length).toBeLessThanOrEqual(1024);
  expect(parsed.value).toMatch(/^a+… \(200000 characters, sha256 [0-9a-f]{12}\)$/);
  expect(parsed.nested.list[0]).toBe(parsed.value);
  expect(parsed.msg).toMatch(/\(200008 characters, sha256 [0-9a-f]{12}\)$/);
});

test('a 200 KB value in a change set or an error is cut in the status document, with its length and hash', () => {
  const s = new StatusStore();
  s.recordResult('TaskDefinition/app', 'r1', { key: 'TaskDefinition/app', outcome: 'configured', reason: 'changed', changes: [{ path: 'containerDefinitions[app].command', old: [HUGE], new: HUGE }], durationMs: 1, needsAttention: false });
  s.recordResult('Service/web', 'r1', { key: 'Service/web', outcome: 'failed', reason: HUGE, changes: [], durationMs: 1, needsAttention: true, error: { message: HUGE } });
  const text = s.toJsonText();
  expect(text.length).toBeLessThan(10 * 1024);
  expect(text).toMatch(/… \(200000 characters, sha256 [0-9a-f]{12}\)/);
});

test('a dry run over many resources logs one line per resource that would change, each under 16 KB', async () => {
  const sim = await startSimulator({ timeScale: 100 });
  const ports = await connectAws({ endpoint: sim.url, region: 'us-east-1' });
  const abort = new AbortController();
  const files: Record<string, string> = {};
  for (let i = 0; i < 300; i++) {
    files[`td-${i}.yaml`] = `apiVersion: switchboard.dev/v1alpha1\nkind: TaskDefinition\nmetadata: {name: app-${i}}\nspec:\n  requiresCompatibilities: [FARGATE]\n  networkMode: awsvpc\n  cpu: "256"\n  memory: "512"\n  containerDefinitions:\n    - {name: app, image: "public.ecr.aws/nginx/nginx:1.27", essential: true}\n`;
  }
  const { logger, lines } = capturing();
  const passes: PassSummary[] = [];
  const controller = new Controller({
    source: new MemorySource(files),
    ports,
    state: new ReconcileState(),
    logger,
    pass: { controllerId: 'switchboard', defaultCluster: 'default', prune: false, allowReplace: false, allowEmpty: false, maxPrune: 10, concurrency: 4 },
    resyncIntervalMs: 60_000,
    dryRun: true,
    hooks: { onPass: (p) => passes.push(p) },
  });
  const running = controller.run(abort.signal);
  try {
    const deadline = Date.now() + 30_000;
    while (passes.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(passes).toHaveLength(1);
  } finally {
    abort.abort();
    await running;
    ports.close();
    await sim.close();
  }
  const longest = Math.max(...lines.map((l) => l.length));
  expect(longest).toBeLessThan(16 * 1024);
  const dryRun = lines.map((l) => JSON.parse(l) as { action?: string; result?: string; resource?: string }).filter((l) => l.action === 'plan' && l.result === 'dry-run');
  expect(new Set(dryRun.flatMap((l) => (l.resource === undefined ? [] : [l.resource]))).size).toBe(300);
}, 60_000);
