/** An S3 REST request (path-style addressing) and the operation it names. */
import type { IncomingHttpHeaders } from 'node:http';

/** One S3 request: method, bucket and key from the path, query, lower-case headers, raw body. */
export interface S3Request {
  method: string;
  bucket: string | undefined;
  key: string | undefined;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The S3 operations the simulator implements. */
export type S3Operation = 'CreateBucket' | 'ListObjectsV2' | 'GetObject' | 'HeadObject' | 'PutObject' | 'DeleteObject';

/** Whether an operation changes state (call counters, persistence). */
export const s3OperationKind: Record<S3Operation, 'read' | 'write'> = {
  CreateBucket: 'write',
  ListObjectsV2: 'read',
  GetObject: 'read',
  HeadObject: 'read',
  PutObject: 'write',
  DeleteObject: 'write',
};

/**
 * Splits a path-style URL (`/bucket/key/with/slashes?query`) into bucket, key and query
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html#path-style-access).
 * The key is percent-decoded as a whole, so `%2F` and `/` both separate nothing but characters.
 */
export function parseS3Url(url: string): { bucket: string | undefined; key: string | undefined; query: URLSearchParams } {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  const rest = path.replace(/^\/+/, '');
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const rawKey = slash < 0 ? '' : rest.slice(slash + 1);
  return { bucket: bucket === '' ? undefined : decodeURIComponent(bucket), key: rawKey === '' ? undefined : decodeURIComponent(rawKey), query };
}

/** Bucket sub-resources (`?policy`, `?tagging`, …) the simulator does not implement. */
const bucketSubresources = ['acl', 'cors', 'encryption', 'lifecycle', 'location', 'logging', 'notification', 'ownershipControls', 'policy', 'publicAccessBlock', 'replication', 'tagging', 'uploads', 'versioning', 'versions', 'website', 'delete', 'object-lock'];

/** The operation a request names, or undefined when the simulator does not implement it. */
export function operationOf(req: Pick<S3Request, 'method' | 'bucket' | 'key' | 'query' | 'headers'>): S3Operation | undefined {
  if (req.bucket === undefined) return undefined;
  if (req.key === undefined) {
    if (bucketSubresources.some((s) => req.query.has(s))) return undefined;
    if (req.method === 'PUT') return 'CreateBucket';
    if (req.method === 'GET' && req.query.get('list-type') === '2') return 'ListObjectsV2';
    return undefined;
  }
  if (['acl', 'tagging', 'uploads', 'uploadId', 'retention', 'legal-hold', 'attributes', 'torrent', 'restore'].some((s) => req.query.has(s))) return undefined;
  switch (req.method) {
    case 'GET':
      return 'GetObject';
    case 'HEAD':
      return 'HeadObject';
    case 'PUT':
      return req.headers['x-amz-copy-source'] === undefined ? 'PutObject' : undefined;
    case 'DELETE':
      return 'DeleteObject';
    default:
      return undefined;
  }
}

/** One header's value (the first when repeated). */
export function header(req: Pick<S3Request, 'headers'>, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
