/**
 * What `plan` and `apply` share: load every manifest (all-or-nothing), connect to AWS, plan.
 */
import { connectAws } from '../aws/index.js';
import type { WriteGate } from '../aws/write-gate.js';
import { createLogger, type Logger } from '../observe/logger.js';
import { ReconcileState } from '../reconcile/state.js';
import type { PassOptions } from '../reconcile/engine.js';
import type { AwsPorts } from '../reconcile/ports.js';
import { loadManifests, reportProblems, type AwsFlags, type LoadedManifests } from './common.js';

export interface PruneFlags {
  prune: boolean;
  maxPrune: number;
  allowEmpty: boolean;
}

export interface Session {
  loaded: LoadedManifests;
  ports: AwsPorts & { close(): void };
  state: ReconcileState;
  logger: Logger;
  passOptions: PassOptions;
}

/** Loads manifests and connects; returns undefined (after printing every problem) when any manifest is invalid. */
export async function openSession(
  paths: readonly string[],
  flags: AwsFlags & PruneFlags & { allowReplace?: boolean },
  /** Refuses writes while the lease is not held (apply with --lease). */
  writeGate?: WriteGate,
): Promise<Session | undefined> {
  const loaded = await loadManifests(paths);
  reportProblems(loaded);
  // One-shot commands are all-or-nothing about input: no AWS call when anything is invalid.
  if (!loaded.valid) return undefined;
  const logger = createLogger({ level: flags.logLevel, format: process.stderr.isTTY ? 'pretty' : 'json', destination: 'stderr' });
  const ports = await connectAws({ ...(flags.region ? { region: flags.region } : {}), ...(flags.endpointUrl ? { endpoint: flags.endpointUrl } : {}), ...(writeGate ? { writeGate } : {}) });
  return {
    loaded,
    ports,
    state: new ReconcileState(),
    logger,
    passOptions: {
      controllerId: flags.controllerId,
      defaultCluster: flags.cluster,
      prune: flags.prune,
      allowReplace: flags.allowReplace ?? false,
      allowEmpty: flags.allowEmpty,
      maxPrune: flags.maxPrune,
      sourceHealthy: loaded.valid,
      concurrency: flags.concurrency,
      // A one-shot run checks that every log group its task definitions log to exists (one read per
      // 50 groups), so an apply repairs one another writer deleted. Whether each known revision is
      // still ACTIVE costs a read per family: the daemon checks that once per resync interval.
      verifyAssumed: 'log-groups',
    },
  };
}
