/** The lease object on S3: GetObject, and PutObject with S3's conditional writes. */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { LeaseConflictError, type LeaseObject, type LeaseStore } from '../lease/store.js';
import { AwsCallError, awsCall } from './errors.js';

/**
 * What S3 answers when a conditional write loses: 412 PreconditionFailed (the condition is false),
 * 409 ConditionalRequestConflict (a concurrent write of the key), 404 NoSuchKey (If-Match on a key
 * deleted meanwhile) (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html).
 */
const LOST_CONDITION = new Set(['PreconditionFailed', 'ConditionalRequestConflict', 'NoSuchKey']);

/** The lease store over the SDK's S3 client. */
export class SdkLeaseStore implements LeaseStore {
  readonly location: string;
  private readonly owner: { ExpectedBucketOwner?: string };

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly key: string,
    expectedBucketOwner?: string,
  ) {
    this.location = `s3://${bucket}/${key}`;
    this.owner = expectedBucketOwner === undefined ? {} : { ExpectedBucketOwner: expectedBucketOwner };
  }

  async read(signal?: AbortSignal): Promise<LeaseObject | undefined> {
    try {
      return await awsCall('s3:GetObject', async () => {
        const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key, ...this.owner }), signal === undefined ? {} : { abortSignal: signal });
        return { body: (await res.Body?.transformToString()) ?? '', etag: res.ETag ?? '' };
      });
    } catch (err) {
      if (err instanceof AwsCallError && err.code === 'NoSuchKey') return undefined;
      throw err;
    }
  }

  create(body: string, signal?: AbortSignal): Promise<string> {
    return this.put(body, { IfNoneMatch: '*' }, signal);
  }

  replace(body: string, etag: string, signal?: AbortSignal): Promise<string> {
    return this.put(body, { IfMatch: etag }, signal);
  }

  private async put(body: string, condition: { IfNoneMatch: string } | { IfMatch: string }, signal?: AbortSignal): Promise<string> {
    try {
      return await awsCall('s3:PutObject', async () => {
        const res = await this.client.send(
          new PutObjectCommand({ Bucket: this.bucket, Key: this.key, Body: body, ContentType: 'application/json', ...condition, ...this.owner }),
          signal === undefined ? {} : { abortSignal: signal },
        );
        return res.ETag ?? '';
      });
    } catch (err) {
      if (err instanceof AwsCallError && err.code !== undefined && LOST_CONDITION.has(err.code)) throw new LeaseConflictError(this.location, err.code);
      throw err;
    }
  }

  /** Closes the client's connections. */
  close(): void {
    this.client.destroy();
  }
}
