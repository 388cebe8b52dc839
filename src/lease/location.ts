/** Where the lease object is: from `--lease`, or beside an S3 source by default. */
import { isS3Location } from '../sources/s3-location.js';
import { STATUS_FOLDER } from '../sources/types.js';

/** A lease object's bucket and key. */
export interface LeaseLocation {
  bucket: string;
  key: string;
}

/** A `--lease` value that names no usable lease object. */
export class LeaseLocationError extends Error {
  constructor(value: string, reason: string) {
    super(`--lease ${JSON.stringify(value)}: ${reason}`);
    this.name = 'LeaseLocationError';
  }
}

/** The lease object's key under a prefix (`''` or ending in `/`): `<prefix>.switchboard/lease-<controller id>`. */
export function defaultLeaseKey(prefix: string, controllerId: string): string {
  return `${prefix}${STATUS_FOLDER}/lease-${controllerId}`;
}

/**
 * The lease object for `--lease` (`s3://bucket/key`; `s3://bucket/prefix/` for the default key
 * under that prefix; `none` for no lease). Without the flag, an S3 source gets the default key
 * beside its manifests and a directory source runs without a lease. Undefined means no lease.
 */
export function resolveLeaseLocation(flag: string | undefined, source: string | undefined, controllerId: string): LeaseLocation | undefined {
  if (flag === undefined) {
    if (source === undefined || !isS3Location(source)) return undefined;
    return resolveLeaseLocation(source.endsWith('/') ? source : `${source}/`, undefined, controllerId);
  }
  if (flag === 'none') return undefined;
  const m = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(flag);
  if (!m || m[1] === undefined || m[1] === '') throw new LeaseLocationError(flag, 'expected s3://bucket/key, s3://bucket/prefix/ or none');
  const rest = m[2] ?? '';
  return { bucket: m[1], key: rest === '' || rest.endsWith('/') ? defaultLeaseKey(rest, controllerId) : rest };
}

/** `s3://bucket/key`. */
export function formatLeaseLocation(l: LeaseLocation): string {
  return `s3://${l.bucket}/${l.key}`;
}
