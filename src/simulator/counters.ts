import { serviceKeys, type ServiceKey } from './errors.js';

/** Counts for one operation. `calls` includes throttled and failed calls. */
export interface OperationCount {
  kind: 'read' | 'write';
  calls: number;
  throttled: number;
  errors: number;
  faults: number;
}

/** Per-service totals plus per-operation counts. */
export interface ServiceCounts {
  reads: number;
  writes: number;
  operations: Record<string, OperationCount>;
}

/** What `GET /_sim/calls` returns. `mutatingCalls` = every call to a mutating operation. */
export interface CallCounts {
  services: Record<ServiceKey, ServiceCounts>;
  totals: { calls: number; reads: number; writes: number; throttled: number; errors: number; faults: number; unknown: number };
  mutatingCalls: number;
}

/** How one call ended. */
export type CallOutcome = 'ok' | 'error' | 'throttled' | 'fault';

/**
 * One call in the call log: when it arrived (epoch ms, before any simulated latency), how it ended,
 * and who made it: the access key id of its SigV4 credential scope, when it was signed.
 */
export interface CallLogEntry {
  at: number;
  service: ServiceKey;
  operation: string;
  kind: 'read' | 'write';
  outcome: CallOutcome;
  caller?: string;
}

/** What `GET /_sim/calls/log` returns: the newest calls, oldest first, and how many older ones were dropped. */
export interface CallLog {
  capacity: number;
  dropped: number;
  entries: CallLogEntry[];
}

/** Calls kept in the log; older ones are dropped (and counted) so the log stays bounded. */
export const CALL_LOG_CAPACITY = 10_000;

function emptyCounts(): CallCounts {
  const svc = (): ServiceCounts => ({ reads: 0, writes: 0, operations: {} });
  return {
    services: Object.fromEntries(serviceKeys.map((k) => [k, svc()])) as Record<ServiceKey, ServiceCounts>,
    totals: { calls: 0, reads: 0, writes: 0, throttled: 0, errors: 0, faults: 0, unknown: 0 },
    mutatingCalls: 0,
  };
}

/** AWS call counters, split by service, operation and read/write. */
export class CallCounters {
  private counts: CallCounts = emptyCounts();
  private log: CallLogEntry[] = [];
  private dropped = 0;

  constructor(private readonly logCapacity = CALL_LOG_CAPACITY) {}

  /** Records one call to a known operation; `at` is when it arrived (epoch ms), `caller` who made it, for the call log. */
  record(service: ServiceKey, operation: string, kind: 'read' | 'write', outcome: CallOutcome, at = Date.now(), caller?: string): void {
    this.log.push(caller === undefined ? { at, service, operation, kind, outcome } : { at, service, operation, kind, outcome, caller });
    if (this.log.length > this.logCapacity) {
      // Drop in chunks, so a full log costs no array shift per call.
      const excess = this.log.length - this.logCapacity + Math.ceil(this.logCapacity / 10);
      this.log.splice(0, excess);
      this.dropped += excess;
    }
    const s = this.counts.services[service];
    const op = (s.operations[operation] ??= { kind, calls: 0, throttled: 0, errors: 0, faults: 0 });
    op.calls += 1;
    const t = this.counts.totals;
    t.calls += 1;
    if (kind === 'write') {
      s.writes += 1;
      t.writes += 1;
      this.counts.mutatingCalls += 1;
    } else {
      s.reads += 1;
      t.reads += 1;
    }
    if (outcome === 'throttled') {
      op.throttled += 1;
      t.throttled += 1;
    } else if (outcome === 'fault') {
      op.faults += 1;
      t.faults += 1;
    } else if (outcome === 'error') {
      op.errors += 1;
      t.errors += 1;
    }
  }

  /** Records a call to an unknown operation or service. */
  recordUnknown(): void {
    this.counts.totals.calls += 1;
    this.counts.totals.unknown += 1;
  }

  /** A snapshot (a copy). */
  snapshot(): CallCounts {
    return structuredClone(this.counts);
  }

  /** The call log (a copy), oldest call first. */
  callLog(): CallLog {
    return { capacity: this.logCapacity, dropped: this.dropped, entries: this.log.map((e) => ({ ...e })) };
  }

  /** Zeroes every counter and empties the call log. */
  reset(): void {
    this.counts = emptyCounts();
    this.log = [];
    this.dropped = 0;
  }
}
