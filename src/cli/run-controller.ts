/**
 * The controller daemon's wiring: AWS ports, the source, status, metrics, health and the HTTP
 * endpoints around the loop. Loaded only when `run` or `demo` starts.
 */
import { connectAws } from '../aws/index.js';
import { Controller } from '../controller/controller.js';
import { SourceFreshness, STALE_AFTER_POLLS } from '../observe/freshness.js';
import { defaultStaleAfterMs, Health } from '../observe/health.js';
import { startHttpServer } from '../observe/http.js';
import { createLogger, type LogFormat } from '../observe/logger.js';
import { Metrics } from '../observe/metrics.js';
import { kindOf } from '../observe/pass.js';
import { StatusStore, type LeadershipStatus } from '../observe/status.js';
import { ReconcileState } from '../reconcile/state.js';
import { checkLeaseTimings, type LeaseRole, type LeaseStatus } from '../lease/lease.js';
import { resolveLeaseLocation, type LeaseLocation } from '../lease/location.js';
import { createSource } from '../sources/index.js';
import { openEvents, type OpenedEvents } from './events.js';
import { openLease } from './lease.js';
import { leaseTimingsOf, type RunFlags } from './run.js';
import { DaemonMap } from './run-map.js';
import { UsageError } from './usage.js';

function leadershipStatus(l: LeaseStatus): LeadershipStatus {
  return { role: l.role, since: new Date(l.since).toISOString(), identity: l.identity, lease: l.location, ...(l.holder !== undefined ? { holder: l.holder } : {}) };
}

/** The signals that stop the controller gracefully. */
const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/** Runs the controller until SIGTERM, SIGINT or SIGHUP (or `stop` aborts); resolves with the exit code. */
export async function runController(flags: RunFlags, stop?: AbortSignal): Promise<number> {
  const format: LogFormat = flags.logFormat ?? (process.stdout.isTTY ? 'pretty' : 'json');
  const logger = createLogger({ level: flags.logLevel, format, destination: 'stdout' });
  const status = new StatusStore();
  const metrics = new Metrics({ defaultMetrics: true });
  const shutdown = new AbortController();
  const health = new Health({ staleAfterMs: defaultStaleAfterMs(flags.resyncInterval) });
  const freshness = new SourceFreshness(STALE_AFTER_POLLS * flags.pollInterval);
  const onSignal = (sig: string): void => {
    if (shutdown.signal.aborted) return;
    logger.info({ action: 'shutdown', signal: sig }, `${sig}: finishing in-flight work, then exiting`);
    shutdown.abort();
  };
  // SIGHUP too (a closed terminal, a supervisor's reload): without a handler node dies at once,
  // in the middle of whatever AWS call was in flight.
  const handlers = SHUTDOWN_SIGNALS.map((sig) => [sig, () => onSignal(sig)] as const);
  for (const [sig, handler] of handlers) process.once(sig, handler);
  stop?.addEventListener('abort', () => onSignal('stop'), { once: true });

  // --endpoint-url routes S3 too (the simulator serves it on the same port), unless --s3-endpoint-url says otherwise.
  const s3Endpoint = flags.s3EndpointUrl ?? flags.endpointUrl;
  let leaseLocation: LeaseLocation | undefined;
  try {
    leaseLocation = resolveLeaseLocation(flags.lease, flags.source, flags.controllerId);
    checkLeaseTimings(leaseTimingsOf(flags));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  let requeueAll = (): void => undefined;
  let role: LeaseRole | undefined;
  // Events speak for the controller that writes: the leader, and never a dry run.
  const events: OpenedEvents | undefined = flags.events
    ? await openEvents({
        target: flags.events,
        controllerId: flags.controllerId,
        logger,
        metrics,
        isLeader: () => !flags.dryRun && (opened?.lease.writesAllowed() ?? true),
        ...(flags.region ? { region: flags.region } : {}),
        ...(flags.endpointUrl ? { endpoint: flags.endpointUrl } : {}),
      })
    : undefined;
  const opened =
    leaseLocation === undefined
      ? undefined
      : await openLease({
          location: leaseLocation,
          timings: leaseTimingsOf(flags),
          controllerId: flags.controllerId,
          logger,
          ...(flags.region ? { region: flags.region } : {}),
          ...(s3Endpoint ? { s3Endpoint } : {}),
          ...(flags.expectedBucketOwner ? { expectedBucketOwner: flags.expectedBucketOwner } : {}),
          onError: () => metrics.recordLeaseError(),
          onChange: (l) => {
            status.setLeadership(leadershipStatus(l));
            if (l.role === role) return;
            role = l.role;
            metrics.setLeadership(l.role, l.since);
            // The new leader converges everything at once: what the standby only planned.
            if (l.role === 'leader') {
              requeueAll();
              events?.emitter.leader({ holder: l.identity, lease: l.location });
            }
          },
        });
  const ports = await connectAws({
    ...(flags.region ? { region: flags.region } : {}),
    ...(flags.endpointUrl ? { endpoint: flags.endpointUrl } : {}),
    ...(opened ? { writeGate: opened.gate } : {}),
  });
  const source = createSource(flags.source, {
    pollIntervalMs: flags.pollInterval,
    region: ports.region,
    ...(flags.expectedBucketOwner ? { expectedBucketOwner: flags.expectedBucketOwner } : {}),
    ...(s3Endpoint ? { s3Endpoint } : {}),
    onRead: (ok) => {
      freshness.read(ok);
      metrics.recordSourceRead(ok);
    },
  });
  // `--status-to` alone or `--status-to source` (the flag's parser refuses anything else).
  const statusToSource = flags.statusTo !== undefined;
  const map = new DaemonMap({ status, defaultCluster: flags.cluster, region: ports.region });
  const http = await startHttpServer({
    listen: flags.listen,
    status,
    metrics,
    health,
    source: freshness,
    page: map.page,
    ...(flags.statusToken !== undefined ? { statusToken: flags.statusToken } : {}),
  });
  logger.info(
    { action: 'start', source: source.description, listen: http.url, dryRun: flags.dryRun, prune: flags.prune, lease: opened?.location ?? 'none' },
    `switchboard watching ${source.description}; the map and status on ${http.url}/${opened ? `; one writer at a time through ${opened.location}` : ''}`,
  );
  if (opened && role === undefined) {
    const l = opened.lease.status;
    role = l.role;
    status.setLeadership(leadershipStatus(l));
    metrics.setLeadership(l.role, l.since);
  }

  let statusWrite: Promise<void> = Promise.resolve();
  const controller = new Controller({
    source,
    ports,
    state: new ReconcileState(),
    logger,
    pass: {
      controllerId: flags.controllerId,
      defaultCluster: flags.cluster,
      prune: flags.prune,
      allowReplace: flags.allowReplace,
      allowEmpty: flags.allowEmpty,
      maxPrune: flags.maxPrune,
      concurrency: flags.concurrency,
    },
    resyncIntervalMs: flags.resyncInterval,
    dryRun: flags.dryRun,
    passTimeoutMs: 30 * 60_000,
    ...(opened ? { isLeader: () => opened.lease.writesAllowed() } : {}),
    hooks: {
      heartbeat: () => health.heartbeat(),
      onSnapshot: (s) => status.setSource({ description: s.description, revision: s.revision, complete: s.complete }),
      onDesired: (valid, stalled) => map.onDesired(valid, stalled),
      onSourceError: (e) => {
        const previous = status.sourceStatus;
        status.setSource({
          description: source.description,
          revision: previous?.revision ?? '',
          complete: false,
          lastError: { message: e.message, ...(e.code ? { code: e.code } : {}), ...(e.requestId ? { requestId: e.requestId } : {}) },
        });
      },
      onReconciling: (keys, revision) => {
        for (const k of keys) status.markReconciling(k, revision);
      },
      onResult: (r, revision) => {
        events?.emitter.result(r, revision);
        status.recordResult(r.key, revision, r);
        metrics.recordReconcile(kindOf(r.key), r.outcome, r.durationMs / 1000);
        metrics.recordPersistentDrift(r.key, r.decision.type === 'terminal' && r.decision.reason === 'PersistentDrift');
      },
      onStalled: (key, problems, revision) => {
        events?.emitter.stalledManifest(key, problems, revision);
        status.markStalled(key, revision, problems);
      },
      onRemoved: (key) => {
        events?.emitter.removed(key);
        status.remove(key);
        metrics.recordPersistentDrift(key, false);
      },
      onQueueDepth: (depth) => metrics.setQueueDepth(depth),
      onPass: (p) => {
        events?.emitter.pass(p);
        status.recordPass({ pass: p.pass, revision: p.revision, durationMs: p.durationMs, counts: p.counts, trigger: p.trigger, ...(p.error ? { error: p.error } : {}) });
        metrics.recordPass({ counts: p.counts, ...(p.error ? { error: p.error } : {}) });
        if (p.trigger === 'resync') {
          for (const r of p.results) if (r.outcome === 'configured' || r.outcome === 'created') metrics.recordDrift(kindOf(r.key));
        }
        if (controller.ready && !status.isReady()) status.firstFullPassDone();
        // The status document next to the source is a write too: only the leader makes it.
        if (statusToSource && (opened?.lease.writesAllowed() ?? true)) {
          statusWrite = statusWrite
            .then(() => source.writeStatus(status.toJsonText()))
            .catch((err: unknown) => logger.warn({ err, action: 'status' }, 'could not write the status document next to the source'));
        }
      },
    },
  });

  requeueAll = () => controller.requeueAll();
  // The lease is kept until in-flight work has finished, then released, so a standby takes over at once.
  const leaseStop = new AbortController();
  const leasing = opened?.lease.run(leaseStop.signal);
  const running = controller.run(shutdown.signal);
  await new Promise<void>((resolve) => {
    if (shutdown.signal.aborted) resolve();
    else shutdown.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  // Bounded: in-flight AWS calls and the last status write finish, nothing new starts; well under
  // the ECS stop timeout. What does not finish in time (a write to a file system that stopped
  // answering) is left behind: the caller exits the process regardless.
  let timer: NodeJS.Timeout | undefined;
  const finished = running.then(async () => statusWrite);
  const timedOut = await Promise.race([
    finished.then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), flags.shutdownTimeout);
    }),
  ]);
  clearTimeout(timer);
  for (const [sig, handler] of handlers) process.off(sig, handler);
  if (timedOut) logger.warn({ action: 'shutdown', result: 'timeout' }, 'in-flight work did not finish in time; exiting anyway');
  leaseStop.abort();
  await leasing;
  if (opened) {
    // Writes may still be in flight after a timeout: then the lease is left to expire instead.
    if (!timedOut) await opened.lease.release();
    opened.close();
  }
  await events?.close();
  await http.close();
  source.close();
  metrics.dispose();
  ports.close();
  logger.info({ action: 'shutdown', result: 'ok' }, 'stopped');
  return 0;
}
