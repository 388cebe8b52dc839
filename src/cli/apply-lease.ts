/**
 * `apply --lease`: wait for the lease a running controller holds (up to --lease-timeout), keep it
 * renewed while applying, give it back afterwards. `plan` and `validate` never need it: they write nothing.
 */
import { DEFAULT_LEASE_TIMINGS } from '../lease/lease.js';
import { UsageError } from '../util/usage-error.js';
import { LeaseLocationError, resolveLeaseLocation } from '../lease/location.js';
import { formatDuration } from '../util/duration.js';
import { openLease, type OpenedLease } from './lease.js';

/** The lease of one apply: its write gate, waiting for it, and giving it back. */
export interface ApplyLease {
  gate: OpenedLease['gate'];
  /** Waits for the lease; false (after saying who holds it) when --lease-timeout passes first. */
  acquire(): Promise<boolean>;
  /** Stops renewing, releases the lease if held, closes its connections. */
  finish(): Promise<void>;
}

interface ApplyLeaseFlags {
  lease?: string;
  leaseTimeout: number;
  controllerId: string;
  region?: string;
  endpointUrl?: string;
}

/** The lease `--lease` names, not yet taken; undefined without the flag. Throws UsageError when the flag is wrong. */
export async function takeLeaseForApply(flags: ApplyLeaseFlags): Promise<ApplyLease | undefined> {
  let location;
  try {
    location = resolveLeaseLocation(flags.lease ?? 'none', undefined, flags.controllerId);
  } catch (err) {
    if (!(err instanceof LeaseLocationError)) throw err;
    throw new UsageError(err.message);
  }
  if (location === undefined) return undefined;
  const opened = await openLease({
    location,
    timings: DEFAULT_LEASE_TIMINGS,
    controllerId: flags.controllerId,
    ...(flags.region ? { region: flags.region } : {}),
    ...(flags.endpointUrl ? { s3Endpoint: flags.endpointUrl } : {}),
  });
  const stop = new AbortController();
  let leasing: Promise<void> | undefined;
  return {
    gate: opened.gate,
    async acquire() {
      leasing = opened.lease.run(stop.signal);
      // A free lease is taken within the first attempt or two; only then say that we wait.
      const quickMs = Math.min(500, flags.leaseTimeout);
      if (await opened.lease.whenLeader(quickMs, stop.signal)) return true;
      const holder = (): string => opened.lease.status.holder || 'another controller';
      process.stderr.write(`waiting up to ${formatDuration(flags.leaseTimeout)} for the lease ${opened.location} (held by ${holder()})\n`);
      if (await opened.lease.whenLeader(flags.leaseTimeout - quickMs, stop.signal)) return true;
      process.stderr.write(`apply: the lease ${opened.location} is held by ${holder()}; gave up after ${formatDuration(flags.leaseTimeout)} (stop that controller, or raise --lease-timeout)\n`);
      return false;
    },
    async finish() {
      stop.abort();
      await leasing;
      await opened.lease.release();
      opened.close();
    },
  };
}
