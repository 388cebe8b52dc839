/**
 * An S3 port whose adapter (and with it the AWS SDK's S3 module, several MB of resident memory) is
 * loaded on the first call, so only a controller that reads an S3 prefix pays for it.
 */
import { lazyResource, type LazyResource } from '../util/lazy.js';
import type { S3ObjectBody, S3ObjectSummary, S3Port } from './s3-port.js';

/** What the loader builds: the port, and how to release its connections. */
export type ClosableS3Port = S3Port & { close?(): void };

export class LazyS3Port implements S3Port {
  private readonly loaded: LazyResource<ClosableS3Port>;

  constructor(load: () => Promise<ClosableS3Port>) {
    this.loaded = lazyResource(load, (port) => port.close?.());
  }

  private port(): Promise<ClosableS3Port> {
    return this.loaded.get();
  }

  async listObjects(bucket: string, prefix: string, signal?: AbortSignal): Promise<S3ObjectSummary[]> {
    return (await this.port()).listObjects(bucket, prefix, signal);
  }

  async getObject(bucket: string, key: string, maxBytes: number, signal?: AbortSignal): Promise<S3ObjectBody> {
    return (await this.port()).getObject(bucket, key, maxBytes, signal);
  }

  async putObject(bucket: string, key: string, body: string, contentType: string, signal?: AbortSignal): Promise<void> {
    await (await this.port()).putObject(bucket, key, body, contentType, signal);
  }

  close(): void {
    this.loaded.close();
  }
}
