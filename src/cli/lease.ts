/**
 * Wiring of the lease for `run` and `apply`: where it is, the S3 client it uses (loaded only when
 * a lease is used), who this process is, and the write gate the AWS clients check.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { WriteGate } from '../aws/write-gate.js';
import { Lease, type LeaseOptions, type LeaseTimings } from '../lease/lease.js';
import { formatLeaseLocation, type LeaseLocation } from '../lease/location.js';

/** A lease with its S3 client, and the gate that refuses writes while this process does not hold it. */
export interface OpenedLease {
  lease: Lease;
  gate: WriteGate;
  /** `s3://bucket/key`. */
  location: string;
  /** Closes the lease's S3 connections (after release). */
  close(): void;
}

export interface OpenLeaseOptions extends Omit<LeaseOptions, 'identity' | 'timings'> {
  location: LeaseLocation;
  timings: LeaseTimings;
  region?: string;
  /** S3 endpoint override (the simulator, or --s3-endpoint-url). */
  s3Endpoint?: string;
  expectedBucketOwner?: string;
}

/** This process's holder id: host, pid and a random part, so a restarted process is a new holder. */
export function holderIdentity(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/** Builds the lease on its own S3 client (never write-gated: it is how the gate opens). */
export async function openLease(options: OpenLeaseOptions): Promise<OpenedLease> {
  const { createS3Client } = await import('../aws/s3.js');
  const { SdkLeaseStore } = await import('../aws/s3-lease.js');
  const { location, region, s3Endpoint, expectedBucketOwner, ...leaseOptions } = options;
  const client = createS3Client({ ...(region === undefined ? {} : { region }), ...(s3Endpoint === undefined ? {} : { endpoint: s3Endpoint }) });
  const store = new SdkLeaseStore(client, location.bucket, location.key, expectedBucketOwner);
  const lease = new Lease(store, { ...leaseOptions, identity: holderIdentity() });
  const where = formatLeaseLocation(location);
  return {
    lease,
    location: where,
    gate: {
      writesAllowed: () => lease.writesAllowed(),
      refusal: () => {
        const holder = lease.status.holder;
        return `this controller does not hold the lease ${where}${holder ? ` (${holder} does)` : ''}`;
      },
    },
    close: () => store.close(),
  };
}
