/** Manifest sources: where the controller reads manifests from, and writes its status next to. */
import { DirectorySource } from './directory.js';
import { S3Source } from './s3.js';
import { LazyS3Port } from './s3-lazy-port.js';
import { isS3Location, parseS3Location } from './s3-location.js';
import type { ManifestSource, SourceOptions } from './types.js';

export type { ManifestSource, SourceError, SourceOptions, SourceSnapshot } from './types.js';
export { STATUS_FILE, STATUS_FOLDER } from './types.js';
export { SourceReadError } from './errors.js';
export { DirectorySource } from './directory.js';
export { S3Source } from './s3.js';
export type { S3Port } from './s3-port.js';
export { isS3Location, parseS3Location } from './s3-location.js';

/** Builds the source a location names: `s3://bucket/prefix/` or a folder path (`./dir`, `/abs/dir`). */
export function createSource(location: string, options: SourceOptions = {}): ManifestSource {
  if (isS3Location(location)) {
    const port = new LazyS3Port(async () => {
      const { SdkS3, createS3Client } = await import('../aws/s3.js');
      const client = createS3Client({
        ...(options.region === undefined ? {} : { region: options.region }),
        ...(options.s3Endpoint === undefined ? {} : { endpoint: options.s3Endpoint }),
      });
      return new SdkS3(client, options.expectedBucketOwner === undefined ? {} : { expectedBucketOwner: options.expectedBucketOwner });
    });
    return new S3Source(parseS3Location(location), port, options);
  }
  return new DirectorySource(location, options);
}
