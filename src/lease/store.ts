/** Where the lease lives, as a narrow port: an object read, and written only on a condition. */

/** The lease object as read: its body and the ETag a conditional write names. */
export interface LeaseObject {
  body: string;
  etag: string;
}

/**
 * A conditional write lost: the object was created, changed or deleted by someone else first
 * (S3: 412 PreconditionFailed, 409 ConditionalRequestConflict, or 404 NoSuchKey for If-Match).
 */
export class LeaseConflictError extends Error {
  constructor(
    readonly location: string,
    readonly code: string,
  ) {
    super(`${location}: the lease object changed under us (${code})`);
    this.name = 'LeaseConflictError';
  }
}

/** The lease object's storage. Other failures (network, 5xx, AccessDenied) reject with the adapter's error. */
export interface LeaseStore {
  /** `s3://bucket/key`, for messages. */
  readonly location: string;
  /** The object, or undefined when there is none. */
  read(signal?: AbortSignal): Promise<LeaseObject | undefined>;
  /** Creates the object only when there is none (`If-None-Match: *`); resolves with its ETag, or rejects with LeaseConflictError. */
  create(body: string, signal?: AbortSignal): Promise<string>;
  /** Replaces the object only when its ETag is still `etag` (`If-Match`); resolves with the new ETag, or rejects with LeaseConflictError. */
  replace(body: string, etag: string, signal?: AbortSignal): Promise<string>;
}
