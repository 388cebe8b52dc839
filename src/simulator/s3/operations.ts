/**
 * The S3 operations, carried out on the simulated state. Each returns the HTTP answer the real SDK
 * S3 client expects (REST-XML; botocore `s3/2006-03-01/service-2.json`) or throws the S3 error.
 */
import type { RequestContext } from '../context.js';
import { SimulatorError } from '../errors.js';
import type { S3BucketRecord, S3ObjectRecord, S3State } from '../state.js';
import { type ChunkedEncodingError, crc32Base64, decodeAwsChunked, digest, etagOf, md5Base64 } from './checksum.js';
import { header, type S3Request } from './request.js';
import { document, el, firstElementText } from './xml.js';

/** An HTTP answer: status, headers and (except for HEAD and 204) a body. */
export interface S3Reply {
  status: number;
  headers: Record<string, string>;
  body?: Buffer | string;
}

/** An S3 error: the code is the SDK's exception name; `extra` becomes elements of the error body. */
export function s3Error(code: string, message: string, status: number, extra: Record<string, string> = {}): SimulatorError {
  return new SimulatorError(code, message, status, extra);
}

/** Keys per ListObjectsV2 page: at most 1,000 (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html, MaxKeys). */
const maxKeysLimit = 1000;
/** Object keys are at most 1,024 bytes of UTF-8 (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html). */
const maxKeyBytes = 1024;

function s3State(ctx: RequestContext): S3State {
  return (ctx.root.s3 ??= { buckets: {} });
}

/** Bucket naming rules for general purpose buckets (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html). */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'Bucket names must be between 3 and 63 characters long.';
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) return 'Bucket names can consist only of lowercase letters, numbers, dots and hyphens, and must begin and end with a letter or number.';
  if (name.includes('..')) return 'Bucket names must not contain two adjacent periods.';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return 'Bucket names must not be formatted as an IP address.';
  if (name.startsWith('xn--') || name.startsWith('sthree-') || name.endsWith('-s3alias') || name.endsWith('--ol-s3')) return 'Bucket names must not use a reserved prefix or suffix.';
  return undefined;
}

/**
 * The bucket a request names, after the `ExpectedBucketOwner` check: a bucket owned by another
 * account answers 403 AccessDenied (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-owner-condition.html).
 */
function bucketOf(ctx: RequestContext, req: S3Request): S3BucketRecord {
  const name = req.bucket ?? '';
  const bucket = s3State(ctx).buckets[name];
  if (!bucket) throw s3Error('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: name });
  const expected = header(req, 'x-amz-expected-bucket-owner');
  if (expected !== undefined && expected !== bucket.owner) throw s3Error('AccessDenied', 'Access Denied', 403);
  return bucket;
}

function keyOf(req: S3Request): string {
  const key = req.key ?? '';
  if (Buffer.byteLength(key) > maxKeyBytes) throw s3Error('KeyTooLongError', 'Your key is too long', 400, { Size: String(Buffer.byteLength(key)), MaxSizeAllowed: String(maxKeyBytes) });
  return key;
}

function unquote(etag: string): string {
  return etag.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
}

/** Whether an `If-Match` / `If-None-Match` list (`"a", "b"` or `*`) names the object's ETag. */
function etagListMatches(list: string, object: S3ObjectRecord): boolean {
  return list.split(',').some((v) => v.trim() === '*' || unquote(v) === unquote(object.etag));
}

/**
 * CreateBucket (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html). Outside
 * us-east-1 the body's `LocationConstraint` must name the Region the request was signed for; a
 * bucket the account already owns answers 200 in us-east-1 (its legacy behaviour) and 409
 * `BucketAlreadyOwnedByYou` elsewhere.
 */
export function createBucket(ctx: RequestContext, req: S3Request): S3Reply {
  const name = req.bucket ?? '';
  const problem = bucketNameProblem(name);
  if (problem) throw s3Error('InvalidBucketName', problem, 400, { BucketName: name });
  const constraint = req.body.length > 0 ? firstElementText(req.body.toString('utf8'), 'LocationConstraint') : undefined;
  const wanted = constraint === undefined || constraint === '' ? 'us-east-1' : constraint;
  if (wanted !== ctx.region) {
    throw s3Error('IllegalLocationConstraintException', `The ${constraint ?? 'unspecified'} location constraint is incompatible for the region specific endpoint this request was sent to.`, 400);
  }
  const state = s3State(ctx);
  const existing = state.buckets[name];
  if (existing) {
    if (existing.owner !== ctx.accountId) throw s3Error('BucketAlreadyExists', 'The requested bucket name is not available.', 409, { BucketName: name });
    if (ctx.region !== 'us-east-1') throw s3Error('BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', 409, { BucketName: name });
  } else {
    state.buckets[name] = { name, region: ctx.region, owner: ctx.accountId, createdAt: ctx.now, objects: {} };
  }
  return { status: 200, headers: { location: `/${name}` }, body: '' };
}

/** Compares keys in UTF-8 binary order, the order ListObjectsV2 returns them in. */
function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** A continuation token: after this key, or after every key under this common prefix. Opaque to clients. */
type Resume = { kind: 'key'; key: string } | { kind: 'prefix'; prefix: string };

function encodeToken(r: Resume): string {
  return Buffer.from(r.kind === 'key' ? `k:${r.key}` : `p:${r.prefix}`).toString('base64');
}

function decodeToken(token: string): Resume {
  const text = Buffer.from(token, 'base64').toString('utf8');
  if (text.startsWith('k:')) return { kind: 'key', key: text.slice(2) };
  if (text.startsWith('p:')) return { kind: 'prefix', prefix: text.slice(2) };
  throw s3Error('InvalidArgument', 'The continuation token provided is incorrect', 400, { ArgumentName: 'continuation-token' });
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * ListObjectsV2 (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html): keys in
 * UTF-8 binary order; `prefix`, `delimiter` (keys sharing the part up to the delimiter roll up into
 * one `CommonPrefixes` entry), `max-keys` (default and cap 1,000; `KeyCount` counts keys and common
 * prefixes), `start-after`, an opaque `continuation-token`, `encoding-type=url`.
 */
export function listObjectsV2(ctx: RequestContext, req: S3Request): S3Reply {
  const bucket = bucketOf(ctx, req);
  const prefix = req.query.get('prefix') ?? '';
  const delimiter = req.query.get('delimiter') ?? '';
  const rawMax = req.query.get('max-keys');
  const maxKeys = rawMax === null ? maxKeysLimit : Number(rawMax);
  if (!Number.isInteger(maxKeys) || maxKeys < 0) throw s3Error('InvalidArgument', 'Provided max-keys not an integer or within integer range', 400, { ArgumentName: 'max-keys', ArgumentValue: rawMax ?? '' });
  const limit = Math.min(maxKeys, maxKeysLimit);
  const token = req.query.get('continuation-token');
  const startAfter = req.query.get('start-after') ?? '';
  const encodingType = req.query.get('encoding-type');
  if (encodingType !== null && encodingType !== 'url') throw s3Error('InvalidArgument', 'Invalid Encoding Method specified in Request', 400, { ArgumentName: 'encoding-type' });
  const encode = (s: string): string => (encodingType === 'url' ? encodeURIComponent(s).replace(/%2F/g, '/') : s);
  const resume: Resume | undefined = token !== null ? decodeToken(token) : startAfter !== '' ? { kind: 'key', key: startAfter } : undefined;
  const isAfter = (key: string): boolean => {
    if (resume === undefined) return true;
    if (resume.kind === 'prefix') return !key.startsWith(resume.prefix) && compareKeys(key, resume.prefix) > 0;
    return compareKeys(key, resume.key) > 0;
  };

  // Every entry of the listing in order: a key, or a common prefix standing for all keys under it.
  const entries: Resume[] = [];
  for (const key of Object.keys(bucket.objects).filter((k) => k.startsWith(prefix) && isAfter(k)).sort(compareKeys)) {
    const cut = delimiter === '' ? -1 : key.indexOf(delimiter, prefix.length);
    if (cut < 0) {
      entries.push({ kind: 'key', key });
      continue;
    }
    const common = key.slice(0, cut + delimiter.length);
    const previous = entries[entries.length - 1];
    if (previous?.kind !== 'prefix' || previous.prefix !== common) entries.push({ kind: 'prefix', prefix: common });
  }
  const page = entries.slice(0, limit);
  const truncated = entries.length > page.length;
  const last = page[page.length - 1];
  const contents = page.flatMap((e) => {
    if (e.kind !== 'key') return [];
    const o = bucket.objects[e.key] as S3ObjectRecord;
    return [`<Contents>${el('Key', encode(e.key))}${el('LastModified', iso(o.lastModified))}${el('ETag', o.etag)}${el('Size', o.size)}${el('StorageClass', 'STANDARD')}</Contents>`];
  });
  const prefixes = page.flatMap((e) => (e.kind === 'prefix' ? [`<CommonPrefixes>${el('Prefix', encode(e.prefix))}</CommonPrefixes>`] : []));
  const body = document(
    'ListBucketResult',
    [
      el('Name', bucket.name),
      el('Prefix', encode(prefix)),
      delimiter === '' ? '' : el('Delimiter', encode(delimiter)),
      el('MaxKeys', maxKeys),
      encodingType === null ? '' : el('EncodingType', encodingType),
      el('KeyCount', page.length),
      el('IsTruncated', truncated),
      token === null ? '' : el('ContinuationToken', token),
      truncated && last !== undefined ? el('NextContinuationToken', encodeToken(last)) : '',
      startAfter === '' ? '' : el('StartAfter', encode(startAfter)),
      contents.join(''),
      prefixes.join(''),
    ].join(''),
  );
  return { status: 200, headers: { 'content-type': 'application/xml' }, body };
}

function objectHeaders(o: S3ObjectRecord): Record<string, string> {
  return {
    etag: o.etag,
    'last-modified': new Date(o.lastModified).toUTCString(),
    'content-type': o.contentType,
    'accept-ranges': 'bytes',
  };
}

function existingObject(bucket: S3BucketRecord, key: string): S3ObjectRecord {
  const o = bucket.objects[key];
  if (!o) throw s3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
  return o;
}

/**
 * The conditional-read headers of GetObject and HeadObject: `If-Match` not naming the ETag → 412,
 * `If-None-Match` naming it → 304 (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html).
 */
function checkReadConditions(req: S3Request, o: S3ObjectRecord): S3Reply | undefined {
  const ifMatch = header(req, 'if-match');
  if (ifMatch !== undefined && !etagListMatches(ifMatch, o)) throw s3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, { Condition: 'If-Match' });
  const ifNoneMatch = header(req, 'if-none-match');
  if (ifNoneMatch !== undefined && etagListMatches(ifNoneMatch, o)) return { status: 304, headers: { etag: o.etag, 'last-modified': new Date(o.lastModified).toUTCString() } };
  return undefined;
}

/** A satisfiable single byte range of `size` bytes, undefined to send the whole object (no or an unusable Range header). */
export function byteRange(range: string | undefined, size: number): { start: number; end: number } | undefined {
  if (range === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  // A malformed or multi-range header is ignored, as HTTP allows (RFC 9110 §14.2); S3 serves one range at most.
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) throw s3Error('InvalidRange', 'The requested range is not satisfiable', 416, { RangeRequested: range, ActualObjectSize: String(size) });
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== '' && Number(m[2]) < start) return undefined;
  }
  if (start >= size) throw s3Error('InvalidRange', 'The requested range is not satisfiable', 416, { RangeRequested: range, ActualObjectSize: String(size) });
  return { start, end };
}

/** GetObject (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html): the content, or one `Range` of it with 206 and `Content-Range`. */
export function getObject(ctx: RequestContext, req: S3Request): S3Reply {
  const bucket = bucketOf(ctx, req);
  const o = existingObject(bucket, keyOf(req));
  const notModified = checkReadConditions(req, o);
  if (notModified) return notModified;
  const content = Buffer.from(o.body, 'base64');
  const range = byteRange(header(req, 'range'), o.size);
  if (range === undefined) return { status: 200, headers: { ...objectHeaders(o), 'content-length': String(o.size) }, body: content };
  const part = content.subarray(range.start, range.end + 1);
  return {
    status: 206,
    headers: { ...objectHeaders(o), 'content-length': String(part.length), 'content-range': `bytes ${range.start}-${range.end}/${o.size}` },
    body: part,
  };
}

/** HeadObject (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html): GetObject's headers without the body. */
export function headObject(ctx: RequestContext, req: S3Request): S3Reply {
  const bucket = bucketOf(ctx, req);
  const o = existingObject(bucket, keyOf(req));
  const notModified = checkReadConditions(req, o);
  if (notModified) return notModified;
  return { status: 200, headers: { ...objectHeaders(o), 'content-length': String(o.size) } };
}

/** The uploaded bytes: aws-chunked bodies decoded, with their trailing headers. */
function uploadedContent(req: S3Request): { content: Buffer; trailers: Record<string, string> } {
  const encoding = header(req, 'content-encoding') ?? '';
  const sha = header(req, 'x-amz-content-sha256') ?? '';
  if (!encoding.split(',').some((e) => e.trim() === 'aws-chunked') && !sha.startsWith('STREAMING-')) return { content: req.body, trailers: {} };
  try {
    return decodeAwsChunked(req.body);
  } catch (err) {
    throw s3Error('IncompleteBody', `The request body is not valid aws-chunked encoding: ${(err as ChunkedEncodingError).message}`, 400);
  }
}

/**
 * The integrity checks S3 makes on an upload: `x-amz-content-sha256` (when it is a digest),
 * `Content-MD5`, and the flexible checksums CRC32, SHA1 and SHA256 from a header or a trailer
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html). CRC32C and
 * CRC64NVME are accepted unchecked.
 */
function checkIntegrity(req: S3Request, content: Buffer, trailers: Record<string, string>): void {
  const sha = header(req, 'x-amz-content-sha256');
  if (sha !== undefined && /^[0-9a-f]{64}$/.test(sha) && sha !== digest('sha256', req.body, 'hex')) {
    throw s3Error('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", 400);
  }
  const md5 = header(req, 'content-md5');
  if (md5 !== undefined && md5 !== md5Base64(content)) throw s3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.', 400);
  const checks: [string, string, () => string][] = [
    ['x-amz-checksum-crc32', 'CRC32', () => crc32Base64(content)],
    ['x-amz-checksum-sha1', 'SHA1', () => digest('sha1', content, 'base64')],
    ['x-amz-checksum-sha256', 'SHA256', () => digest('sha256', content, 'base64')],
  ];
  for (const [name, label, compute] of checks) {
    const sent = header(req, name) ?? trailers[name];
    if (sent !== undefined && sent !== compute()) throw s3Error('BadDigest', `The ${label} you specified did not match the calculated checksum.`, 400);
  }
}

/**
 * PutObject (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html) with S3's
 * conditional writes (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html):
 * `If-None-Match: *` writes only when no object has the key, `If-Match: <ETag>` only when the
 * current object has that ETag; otherwise 412 `PreconditionFailed`. `If-Match` on a key with no
 * object answers 404 `NoSuchKey`. A conditional write that would complete while an earlier write
 * to the same key is still in flight answers 409 `ConditionalRequestConflict` (`conflicting`).
 */
export function putObject(ctx: RequestContext, req: S3Request, conflicting: boolean): S3Reply {
  const bucket = bucketOf(ctx, req);
  const key = keyOf(req);
  const { content, trailers } = uploadedContent(req);
  checkIntegrity(req, content, trailers);
  const ifNoneMatch = header(req, 'if-none-match');
  const ifMatch = header(req, 'if-match');
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*') {
    throw s3Error('NotImplemented', 'A header you provided implies functionality that is not implemented', 501, { Header: 'If-None-Match' });
  }
  if ((ifNoneMatch !== undefined || ifMatch !== undefined) && conflicting) {
    throw s3Error('ConditionalRequestConflict', 'A conflicting conditional action is currently in progress against this resource.', 409, { Key: key });
  }
  const existing = bucket.objects[key];
  if (ifNoneMatch !== undefined && existing) throw s3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, { Condition: 'If-None-Match' });
  if (ifMatch !== undefined) {
    if (!existing) throw s3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
    if (!etagListMatches(ifMatch, existing)) throw s3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, { Condition: 'If-Match' });
  }
  const etag = etagOf(content);
  bucket.objects[key] = {
    body: content.toString('base64'),
    etag,
    size: content.length,
    lastModified: ctx.now,
    contentType: header(req, 'content-type') ?? 'binary/octet-stream',
  };
  const headers: Record<string, string> = { etag };
  if (header(req, 'x-amz-checksum-crc32') !== undefined || trailers['x-amz-checksum-crc32'] !== undefined) headers['x-amz-checksum-crc32'] = crc32Base64(content);
  return { status: 200, headers, body: '' };
}

/**
 * DeleteObject (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObject.html): 204 whether
 * or not the key existed. With `If-Match` (conditional deletes,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-deletes.html) a missing key
 * answers 404 `NoSuchKey` and another ETag 412 `PreconditionFailed`.
 */
export function deleteObject(ctx: RequestContext, req: S3Request): S3Reply {
  const bucket = bucketOf(ctx, req);
  const key = keyOf(req);
  const ifMatch = header(req, 'if-match');
  const existing = bucket.objects[key];
  if (ifMatch !== undefined) {
    if (!existing) throw s3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
    if (!etagListMatches(ifMatch, existing)) throw s3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, { Condition: 'If-Match' });
  }
  delete bucket.objects[key];
  return { status: 204, headers: {} };
}
