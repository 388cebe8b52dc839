/** The S3 adapter: the three calls the S3 manifest source makes, with ExpectedBucketOwner on each. */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3ObjectBody, S3ObjectSummary, S3Port } from '../sources/s3-port.js';
import { baseConfig, type AwsClientConfig } from './clients.js';
import { awsCall } from './errors.js';

/** Builds an S3 client; path-style addressing when an endpoint override is used (S3 emulators). */
export function createS3Client(cfg: AwsClientConfig): S3Client {
  const base = baseConfig(cfg);
  return new S3Client({ ...base, forcePathStyle: base.endpoint !== undefined });
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
    let token: string | undefined;
    // A listing is paginated by ContinuationToken, at most 1,000 keys a page:
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
    do {
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
      for (const o of res.Contents ?? []) {
        if (o.Key === undefined) continue;
        out.push({ key: o.Key, etag: o.ETag ?? '', size: o.Size ?? 0 });
      }
      token = res.IsTruncated === true ? res.NextContinuationToken : undefined;
    } while (token !== undefined);
    return out;
  }

  async getObject(bucket: string, key: string, signal?: AbortSignal): Promise<S3ObjectBody> {
    return awsCall('s3:GetObject', async () => {
      const res = await this.client.send(
        new GetObjectCommand({ Bucket: bucket, Key: key, ...this.owner }),
        signal === undefined ? {} : { abortSignal: signal },
      );
      const body = res.Body === undefined ? new Uint8Array() : await res.Body.transformToByteArray();
      return { body, etag: res.ETag ?? '' };
    });
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
