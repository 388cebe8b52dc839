/** Body digests S3 computes and checks, and the aws-chunked body encoding the SDK may send. */
import { createHash } from 'node:crypto';

const crcTable = ((): Uint32Array => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE) of `data`, base64 of its 4 big-endian bytes, as in `x-amz-checksum-crc32`. */
export function crc32Base64(data: Uint8Array): string {
  let crc = 0xffffffff;
  for (const byte of data) crc = (crcTable[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  const out = Buffer.alloc(4);
  out.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
  return out.toString('base64');
}

/** The ETag S3 gives a single-part upload: the hex MD5 of the content, in double quotes. */
export function etagOf(data: Uint8Array): string {
  return `"${createHash('md5').update(data).digest('hex')}"`;
}

/** Base64 MD5, as in `Content-MD5`. */
export function md5Base64(data: Uint8Array): string {
  return createHash('md5').update(data).digest('base64');
}

/** Hex or base64 digest with a Node hash algorithm. */
export function digest(algorithm: 'sha1' | 'sha256', data: Uint8Array, encoding: 'hex' | 'base64'): string {
  return createHash(algorithm).update(data).digest(encoding);
}

/** A body that is not valid aws-chunked encoding. */
export class ChunkedEncodingError extends Error {}

/**
 * Decodes an `aws-chunked` body (`<hex size>[;chunk-signature=…]\r\n<bytes>\r\n` … `0\r\n<trailers>\r\n\r\n`),
 * which the SDK sends for streamed uploads, into the content and its trailing headers
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html).
 */
export function decodeAwsChunked(body: Buffer): { content: Buffer; trailers: Record<string, string> } {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = body.indexOf('\r\n', at);
    if (eol < 0) throw new ChunkedEncodingError('a chunk header is not terminated');
    const size = Number.parseInt(body.subarray(at, eol).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isFinite(size) || size < 0) throw new ChunkedEncodingError('a chunk size is not hexadecimal');
    at = eol + 2;
    if (size === 0) break;
    if (at + size > body.length) throw new ChunkedEncodingError('a chunk is shorter than its size');
    parts.push(body.subarray(at, at + size));
    at += size + 2;
  }
  const trailers: Record<string, string> = {};
  for (const line of body.subarray(at).toString('latin1').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { content: Buffer.concat(parts), trailers };
}
