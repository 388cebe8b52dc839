/** The contract between manifest sources (a directory, an S3 prefix) and the controller that consumes them. */
import type { SnapshotFile } from '../manifests/load.js';

/** One full, consistent read of a source. */
export interface SourceSnapshot {
  /**
   * Digest of the content (directory: of the (path, content hash) list; S3: of the (key, ETag) list).
   * An incomplete read also digests what it could not read, so the complete read that follows it
   * always carries a different revision.
   */
  revision: string;
  files: SnapshotFile[];
  /** False when the listing failed or may be partial: the consumer keeps it from pruning. */
  complete: boolean;
  /** Files that vanished or could not be read between listing and reading (path + reason), not fatal. */
  unreadable: { path: string; reason: string }[];
}

/** Why a read failed, with the AWS (or errno) code and the request id when there is one. */
export interface SourceError {
  message: string;
  code?: string;
  requestId?: string;
  cause?: unknown;
}

/** A place manifests are read from. */
export interface ManifestSource {
  /** e.g. "directory ./manifests" or "s3://bucket/prefix/". */
  readonly description: string;
  /** One full read; throws a SourceReadError (a SourceError) when the source cannot be listed. */
  read(signal?: AbortSignal): Promise<SourceSnapshot>;
  /**
   * Emits a snapshot each time the content changes, until `signal` aborts. Never the same revision
   * twice in a row, except that the first good read after a reported error is always emitted, so the
   * consumer learns that the source is healthy again. Errors are reported through onError and never
   * reject or throw out of a timer or watcher callback. While the source is failing no snapshot is
   * emitted (the consumer keeps the last good one).
   */
  watch(onSnapshot: (s: SourceSnapshot) => void, onError: (e: SourceError) => void, signal: AbortSignal): void;
  /** Writes the status document next to the source (`<dir>/.switchboard/status.json` or `s3://bucket/prefix/.switchboard/status.json`). */
  writeStatus(json: string, signal?: AbortSignal): Promise<void>;
  /** Releases what the source holds beyond its watchers (the S3 client's connections); call once, at shutdown. */
  close(): void;
}

/** Tuning shared by every kind of source. */
export interface SourceOptions {
  /** How long a burst of file events must be quiet before the directory is re-read (default 250 ms). */
  debounceMs?: number;
  /** S3: the poll interval; directory: the safety-net re-read interval (default 30 s, jittered ±10%). */
  pollIntervalMs?: number;
  /** S3: sent as `ExpectedBucketOwner` on every call. */
  expectedBucketOwner?: string;
  region?: string;
  /** S3: an endpoint override (emulators); path-style addressing is used with it. */
  s3Endpoint?: string;
  /** Files larger than this are reported unreadable instead of read (default: the loader's limit). */
  maxFileSize?: number;
  /** The random source behind the poll jitter, in [0, 1). */
  random?: () => number;
  /** Directory: how long one file may take to read before it counts as unreadable (default 10 s). */
  readTimeoutMs?: number;
  /**
   * Directory: a file that vanished or emptied is believed gone only when a read at least this much
   * later agrees, with nothing changed in between (default 2 s).
   */
  settleMs?: number;
  /** The clock reads are timed with (epoch ms). */
  now?: () => number;
  /** Told after every read whether it succeeded (a source that stops reading is not ready). */
  onRead?(ok: boolean): void;
}

/** The name of the folder, next to the manifests, that holds the controller's own files. */
export const STATUS_FOLDER = '.switchboard';
/** The status document's name inside STATUS_FOLDER. */
export const STATUS_FILE = 'status.json';
