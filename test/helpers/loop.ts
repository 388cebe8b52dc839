import { connectAws } from '../../src/aws/index.js';
import { Controller, type PassSummary, type SnapshotSource } from '../../src/controller/controller.js';
import { silentLogger } from '../../src/observe/logger.js';
import { ReconcileState } from '../../src/reconcile/state.js';

/** A controller loop running in-process against an endpoint, with what it reported. */
export interface RunningLoop {
  passes: PassSummary[];
  stop(): Promise<void>;
}

/** Starts the controller loop on `source` against the simulator at `endpoint`. */
export async function startLoop(
  source: SnapshotSource,
  endpoint: string,
  options: { prune?: boolean; resyncIntervalMs?: number; concurrency?: number; backoff?: { baseMs: number; maxMs: number; jitter: number } } = {},
): Promise<RunningLoop> {
  const ports = await connectAws({ endpoint, region: 'us-east-1' });
  const passes: PassSummary[] = [];
  const abort = new AbortController();
  const controller = new Controller({
    source,
    ports,
    state: new ReconcileState(),
    logger: silentLogger(),
    pass: { controllerId: 'switchboard', defaultCluster: 'default', prune: options.prune ?? false, allowReplace: false, allowEmpty: false, maxPrune: 10, concurrency: options.concurrency ?? 4 },
    resyncIntervalMs: options.resyncIntervalMs ?? 60_000,
    dryRun: false,
    backoff: options.backoff ?? { baseMs: 100, maxMs: 1000, jitter: 0.2 },
    hooks: { onPass: (p) => passes.push(p) },
  });
  const running = controller.run(abort.signal).finally(() => ports.close());
  return {
    passes,
    async stop() {
      abort.abort();
      await running;
    },
  };
}

/** Polls until `check` holds. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
