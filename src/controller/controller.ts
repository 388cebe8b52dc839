/**
 * The controller loop: source snapshots -> desired set -> keyed work queue -> reconcile passes.
 * Level-based: every pass re-reads live state; a key is never reconciled twice at once; failures
 * retry with per-key backoff; a periodic, jittered resync re-checks everything for drift.
 * It knows nothing of ECS: it hands keys to the reconcile engine and reports what came back.
 */
import type { SnapshotFile } from '../manifests/load.js';
import type { DesiredResource, ResourceKey } from '../manifests/model.js';
import type { Problem } from '../manifests/problems.js';
import { IncrementalValidator } from '../manifests/incremental.js';
import type { Logger } from '../observe/logger.js';
import { describePassCounts } from '../observe/pass.js';
import { planCounts, planSummary } from '../observe/plan-output.js';
import pRetry from 'p-retry';
import type { ResourceResult } from '../reconcile/apply.js';
import { DEFAULT_RECHECK, type Decision } from '../reconcile/decision.js';
import { applyPass, planPass, type PassOptions } from '../reconcile/engine.js';
import type { ReconcileState } from '../reconcile/state.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { AwsPorts } from '../reconcile/ports.js';
import { KeyedBackoff, type BackoffOptions } from './backoff.js';
import { withDependencies } from '../reconcile/graph.js';
import { buildDesiredSet, changedKeys, type DesiredSet } from './desired-set.js';
import { WorkQueue, type Priority } from './queue.js';

/** What the controller needs from a source of manifests (directory or S3 prefix). */
export interface SnapshotSource {
  readonly description: string;
  read(signal?: AbortSignal): Promise<Snapshot>;
  watch(onSnapshot: (s: Snapshot) => void, onError: (e: { message: string; code?: string; requestId?: string }) => void, signal: AbortSignal): void;
}

export interface Snapshot {
  revision: string;
  files: SnapshotFile[];
  /** False when the listing may be partial: never prune from it. */
  complete: boolean;
  /** Files the source listed but could not read (too large, vanished, unreadable). */
  unreadable?: readonly { path: string; reason: string }[];
}

export interface PassSummary {
  pass: number;
  revision: string;
  trigger: Priority | 'initial';
  durationMs: number;
  counts: Record<ResourceResult['outcome'], number>;
  results: ResourceResult[];
  error?: string;
  /** Whether the pass covered every declared resource (only such a pass can prune). */
  full: boolean;
  /** Why resources no manifest declares were not deleted, when there were some and pruning is on. */
  pruneRefused?: string;
}

/** Callbacks for status, metrics and health; all optional, none may throw into the loop. */
export interface ControllerHooks {
  onSnapshot?(info: { revision: string; complete: boolean; description: string }): void;
  /** The desired set a snapshot made: its valid resources and the keys stalled on invalid manifests. */
  onDesired?(valid: ReadonlyMap<string, DesiredResource>, stalled: ReadonlySet<string>): void;
  onSourceError?(error: { message: string; code?: string; requestId?: string }): void;
  onReconciling?(keys: readonly ResourceKey[], revision: string): void;
  onResult?(result: ResourceResult, revision: string): void;
  onStalled?(key: string, problems: readonly Problem[], revision: string): void;
  onRemoved?(key: string): void;
  onPass?(summary: PassSummary): void;
  onQueueDepth?(depth: number): void;
  heartbeat?(): void;
}

export interface ControllerOptions {
  source: SnapshotSource;
  ports: AwsPorts;
  /** What the process carries between passes (cache, rollouts). */
  state: ReconcileState;
  logger: Logger;
  /** Engine options (sourceHealthy is decided per pass). */
  pass: Omit<PassOptions, 'sourceHealthy'>;
  resyncIntervalMs: number;
  dryRun: boolean;
  /** Upper bound of one pass; its AWS waits are aborted after it. */
  passTimeoutMs?: number;
  backoff?: BackoffOptions;
  /** When to look at a changed service again, to see its rollout's outcome (default 60 s). */
  rolloutCheckMs?: number;
  /** How soon to look again while a service of the same name drains (default 10 s). */
  drainCheckMs?: number;
  hooks?: ControllerHooks;
  /**
   * Whether this process may write (it holds the lease). While it may not, passes only plan:
   * live state is read and the status says what would change, as in a dry run. Default: always.
   */
  isLeader?: () => boolean;
  /** The clock for timers (resync, backoff, rechecks) and durations; tests inject one. */
  clock?: Clock;
}

/** How many of a resource's changes a dry-run log line carries (the rest are counted). */
const DRY_RUN_CHANGES_PER_LINE = 20;

const EMPTY_COUNTS = (): PassSummary['counts'] => ({ created: 0, configured: 0, unchanged: 0, deleted: 0, skipped: 0, failed: 0 });

/** Runs the reconcile loop until the signal aborts. */
export class Controller {
  private readonly queue: WorkQueue<ResourceKey>;
  private readonly backoff: KeyedBackoff;
  private readonly clock: Clock;
  // Re-parses only the files that changed between snapshots; a large folder with one edit stays quick.
  private readonly validator = new IncrementalValidator();
  private desired: DesiredSet | undefined;
  private snapshot: Snapshot | undefined;
  private passNumber = 0;
  private firstPassDone = false;
  /**
   * Keys whose removal a pass did not prune because the source's read was incomplete or a manifest
   * invalid: queued again as soon as a complete, valid snapshot comes, not at the next resync.
   */
  private readonly heldBackRemovals = new Set<ResourceKey>();
  /**
   * When a pass last re-checked what the process assumes exists (revisions still ACTIVE, log groups
   * present). Set by the first pass, which does not check: the first check comes one resync
   * interval in, so a restart costs no more reads than a resync.
   */
  private lastVerifiedAt: number | undefined;
  private readonly log: Logger;

  constructor(private readonly options: ControllerOptions) {
    this.clock = options.clock ?? systemClock;
    this.queue = new WorkQueue<ResourceKey>(this.clock);
    this.backoff = new KeyedBackoff(options.backoff);
    this.log = options.logger;
  }

  /** Queues every declared key for a full pass (this process just became the one that writes). */
  requeueAll(): void {
    for (const key of this.desired?.resources.keys() ?? []) this.queue.add(key, 'change');
    this.options.hooks?.onQueueDepth?.(this.queue.depth);
  }

  /** Whether the first full pass has finished (readiness). */
  get ready(): boolean {
    return this.firstPassDone;
  }

  /** Runs until `signal` aborts; resolves once the in-flight pass has finished. */
  async run(signal: AbortSignal): Promise<void> {
    const stop = (): void => this.queue.shutDown();
    signal.addEventListener('abort', stop, { once: true });
    try {
      const initial = await this.readInitial(signal);
      if (!initial) return;
      this.accept(initial, 'initial');
      this.options.source.watch(
        (s) => this.safely(() => this.accept(s, 'change')),
        (e) => this.safely(() => this.sourceError(e)),
        signal,
      );
      const stopResync = this.scheduleResync(signal);
      try {
        await this.work(signal);
      } finally {
        stopResync();
      }
    } finally {
      signal.removeEventListener('abort', stop);
      this.queue.shutDown();
    }
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error({ err }, 'internal error in a source callback');
    }
  }

  /** The first snapshot, retried (1 s doubling to 30 s) until it is read or `signal` aborts. */
  private async readInitial(signal: AbortSignal): Promise<Snapshot | undefined> {
    try {
      return await pRetry(() => this.options.source.read(signal), {
        retries: Number.POSITIVE_INFINITY,
        minTimeout: 1000,
        maxTimeout: 30_000,
        signal,
        onFailedAttempt: ({ error }) => {
          const e = error as { message: string; code?: string; requestId?: string };
          this.sourceError({ message: e.message, ...(e.code ? { code: e.code } : {}), ...(e.requestId ? { requestId: e.requestId } : {}) });
        },
      });
    } catch (err) {
      if (signal.aborted) return undefined;
      throw err;
    }
  }

  private sourceError(e: { message: string; code?: string; requestId?: string }): void {
    // The code may be an errno (ENOENT) or an AWS error code (S3): not an `awsErrorCode`.
    const keeping = this.snapshot ? 'keeping the last good snapshot' : 'nothing read yet; retrying';
    this.log.warn({ source: this.options.source.description, errorCode: e.code, requestId: e.requestId, result: 'failed' }, `source: ${e.message}; ${keeping}`);
    this.options.hooks?.onSourceError?.(e);
  }

  /** Takes a new snapshot: validate, find what changed, queue it. */
  private accept(snapshot: Snapshot, trigger: 'initial' | 'change'): void {
    if (this.snapshot && snapshot.revision === this.snapshot.revision && snapshot.complete === this.snapshot.complete) {
      // The same content again (e.g. the source recovering from an error): nothing to reconcile.
      this.options.hooks?.onSnapshot?.({ revision: snapshot.revision, complete: snapshot.complete, description: this.options.source.description });
      return;
    }
    const validation = this.validator.validate(snapshot.files);
    const previous = this.desired;
    const next = buildDesiredSet(validation.resources, validation.problems, previous, this.options.pass.defaultCluster);
    this.desired = next;
    this.snapshot = snapshot;
    this.options.hooks?.onSnapshot?.({ revision: snapshot.revision, complete: snapshot.complete, description: this.options.source.description });
    this.options.hooks?.onDesired?.(next.resources, new Set(next.stalled.keys()));
    for (const [key, problems] of next.stalled) {
      this.log.error(
        { resource: key, action: 'validate', result: 'stalled', problems: problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.path ? `${p.path}: ` : ''}${p.message}${p.hint ? ` (${p.hint})` : ''}`) },
        `${key}: invalid manifest; its AWS resources are left untouched`,
      );
      this.options.hooks?.onStalled?.(key, problems, snapshot.revision);
    }
    for (const u of snapshot.unreadable ?? []) {
      this.log.error({ file: u.path, action: 'read', result: 'stalled' }, `${u.path}: not read (${u.reason}); what it declares is left untouched and nothing is pruned`);
    }
    for (const [file, problems] of next.fileErrors) {
      this.log.error({ file, action: 'validate', result: 'stalled', problems: problems.map((p) => `${p.line}:${p.column}: ${p.message}`) }, `${file}: cannot be read as manifests`);
    }
    const { changed, removed } = changedKeys(trigger === 'initial' ? undefined : previous, next);
    for (const key of removed) {
      this.backoff.forget(key);
      this.options.hooks?.onRemoved?.(key);
    }
    this.log.info({ revision: snapshot.revision, action: 'snapshot', changed: changed.size, removed: removed.size, stalled: next.stalled.size }, `source revision ${snapshot.revision.slice(0, 12)}: ${changed.size} changed, ${removed.size} removed, ${next.stalled.size} stalled`);
    for (const key of changed) this.queue.add(key, 'change');
    for (const key of removed) this.queue.add(key, 'change');
    if (snapshot.complete && next.healthy) {
      for (const key of this.heldBackRemovals) if (!next.resources.has(key)) this.queue.add(key, 'change');
      this.heldBackRemovals.clear();
    }
    this.options.hooks?.onQueueDepth?.(this.queue.depth);
  }

  /** Queues every declared key every resync interval (±10% jitter); returns what stops it. */
  private scheduleResync(signal: AbortSignal): () => void {
    let cancel: () => void = () => undefined;
    const arm = (): void => {
      if (signal.aborted) return;
      // ±10% jitter so many controllers do not resync in step.
      const delay = this.options.resyncIntervalMs * (0.9 + 0.2 * Math.random());
      cancel = this.clock.schedule(() => {
        for (const key of this.desired?.resources.keys() ?? []) this.queue.add(key, 'resync');
        this.options.hooks?.heartbeat?.();
        arm();
      }, delay);
    };
    arm();
    return () => cancel();
  }

  private async work(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      this.options.hooks?.heartbeat?.();
      const { keys, priority } = await this.queue.take(Number.MAX_SAFE_INTEGER);
      if (keys.length === 0) return;
      try {
        await this.runPass(keys, this.passNumber === 0 ? 'initial' : priority, signal);
      } catch (err) {
        this.log.error({ err, pass: this.passNumber }, 'pass failed unexpectedly');
      } finally {
        this.queue.done(keys);
        this.options.hooks?.onQueueDepth?.(this.queue.depth);
      }
    }
  }

  private async runPass(keys: readonly ResourceKey[], trigger: PassSummary['trigger'], signal: AbortSignal): Promise<void> {
    const set = this.desired;
    const snapshot = this.snapshot;
    if (!set || !snapshot) return;
    const pass = ++this.passNumber;
    const started = this.clock.now();
    const log = this.log.child({ pass });
    const declared = keys.filter((k) => set.resources.has(k));
    const removed = keys.filter((k) => !set.resources.has(k) && !set.stalled.has(k));
    const full = removed.length > 0 || declared.length === set.resources.size;
    const prune = this.options.pass.prune && full;
    const subset = full ? new Set(set.resources.keys()) : withDependencies(declared, set.dependencies);
    const desired = [...subset].flatMap((k) => {
      const r = set.resources.get(k);
      return r ? [r] : [];
    });
    const sourceHealthy = set.healthy && snapshot.complete;
    let pruneRefused: string | undefined;
    if (removed.length > 0 && !(prune && sourceHealthy)) {
      const why = `${removed.length} resources no longer declared; not deleted this pass because ${snapshot.complete ? 'some manifests are invalid' : 'the source listing was incomplete'}`;
      if (this.options.pass.prune) {
        pruneRefused = why;
        for (const key of removed) this.heldBackRemovals.add(key);
      }
      log.warn({ action: 'prune', result: 'skipped', removed }, this.options.pass.prune ? why : `${removed.length} resources no longer declared; left in AWS (run with --prune to delete them)`);
    }
    this.options.hooks?.onReconciling?.(declared, snapshot.revision);

    const passSignal = this.options.passTimeoutMs ? AbortSignal.any([signal, AbortSignal.timeout(this.options.passTimeoutMs)]) : signal;
    const declaredKeys = new Set(declared);
    const dependencyOnly = full ? undefined : new Set([...subset].filter((k) => !declaredKeys.has(k)));
    // At most once per resync interval (the jitter can bring a resync 10% early), a full pass
    // re-reads what another writer may have removed behind our back.
    const now = this.clock.now();
    this.lastVerifiedAt ??= now;
    const verifyAssumed = full && now - this.lastVerifiedAt >= this.options.resyncIntervalMs * 0.9;
    if (verifyAssumed) this.lastVerifiedAt = now;
    const passOptions: PassOptions = { ...this.options.pass, prune, sourceHealthy, ...(dependencyOnly ? { dependencyOnly } : {}), ...(verifyAssumed ? { verifyAssumed } : {}) };
    const summary: PassSummary = { pass, revision: snapshot.revision, trigger, durationMs: 0, counts: EMPTY_COUNTS(), results: [], full, ...(pruneRefused !== undefined ? { pruneRefused } : {}) };
    // A standby plans like a dry run: it reads (keeping what it knows fresh) and never writes.
    const planOnly = this.options.dryRun ? 'dry run' : this.options.isLeader?.() === false ? 'standby' : undefined;
    try {
      if (planOnly !== undefined) {
        const { plan } = await planPass(desired, this.options.ports, this.options.state, passOptions);
        const counts = planCounts(plan);
        // One line per resource that would change, then the counts: a whole plan in one line grows
        // with the fleet (megabytes at thousands of resources) past what log drivers carry (awslogs
        // splits lines at 16 KB into broken JSON).
        const planned = planOnly === 'standby' ? 'standby' : 'dry-run';
        for (const r of plan.resources) {
          if (r.outcome === 'unchanged') continue;
          const more = r.changes.length - DRY_RUN_CHANGES_PER_LINE;
          log.info(
            { resource: r.key, action: 'plan', result: planned, outcome: r.outcome, changes: r.changes.slice(0, DRY_RUN_CHANGES_PER_LINE), ...(more > 0 ? { moreChanges: more } : {}) },
            `${planOnly}: ${r.key} would ${r.outcome}: ${r.reason}`,
          );
        }
        log.info({ action: 'plan', result: planned, counts }, `${planOnly}: ${planSummary(plan)}`);
        // Status shows what would happen, so no resource stays "Reconciling" for ever.
        for (const r of plan.resources) {
          const wouldChange = r.outcome !== 'unchanged';
          const result: ResourceResult = {
            key: r.key,
            outcome: wouldChange ? 'skipped' : 'unchanged',
            reason: wouldChange ? `${planOnly}: would ${r.outcome}: ${r.reason}` : r.reason,
            changes: r.changes,
            durationMs: 0,
            needsAttention: false,
            decision: { type: 'done' },
          };
          summary.results.push(result);
          summary.counts[result.outcome]++;
          this.options.hooks?.onResult?.(result, snapshot.revision);
        }
      } else {
        const { plan, result } = await applyPass(desired, this.options.ports, this.options.state, {
          ...passOptions,
          logger: log,
          wait: false,
          signal: passSignal,
          clock: this.clock,
          recheck: { rolloutCheckMs: this.options.rolloutCheckMs ?? DEFAULT_RECHECK.rolloutCheckMs, drainCheckMs: this.options.drainCheckMs ?? DEFAULT_RECHECK.drainCheckMs },
        });
        if (plan.pruneRefused !== undefined) summary.pruneRefused ??= plan.pruneRefused;
        summary.results = result.results;
        for (const r of result.results) {
          summary.counts[r.outcome]++;
          this.options.hooks?.onResult?.(r, snapshot.revision);
          this.schedule(r.key, r.decision, log);
        }
      }
    } catch (err) {
      // Observation failed (AWS unreachable, throttled beyond the SDK's retries, ...): every key retries with backoff.
      const e = err as { message?: string; code?: string; requestId?: string };
      summary.error = e.message ?? String(err);
      log.error({ err, action: 'observe', result: 'failed', awsErrorCode: e.code, requestId: e.requestId }, `pass ${pass} failed: ${summary.error}`);
      for (const key of declared) this.queue.addAfter(key, this.backoff.next(key), 'change');
    }
    summary.durationMs = this.clock.now() - started;
    const c = summary.counts;
    log.info(
      { action: 'pass', revision: snapshot.revision, trigger, durationMs: summary.durationMs, resources: desired.length, counts: c, result: summary.error ? 'failed' : c.failed > 0 ? 'degraded' : 'ok' },
      `pass ${pass} (${trigger}) in ${summary.durationMs} ms: ${summary.error ? `failed: ${summary.error}` : describePassCounts(summary.results)}`,
    );
    if (full && !summary.error) this.firstPassDone = true;
    this.options.hooks?.onPass?.(summary);
  }

  /** Schedules what the reconcile side decided for one key. */
  private schedule(key: ResourceKey, decision: Decision, log: Logger): void {
    switch (decision.type) {
      case 'done':
        this.backoff.forget(key);
        return;
      case 'recheck':
        // Progressing, not failing: no backoff, a look again after the time the work needs.
        this.backoff.forget(key);
        log.debug({ resource: key, action: 'recheck', reason: decision.reason, delayMs: decision.afterMs }, `${key}: ${decision.reason}; looking again in ${decision.afterMs} ms`);
        this.queue.addAfter(key, decision.afterMs, 'resync');
        return;
      case 'backoff': {
        const delay = this.backoff.next(key);
        log.debug({ resource: key, action: 'retry', delayMs: delay, attempt: this.backoff.attempts(key) }, `${key}: retry in ${delay} ms`);
        this.queue.addAfter(key, delay, 'change');
        return;
      }
      case 'terminal':
        // Retrying the same spec cannot help: wait for the manifest to change or for the next resync.
        this.backoff.forget(key);
        log.warn(
          { resource: key, action: 'retry', result: 'terminal', reason: decision.reason, awsErrorCode: decision.error?.code },
          `${key}: not retried until a manifest changes or the next resync (${decision.reason})`,
        );
        return;
      default: {
        const never: never = decision;
        throw new Error(`unknown decision ${JSON.stringify(never)}`);
      }
    }
  }
}