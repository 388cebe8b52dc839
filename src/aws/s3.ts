/** The S3 adapter: the three calls the S3 manifest source makes, with ExpectedBucketOwner on each. */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { S3ProtocolError, type S3ObjectBody, type S3ObjectSummary, type S3Port } from '../sources/s3-port.js';
import { baseConfig, type AwsClientConfig } from './clients.js';
import { awsCall } from './errors.js';

/** Builds an S3 client; path-style addressing when an endpoint override is used (S3 emulators). */
export function createS3Client(cfg: AwsClientConfig): S3Client {
  const base = baseConfig(cfg);
  return new S3Client({ ...base, forcePathStyle: base.endpoint !== undefined });
}

/** A listing longer than this many pages (ten million keys) is refused rather than read for ever. */
const MAX_LIST_PAGES = 10_000;

/** The objects of one ListObjectsV2 page, or an S3ProtocolError when the answer is not a listing of `bucket`. */
function listedObjects(res: ListObjectsV2CommandOutput, bucket: string): S3ObjectSummary[] {
  // S3 always sends IsTruncated and Name; an answer without them is not a listing (an HTML page
  // with status 200 parses as an empty one).
  if (typeof res.IsTruncated !== 'boolean' || res.Name === undefined) throw new S3ProtocolError('s3:ListObjectsV2: the answer is not a ListObjectsV2 answer (no IsTruncated or Name)');
  if (res.Name !== bucket) throw new S3ProtocolError(`s3:ListObjectsV2: the answer lists bucket ${JSON.stringify(res.Name)}, not ${JSON.stringify(bucket)}`);
  const contents = res.Contents ?? [];
  if (res.KeyCount !== undefined && res.KeyCount !== contents.length + (res.CommonPrefixes?.length ?? 0)) {
    throw new S3ProtocolError(`s3:ListObjectsV2: the answer says KeyCount ${res.KeyCount} but lists ${contents.length} key${contents.length === 1 ? '' : 's'}`);
  }
  return contents.map((o) => {
    if (o.Key === undefined || o.ETag === undefined || o.Size === undefined) throw new S3ProtocolError('s3:ListObjectsV2: an object in the answer has no Key, ETag or Size');
    return { key: o.Key, etag: o.ETag, size: o.Size };
  });
}

/** The whole size in a Content-Range `bytes 0-99/1234`, when it is known. */
function totalSize(contentRange: string | undefined): number | undefined {
  const m = contentRange === undefined ? null : /\/(\d+)$/.exec(contentRange);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

/** The first `max` bytes of a body stream; the rest is not read (the stream is destroyed), nor anything after `signal` aborts. */
async function readAtMost(body: AsyncIterable<Uint8Array> & { destroy?(): void }, max: number, signal?: AbortSignal): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const stop = (): void => body.destroy?.();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    for await (const chunk of body) {
      const take = chunk.subarray(0, max - total);
      chunks.push(take);
      total += take.length;
      if (total >= max) break;
    }
  } finally {
    signal?.removeEventListener('abort', stop);
    body.destroy?.();
  }
  if (signal?.aborted) throw signal.reason;
  return Buffer.concat(chunks, total);
}

/** Adapter options. */
export interface SdkS3Options {
  /** Sent as `ExpectedBucketOwner` on every call: S3 answers 403 when the bucket belongs to another account. */
  expectedBucketOwner?: string;
  /** Keys per ListObjectsV2 page (S3's maximum, and default, is 1,000). */
  pageSize?: number;
}

/** The S3 port over the SDK client. */
export class SdkS3 implements S3Port {
  private readonly owner: { ExpectedBucketOwner?: string };

  constructor(
    private readonly client: S3Client,
    private readonly options: SdkS3Options = {},
  ) {
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-owner-condition.html
    this.owner = options.expectedBucketOwner === undefined ? {} : { ExpectedBucketOwner: options.expectedBucketOwner };
  }

  async listObjects(bucket: string, prefix: string, signal?: AbortSignal): Promise<S3ObjectSummary[]> {
    const out: S3ObjectSummary[] = [];
    const tokens = new Set<string>();
    let token: string | undefined;
    // A listing is paginated by ContinuationToken, at most 1,000 keys a page; IsTruncated says whether
    // more keys follow, and NextContinuationToken is sent when it is true:
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
    // Only an answer that says so ends the listing: anything else (a proxy's HTML page parsed as an
    // empty listing, a truncated page without a token) would hand the source a partial list as whole.
    for (let page = 1; ; page++) {
      if (page > MAX_LIST_PAGES) throw new S3ProtocolError(`s3:ListObjectsV2: more than ${MAX_LIST_PAGES} pages under ${prefix}; refusing to go on`);
      const continuation = token;
      const res = await awsCall('s3:ListObjectsV2', () =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix,
            ...(this.options.pageSize === undefined ? {} : { MaxKeys: this.options.pageSize }),
            ...(continuation === undefined ? {} : { ContinuationToken: continuation }),
            ...this.owner,
          }),
          signal === undefined ? {} : { abortSignal: signal },
        ),
      );
      out.push(...listedObjects(res, bucket));
      if (res.IsTruncated === false) return out;
      const next = res.NextContinuationToken;
      if (next === undefined || next === '') throw new S3ProtocolError('s3:ListObjectsV2: a truncated listing without a NextContinuationToken; the rest of the listing cannot be read');
      if (tokens.has(next)) throw new S3ProtocolError(`s3:ListObjectsV2: continuation token ${JSON.stringify(next.slice(0, 64))} repeated; the listing would never end`);
      tokens.add(next);
      token = next;
    }
  }

  async getObject(bucket: string, key: string, maxBytes: number, signal?: AbortSignal): Promise<S3ObjectBody> {
    // Only the bytes that can be used are asked for: an object that grew since it was listed is
    // not read whole (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html, Range).
    const got = await awsCall('s3:GetObject', async () => {
      try {
        const res = await this.client.send(
          new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${Math.max(0, maxBytes - 1)}`, ...this.owner }),
          signal === undefined ? {} : { abortSignal: signal },
        );
        return { res };
      } catch (err) {
        // A range starting at 0 is unsatisfiable only for an empty object: S3 answers 416
        // InvalidRange (RFC 9110 §15.5.17; the S3-compatible stores follow it, e.g. minio/minio#6557).
        if ((err as { name?: unknown }).name === 'InvalidRange') return { res: undefined };
        throw err;
      }
    });
    if (got.res === undefined) return { body: new Uint8Array(), etag: '', size: 0 };
    const res = got.res;
    // The whole size: from Content-Range on a 206, from Content-Length on a 200 (a server that ignored the range).
    const size = totalSize(res.ContentRange) ?? res.ContentLength;
    const stream = res.Body as (AsyncIterable<Uint8Array> & { destroy?(): void }) | undefined;
    // An object said to be empty has nothing to read (some emulators answer its range with a length of 1 they never send).
    if (stream === undefined || size === 0) {
      stream?.destroy?.();
      return { body: new Uint8Array(), etag: res.ETag ?? '', size: 0 };
    }
    const body = await readAtMost(stream, maxBytes, signal);
    return { body, etag: res.ETag ?? '', size: Math.max(size ?? 0, body.length) };
  }

  /** Closes the client's connections. */
  close(): void {
    this.client.destroy();
  }

  async putObject(bucket: string, key: string, body: string, contentType: string, signal?: AbortSignal): Promise<void> {
    await awsCall('s3:PutObject', () =>
      this.client.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType, ...this.owner }),
        signal === undefined ? {} : { abortSignal: signal },
      ),
    );
  }
}
