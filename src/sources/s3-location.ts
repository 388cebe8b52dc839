/** `s3://bucket/prefix/` locations. */

/** A bucket and a key prefix (empty, or ending in `/`). */
export interface S3Location {
  bucket: string;
  prefix: string;
}

/** Whether a source location names S3. */
export function isS3Location(location: string): boolean {
  return /^s3:\/\//i.test(location);
}

/**
 * Parses `s3://bucket/prefix/`; a prefix without its trailing slash gets one, so `s3://b/app`
 * never picks up `s3://b/application/`. Throws on a location without a bucket.
 */
export function parseS3Location(location: string): S3Location {
  const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/i.exec(location);
  const bucket = m?.[1];
  if (bucket === undefined || bucket === '') throw new Error(`${location}: expected s3://bucket/prefix/`);
  const rest = m?.[2] ?? '';
  return { bucket, prefix: rest === '' || rest.endsWith('/') ? rest : `${rest}/` };
}

/** The canonical `s3://bucket/prefix/` text of a location. */
export function formatS3Location(loc: S3Location): string {
  return `s3://${loc.bucket}/${loc.prefix}`;
}
