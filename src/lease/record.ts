/**
 * The lease record: the JSON body of the lease object. Its times are informational (for people and
 * `/status`); expiry is never judged from them, only from when a reader saw the object change.
 */

/** What the lease object holds. An empty `holder` means released: free to take at once. */
export interface LeaseRecord {
  holder: string;
  controllerId: string;
  /** How long the holder promises to stop writing after its last renewal started, ms. */
  durationMs: number;
  acquiredAt: string;
  renewedAt: string;
  /** How many times the lease changed hands (as Kubernetes' Lease `leaseTransitions`). */
  transitions: number;
  /**
   * Renewals by this holder: every write changes the body, so its ETag changes and standbys see
   * the renewal even if two renewals carried the same time.
   */
  renewals: number;
}

/** Serialises a record (pretty, so `aws s3 cp … -` shows who holds it). */
export function formatLeaseRecord(record: LeaseRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

function count(v: unknown): number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : 0;
}

/** Parses a lease object's body; undefined when it is not a lease record (then it is treated as held by someone unknown). */
export function parseLeaseRecord(body: string): LeaseRecord | undefined {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const r = v as Record<string, unknown>;
  if (typeof r.holder !== 'string' || typeof r.durationMs !== 'number' || !Number.isFinite(r.durationMs) || r.durationMs <= 0) return undefined;
  return {
    holder: r.holder,
    controllerId: typeof r.controllerId === 'string' ? r.controllerId : '',
    durationMs: r.durationMs,
    acquiredAt: typeof r.acquiredAt === 'string' ? r.acquiredAt : '',
    renewedAt: typeof r.renewedAt === 'string' ? r.renewedAt : '',
    transitions: count(r.transitions),
    renewals: count(r.renewals),
  };
}
