/** The S3 source: a key prefix polled with ListObjectsV2, objects fetched only when their ETag changed. */
import { DEFAULT_LIMITS } from '../manifests/decode.js';
import type { SnapshotFile } from '../manifests/load.js';
import { mapLimit } from '../util/concurrency.js';
import { AwsCallError } from '../aws/errors.js';
import { SourceReadError, toSourceError, toSourceReadError } from './errors.js';
import { SnapshotGate } from './gate.js';
import { isManifestKey } from './names.js';
import { revisionOf } from './revision.js';
import type { S3Location } from './s3-location.js';
import { formatS3Location } from './s3-location.js';
import type { S3ObjectSummary, S3Port } from './s3-port.js';
import { Refresher, jittered } from './schedule.js';
import { STATUS_FILE, STATUS_FOLDER } from './types.js';
import type { ManifestSource, SourceError, SourceOptions, SourceSnapshot } from './types.js';
import { compareCodeUnits } from '../util/order.js';

const DEFAULT_POLL_MS = 30_000;
/** How long one whole read (listing and fetches) may take. */
const DEFAULT_READ_DEADLINE_MS = 120_000;
/** GetObject calls in flight at once during one read. */
const FETCH_CONCURRENCY = 8;

interface CachedObject {
  etag: string;
  content: Uint8Array;
}

/** Manifests under an S3 prefix. */
export class S3Source implements ManifestSource {
  readonly description: string;
  private readonly maxFileSize: number;
  private readonly pollIntervalMs: number;
  private readonly random: () => number;
  private readonly onRead: ((ok: boolean) => void) | undefined;
  private readonly readTimeoutMs: number;
  /** key → the last fetched version; bounded by the listing (keys no longer listed are dropped). */
  private readonly cache = new Map<string, CachedObject>();
  private last: SourceSnapshot | undefined;

  constructor(
    private readonly location: S3Location,
    private readonly s3: S3Port & { close?(): void },
    options: SourceOptions = {},
  ) {
    this.description = formatS3Location(location);
    this.maxFileSize = options.maxFileSize ?? DEFAULT_LIMITS.maxFileSize;
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_MS;
    this.random = options.random ?? Math.random;
    this.onRead = options.onRead;
    this.readTimeoutMs = options.readTimeoutMs === undefined ? DEFAULT_READ_DEADLINE_MS : Math.max(options.readTimeoutMs * 4, 1000);
  }

  async read(signal?: AbortSignal): Promise<SourceSnapshot> {
    try {
      return await this.readOnce(signal);
    } catch (err) {
      if (signal?.aborted) throw err;
      throw toSourceReadError(this.description, err);
    }
  }

  /** One read, reported to `onRead` (an aborted read is no outcome). */
  private async readOnce(signal?: AbortSignal): Promise<SourceSnapshot> {
    try {
      const snapshot = await this.list(signal);
      this.onRead?.(true);
      return snapshot;
    } catch (err) {
      if (!(signal?.aborted ?? false)) this.onRead?.(false);
      throw err;
    }
  }

  /** One read under a deadline: an S3 endpoint that stops answering fails the read instead of holding it. */
  private async list(outer?: AbortSignal): Promise<SourceSnapshot> {
    const deadline = AbortSignal.timeout(this.readTimeoutMs);
    const signal = outer === undefined ? deadline : AbortSignal.any([outer, deadline]);
    try {
      return await this.listWithin(signal);
    } catch (err) {
      if (deadline.aborted && !(outer?.aborted ?? false)) {
        throw new SourceReadError(`${this.description}: the read did not finish within ${this.readTimeoutMs} ms`, { code: 'ETIMEDOUT', cause: err });
      }
      throw err;
    }
  }

  private async listWithin(signal: AbortSignal): Promise<SourceSnapshot> {
    const { bucket, prefix } = this.location;
    const listed = (await this.s3.listObjects(bucket, prefix, signal))
      .filter((o) => o.key.startsWith(prefix) && isManifestKey(o.key.slice(prefix.length)))
      .sort((a, b) => compareCodeUnits(a.key, b.key));
    const listingRevision = revisionOf(
      listed.map((o) => [o.key, o.etag] as const),
      [],
    );
    // An unchanged listing after a complete read: nothing to fetch, nothing new to say.
    if (this.last !== undefined && this.last.complete && this.last.revision === listingRevision) return this.last;

    const unreadable: { path: string; reason: string }[] = [];
    const fetched = await mapLimit(listed, FETCH_CONCURRENCY, (o) => this.fetch(o, unreadable, signal));
    const files: SnapshotFile[] = [];
    listed.forEach((o, i) => {
      const content = fetched[i];
      if (content !== undefined) files.push({ path: this.pathOf(o.key), content });
    });
    const keep = new Set(listed.map((o) => o.key));
    for (const key of this.cache.keys()) if (!keep.has(key)) this.cache.delete(key);

    // The revision names what was read: when an object changed between the listing and its
    // GetObject, the ETag read is the one the next listing shows, so that listing is no change.
    const read = listed.map((o) => [o.key, this.cache.get(o.key)?.etag ?? o.etag] as const);
    const snapshot: SourceSnapshot = {
      revision: revisionOf(read, unreadable),
      files,
      complete: unreadable.length === 0,
      unreadable,
    };
    this.last = snapshot;
    return snapshot;
  }

  /** The content of one listed object: from the cache when its ETag is unchanged, else GetObject. */
  private async fetch(o: S3ObjectSummary, unreadable: { path: string; reason: string }[], signal?: AbortSignal): Promise<Uint8Array | undefined> {
    const cached = this.cache.get(o.key);
    if (cached !== undefined && cached.etag === o.etag) return cached.content;
    if (o.size > this.maxFileSize) {
      unreadable.push({ path: this.pathOf(o.key), reason: `object is ${o.size} bytes, over the ${this.maxFileSize}-byte limit` });
      return undefined;
    }
    try {
      // The listed size was true when listed: what is read is bounded again (limit + 1 bytes).
      const got = await this.s3.getObject(this.location.bucket, o.key, this.maxFileSize + 1, signal);
      if (got.size > this.maxFileSize || got.body.length > this.maxFileSize) {
        unreadable.push({ path: this.pathOf(o.key), reason: `object is ${Math.max(got.size, got.body.length)} bytes, over the ${this.maxFileSize}-byte limit` });
        return undefined;
      }
      // Cache under the ETag actually read: if the object changed since the listing, the next
      // listing shows that ETag and the object is not fetched again.
      this.cache.set(o.key, { etag: got.etag || o.etag, content: got.body });
      return got.body;
    } catch (err) {
      // Deleted between listing and reading: not fatal, but this read is not the whole picture.
      if (err instanceof AwsCallError && err.code === 'NoSuchKey') {
        unreadable.push({ path: this.pathOf(o.key), reason: 'deleted while being read' });
        return undefined;
      }
      throw err;
    }
  }

  private pathOf(key: string): string {
    return `s3://${this.location.bucket}/${key}`;
  }

  watch(onSnapshot: (s: SourceSnapshot) => void, onError: (e: SourceError) => void, signal: AbortSignal): void {
    if (signal.aborted) return;
    const gate = new SnapshotGate(onSnapshot, onError, this.description);
    const stopped = (): boolean => signal.aborted;
    let timer: NodeJS.Timeout | undefined;
    const schedule = (): void => {
      if (stopped()) return;
      timer = setTimeout(() => refresher.trigger(), jittered(this.pollIntervalMs, this.random));
    };
    const refresher = new Refresher(async () => {
      try {
        const snapshot = await this.readOnce(signal);
        if (!stopped()) gate.success(snapshot);
      } catch (err) {
        if (!stopped()) gate.failure(toSourceError(this.description, err));
      } finally {
        // The next poll is timed from the end of this one, so slow reads never overlap.
        schedule();
      }
    }, stopped);
    signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
    refresher.trigger();
  }

  close(): void {
    this.s3.close?.();
  }

  async writeStatus(json: string, signal?: AbortSignal): Promise<void> {
    const key = `${this.location.prefix}${STATUS_FOLDER}/${STATUS_FILE}`;
    try {
      await this.s3.putObject(this.location.bucket, key, json, 'application/json', signal);
    } catch (err) {
      throw toSourceReadError(`${this.description}: cannot write s3://${this.location.bucket}/${key}`, err);
    }
  }
}
