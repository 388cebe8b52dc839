/**
 * Prometheus metrics for the controller, on a registry of its own (not prom-client's global one)
 * so that several controllers, or many tests, can live in one process.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { observeAwsCalls, type AwsCallRecord } from '../aws/errors.js';
import type { ResourceResult } from '../reconcile/apply.js';
import { kindOf, passResult, type PassReport } from './pass.js';

export interface MetricsOptions {
  /** Also export prom-client's default process and Node.js metrics (CPU, memory, event loop, handles). */
  defaultMetrics?: boolean;
  /** Count every AWS call made in this process (via observeAwsCalls). Default true. */
  observeAws?: boolean;
  /** The clock for the last-successful-pass timestamp (epoch ms). */
  now?: () => number;
}

// Reconciles wait for deployments and namespace operations: seconds to minutes.
const RECONCILE_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];
const AWS_CALL_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The controller's metrics; call dispose() when done so the AWS-call observer is unregistered. */
export class Metrics {
  readonly registry = new Registry();
  private readonly now: () => number;
  private readonly passes: Counter<'result'>;
  private readonly reconciles: Counter<'kind' | 'result'>;
  private readonly reconcileDuration: Histogram<'kind'>;
  private readonly awsCalls: Counter<'service' | 'operation' | 'error_code'>;
  private readonly awsCallDuration: Histogram<'service' | 'operation'>;
  private readonly queueDepth: Gauge;
  private readonly drift: Counter<'kind'>;
  private readonly persistentDrift: Gauge<'kind'>;
  /** Keys the persistent-drift breaker holds now. */
  private readonly heldForDrift = new Set<string>();
  private readonly lastSuccess: Gauge;
  private readonly eventsSentCounter: Counter<'detail_type'>;
  private readonly eventsFailedCounter: Counter<'error_code'>;
  private readonly eventsDroppedCounter: Counter<'reason'>;
  private readonly eventsPendingGauge: Gauge;
  private readonly leader: Gauge;
  private readonly roleSince: Gauge;
  private readonly leaderChanges: Counter;
  private readonly leaseErrors: Counter;
  private readonly sourceReads: Counter<'result'>;
  private readonly sourceLastRead: Gauge;
  private readonly unobserve: (() => void) | undefined;

  constructor(options: MetricsOptions = {}) {
    this.now = options.now ?? Date.now;
    const registers = [this.registry];
    this.passes = new Counter({ name: 'switchboard_passes_total', help: 'Reconcile passes, by result (success, failed, error).', labelNames: ['result'], registers });
    this.reconciles = new Counter({
      name: 'switchboard_reconciles_total',
      help: 'Resources reconciled, by kind and outcome (created, configured, unchanged, deleted, skipped, failed).',
      labelNames: ['kind', 'result'],
      registers,
    });
    this.reconcileDuration = new Histogram({
      name: 'switchboard_reconcile_duration_seconds',
      help: 'Time to reconcile one resource, including waits, by kind.',
      labelNames: ['kind'],
      buckets: RECONCILE_BUCKETS,
      registers,
    });
    this.awsCalls = new Counter({
      name: 'switchboard_aws_calls_total',
      help: 'AWS API calls, by service, operation and error code ("" on success).',
      labelNames: ['service', 'operation', 'error_code'],
      registers,
    });
    this.awsCallDuration = new Histogram({
      name: 'switchboard_aws_call_duration_seconds',
      help: 'AWS API call latency including SDK retries, by service and operation.',
      labelNames: ['service', 'operation'],
      buckets: AWS_CALL_BUCKETS,
      registers,
    });
    this.queueDepth = new Gauge({ name: 'switchboard_queue_depth', help: 'Resource keys waiting in the work queue.', registers });
    this.drift = new Counter({ name: 'switchboard_drift_detected_total', help: 'Resources found changed outside the controller by a resync, by kind.', labelNames: ['kind'], registers });
    this.persistentDrift = new Gauge({
      name: 'switchboard_persistent_drift_resources',
      help: 'Resources held by the persistent-drift breaker (a field still differing after our writes; Stalled, PersistentDrift), by kind.',
      labelNames: ['kind'],
      registers,
    });
    this.lastSuccess = new Gauge({
      name: 'switchboard_last_successful_pass_timestamp_seconds',
      help: 'Unix time the last pass finished with every resource converged (0: none yet).',
      registers,
    });
    this.eventsSentCounter = new Counter({ name: 'switchboard_events_published_total', help: 'Events EventBridge accepted, by detail-type.', labelNames: ['detail_type'], registers });
    this.eventsFailedCounter = new Counter({ name: 'switchboard_events_failed_total', help: 'Event publish attempts that failed (refused entries and failed calls), by error code; retried with backoff.', labelNames: ['error_code'], registers });
    this.eventsDroppedCounter = new Counter({ name: 'switchboard_events_dropped_total', help: 'Events given up on, by reason (attempts, queue-full, shutdown).', labelNames: ['reason'], registers });
    this.eventsPendingGauge = new Gauge({ name: 'switchboard_events_pending', help: 'Events waiting to be published.', registers });
    this.leader = new Gauge({ name: 'switchboard_leader', help: 'With a lease: 1 while this controller holds it and writes, 0 while it stands by.', registers });
    this.roleSince = new Gauge({ name: 'switchboard_leader_role_since_timestamp_seconds', help: 'Unix time this controller became leader or standby.', registers });
    this.leaderChanges = new Counter({ name: 'switchboard_leader_changes_total', help: 'Times this controller became leader or standby.', registers });
    this.leaseErrors = new Counter({ name: 'switchboard_lease_errors_total', help: 'Failed reads or writes of the lease object (renewals included).', registers });
    this.sourceReads = new Counter({ name: 'switchboard_source_reads_total', help: 'Reads of the manifest source, by result (ok, failed).', labelNames: ['result'], registers });
    this.sourceLastRead = new Gauge({
      name: 'switchboard_source_last_successful_read_timestamp_seconds',
      help: 'Unix time of the last successful read of the manifest source (the start time until one succeeds).',
      registers,
    });
    this.sourceLastRead.set(this.now() / 1000);
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.unobserve = options.observeAws ?? true ? observeAwsCalls((r) => this.recordAwsCall(r)) : undefined;
  }

  /** Counts a finished pass by its result; a successful one sets the last-successful-pass timestamp to now. */
  recordPass(report: Pick<PassReport, 'counts' | 'error'>): void {
    const result = passResult(report);
    this.passes.inc({ result });
    if (result === 'success') this.lastSuccess.set(this.now() / 1000);
  }

  /** Counts one resource reconcile of `kind` with its outcome and duration in seconds. */
  recordReconcile(kind: string, result: ResourceResult['outcome'], seconds: number): void {
    this.reconciles.inc({ kind, result });
    this.reconcileDuration.observe({ kind }, seconds);
  }

  /** recordReconcile for an apply result (kind from its key, duration from durationMs). */
  recordResult(result: Pick<ResourceResult, 'key' | 'outcome' | 'durationMs'>): void {
    this.recordReconcile(kindOf(result.key), result.outcome, result.durationMs / 1000);
  }

  /** Counts one read of the source; a successful one sets the last-successful-read timestamp to now. */
  recordSourceRead(ok: boolean): void {
    this.sourceReads.inc({ result: ok ? 'ok' : 'failed' });
    if (ok) this.sourceLastRead.set(this.now() / 1000);
  }

  /** Sets how many keys wait in the work queue. */
  setQueueDepth(depth: number): void {
    this.queueDepth.set(depth);
  }

  /** Counts one resource of `kind` found drifted by a resync. */
  recordDrift(kind: string): void {
    this.drift.inc({ kind });
  }

  /** Records whether the persistent-drift breaker holds `key` after its latest result (or its manifest is gone: false). */
  recordPersistentDrift(key: string, held: boolean): void {
    if (held === this.heldForDrift.has(key)) return;
    if (held) this.heldForDrift.add(key);
    else this.heldForDrift.delete(key);
    const kind = kindOf(key);
    this.persistentDrift.set({ kind }, [...this.heldForDrift].filter((k) => kindOf(k) === kind).length);
  }

  /** Records that this controller became leader or standby at `sinceMs` (epoch ms). */
  setLeadership(role: 'leader' | 'standby', sinceMs: number): void {
    this.leader.set(role === 'leader' ? 1 : 0);
    this.roleSince.set(sinceMs / 1000);
    this.leaderChanges.inc();
  }

  /** Counts events EventBridge accepted. */
  eventsSent(detailType: string, n: number): void {
    this.eventsSentCounter.inc({ detail_type: detailType }, n);
  }

  /** Counts failed publish attempts. */
  eventsFailed(errorCode: string, n: number): void {
    this.eventsFailedCounter.inc({ error_code: errorCode }, n);
  }

  /** Counts events given up on. */
  eventsDropped(reason: 'attempts' | 'queue-full' | 'shutdown', n: number): void {
    this.eventsDroppedCounter.inc({ reason }, n);
  }

  /** Sets how many events wait to be published. */
  eventsPending(n: number): void {
    this.eventsPendingGauge.set(n);
  }

  /** Counts one failed read or write of the lease object. */
  recordLeaseError(): void {
    this.leaseErrors.inc();
  }

  /** Counts one AWS call (`operation` is `service:Operation`); fed by observeAwsCalls unless disabled. */
  recordAwsCall(record: AwsCallRecord): void {
    const colon = record.operation.indexOf(':');
    const service = colon < 0 ? 'unknown' : record.operation.slice(0, colon);
    const operation = colon < 0 ? record.operation : record.operation.slice(colon + 1);
    this.awsCalls.inc({ service, operation, error_code: record.errorCode ?? '' });
    this.awsCallDuration.observe({ service, operation }, record.durationMs / 1000);
  }

  /** The Prometheus text exposition of every metric. */
  async expose(): Promise<string> {
    return this.registry.metrics();
  }

  /** The Content-Type of expose()'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Stops observing AWS calls. Idempotent. */
  dispose(): void {
    this.unobserve?.();
  }
}
