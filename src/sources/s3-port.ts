/** The S3 calls the S3 source makes, as a narrow port the AWS adapter implements. */

/** One object of a listing. */
export interface S3ObjectSummary {
  key: string;
  etag: string;
  size: number;
}

/** The fetched body of one object, with the ETag of the version actually read. */
export interface S3ObjectBody {
  body: Uint8Array;
  etag: string;
}

/** S3 as the source needs it; every method rejects with an AwsCallError on failure. */
export interface S3Port {
  /** Every object under `prefix` (all pages), or a rejection: never a partial list. */
  listObjects(bucket: string, prefix: string, signal?: AbortSignal): Promise<S3ObjectSummary[]>;
  getObject(bucket: string, key: string, signal?: AbortSignal): Promise<S3ObjectBody>;
  putObject(bucket: string, key: string, body: string, contentType: string, signal?: AbortSignal): Promise<void>;
}
