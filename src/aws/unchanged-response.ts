/**
 * Skips parsing a response whose bytes are the same as last time for the same request.
 *
 * A steady-state pass describes the same services every time, and AWS answers with the same
 * bytes while nothing changes. Parsing them is the largest CPU cost of such a pass: the SDK's
 * schema-driven deserialiser takes about 90 ms for the 100 DescribeServices responses of 1,000
 * services, more than the rest of the pass. So a middleware placed between the HTTP handler and the
 * SDK's deserialiser hashes each successful body; when the hash matches the one remembered for the
 * request, it hands the deserialiser an empty object (`{}`) instead and the caller reuses what it
 * made of the same bytes before. The call is still made, signed, retried and counted as usual;
 * only the re-parsing is skipped. Errors are left to the SDK untouched.
 */
import { createHash } from 'node:crypto';
import { BoundedMap } from '../util/bounded-map.js';
import type { AbsoluteLocation, DeserializeHandlerOptions, DeserializeMiddleware, MetadataBearer } from '@smithy/types';

/** Where the middleware sits: after the deserialiser in the stack, so it sees the raw response first. */
export const UNCHANGED_RESPONSE_STEP: DeserializeHandlerOptions & AbsoluteLocation = {
  step: 'deserialize',
  priority: 'low',
  name: 'switchboardUnchangedResponse',
};

const EMPTY_OBJECT_BODY = new TextEncoder().encode('{}');

interface RawResponse {
  statusCode?: number;
  body?: unknown;
}

function isRawResponse(value: unknown): value is RawResponse {
  return typeof value === 'object' && value !== null && 'statusCode' in value;
}

async function bodyBytes(body: unknown): Promise<Uint8Array | undefined> {
  if (body instanceof Uint8Array) return body;
  if (typeof body !== 'object' || body === null || !(Symbol.asyncIterator in body)) return undefined;
  const chunks: Uint8Array[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/** What one call saw: the body's hash, and whether it matched the remembered one. */
export interface ResponseProbe {
  hash?: string;
  unchanged: boolean;
}

/**
 * Remembers, per request key, the hash of the last body and what the caller made of it. Bounded:
 * the least recently used requests are forgotten first (a forgotten request is simply parsed).
 */
export class UnchangedResponseMemo<T> {
  private readonly entries: BoundedMap<string, { hash: string; value: T }>;

  constructor(maxEntries = 512) {
    this.entries = new BoundedMap(maxEntries);
  }

  /** A middleware for one call of `key`, and the probe it fills in. */
  probe<I extends object, O extends MetadataBearer>(key: string): { middleware: DeserializeMiddleware<I, O>; seen: ResponseProbe } {
    const seen: ResponseProbe = { unchanged: false };
    const known = this.entries.get(key)?.hash;
    const middleware: DeserializeMiddleware<I, O> = (next) => async (args) => {
      const out = await next(args);
      const response = out.response;
      // Every attempt passes here; only the last one's answer counts.
      seen.unchanged = false;
      seen.hash = undefined;
      if (!isRawResponse(response) || response.statusCode !== 200) return out;
      const bytes = await bodyBytes(response.body);
      if (bytes === undefined) return out;
      const hash = createHash('sha1').update(bytes).digest('base64');
      seen.hash = hash;
      seen.unchanged = hash === known;
      response.body = seen.unchanged ? EMPTY_OBJECT_BODY : bytes;
      return out;
    };
    return { middleware, seen };
  }

  /** What the caller made of the unchanged body last time. */
  reuse(key: string): T | undefined {
    return this.entries.touch(key)?.value;
  }

  remember(key: string, hash: string | undefined, value: T): void {
    if (hash === undefined) this.entries.delete(key);
    else this.entries.set(key, { hash, value });
  }
}
