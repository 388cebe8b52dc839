/**
 * An S3 port whose adapter (and with it the AWS SDK's S3 module, several MB of resident memory) is
 * loaded on the first call, so only a controller that reads an S3 prefix pays for it.
 */
import type { S3ObjectBody, S3ObjectSummary, S3Port } from './s3-port.js';

/** What the loader builds: the port, and how to release its connections. */
export type ClosableS3Port = S3Port & { close?(): void };

export class LazyS3Port implements S3Port {
  private loading: Promise<ClosableS3Port> | undefined;
  private loaded: ClosableS3Port | undefined;
  private closed = false;

  constructor(private readonly load: () => Promise<ClosableS3Port>) {}

  private port(): Promise<ClosableS3Port> {
    this.loading ??= this.load().then(
      (port) => {
        // Closed while loading: nothing will release it later.
        if (this.closed) port.close?.();
        else this.loaded = port;
        return port;
      },
      (err: unknown) => {
        this.loading = undefined;
        throw err;
      },
    );
    return this.loading;
  }

  async listObjects(bucket: string, prefix: string, signal?: AbortSignal): Promise<S3ObjectSummary[]> {
    return (await this.port()).listObjects(bucket, prefix, signal);
  }

  async getObject(bucket: string, key: string, signal?: AbortSignal): Promise<S3ObjectBody> {
    return (await this.port()).getObject(bucket, key, signal);
  }

  async putObject(bucket: string, key: string, body: string, contentType: string, signal?: AbortSignal): Promise<void> {
    await (await this.port()).putObject(bucket, key, body, contentType, signal);
  }

  close(): void {
    this.closed = true;
    this.loaded?.close?.();
  }
}
