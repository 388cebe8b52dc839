/** The S3 calls the S3 source makes, as a narrow port the AWS adapter implements. */

/** One object of a listing. */
export interface S3ObjectSummary {
  key: string;
  etag: string;
  size: number;
}

/** The fetched body of one object, with the ETag of the version actually read. */
export interface S3ObjectBody {
  /** At most the bytes asked for: the whole object when it is no larger. */
  body: Uint8Array;
  etag: string;
  /** The object's whole size, as S3 reported it with the answer (Content-Range, Content-Length). */
  size: number;
}

/** An answer that is not what the S3 protocol says it must be: the read cannot be trusted. */
export class S3ProtocolError extends Error {
  readonly code = 'InvalidS3Answer';

  constructor(message: string) {
    super(message);
    this.name = 'S3ProtocolError';
  }
}

/** S3 as the source needs it; every method rejects with an AwsCallError on failure. */
export interface S3Port {
  /**
   * Every object under `prefix` (all pages), or a rejection: never a partial list. An answer that
   * does not say the listing is complete as the protocol does rejects with an S3ProtocolError.
   */
  listObjects(bucket: string, prefix: string, signal?: AbortSignal): Promise<S3ObjectSummary[]>;
  /** At most the first `maxBytes` bytes of an object (its whole size is reported beside them). */
  getObject(bucket: string, key: string, maxBytes: number, signal?: AbortSignal): Promise<S3ObjectBody>;
  putObject(bucket: string, key: string, body: string, contentType: string, signal?: AbortSignal): Promise<void>;
}
