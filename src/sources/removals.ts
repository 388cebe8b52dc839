/**
 * Removals from a directory are believed only when confirmed. A file renamed away and back, or
 * truncated and rewritten in place (editors, shell `>`, git), is briefly absent or empty, and a
 * read that happens to look then would otherwise hand the controller a snapshot without what the
 * file declares, which `--prune` deletes. A file being written can also be read half-written: a
 * multi-document file caught after its first documents reads as valid YAML without the rest (reads
 * take no lock, and a large file is written in parts). So a file that declared something and is
 * now absent, empty, document-less or holding fewer documents keeps its last content and makes the
 * snapshot incomplete, until a read at least one settle period after the first one sees the same
 * thing with nothing changed in between: the same file (same identity, size and times), or the
 * file still absent from an unchanged folder. A file that was listed but could not be read keeps
 * its last content for as long as that lasts.
 */
import path from 'node:path';
import type { SnapshotFile } from '../manifests/load.js';
import type { DirectoryScan } from './dir-scan.js';
import { revisionOf } from './revision.js';
import type { SourceSnapshot } from './types.js';
import { compareCodeUnits } from '../util/order.js';

interface Known {
  content: Uint8Array;
  hash: string;
  /** How many of its YAML documents hold anything beyond blank lines, comments and markers. */
  documents: number;
}

interface Pending {
  kind: 'missing' | 'emptied' | 'shrunk';
  /** When the read that first saw it started. */
  since: number;
  /** What that read saw: the empty file's identity, or the identity of the folder it is missing from. */
  evidence: string;
}

// Blank, a comment or a directive: lines that declare nothing.
const EMPTY_LINE = /^\s*(?:#[^\n]*)?$|^%/;
// A document start (`---`, maybe followed by the document's first node) or end (`...`) marker.
const MARKER = /^(---|\.\.\.)(?=\s|$)([^\n]*)$/;

/** How many YAML documents of `content` declare something: hold a line other than blanks, comments and directives. */
export function declaringDocuments(content: Uint8Array): number {
  const text = Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('utf8');
  let count = 0;
  let current = false;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    const marker = MARKER.exec(line);
    if (marker) {
      if (current) count++;
      current = marker[1] === '---' && !EMPTY_LINE.test(marker[2] ?? '');
    } else if (!EMPTY_LINE.test(line)) {
      current = true;
    }
    start = end + 1;
  }
  return current ? count + 1 : count;
}

/** Whether YAML text declares nothing: no line but blanks, comments, `---`, `...` and directives. */
export function declaresNothing(content: Uint8Array): boolean {
  return declaringDocuments(content) === 0;
}

/** What review() hands out: the snapshot, and when a read would confirm what is still pending. */
export interface Reviewed {
  snapshot: SourceSnapshot;
  /** Clock time at which a read may confirm the earliest pending removal. */
  confirmAt?: number;
}

/** The memory of what the reads of one folder tree handed out, shared by every read of that source. */
export class RemovalGuard {
  private known = new Map<string, Known>();
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly settleMs: number) {}

  /** Turns one scan, started at `startedAt`, into the snapshot to hand out. */
  review(scan: DirectoryScan, startedAt: number): Reviewed {
    const files = new Map<string, SnapshotFile>(scan.snapshot.files.map((f) => [f.path, f]));
    const hashes = new Map(scan.hashes);
    const unreadable = [...scan.snapshot.unreadable];
    const listedUnreadable = new Set(unreadable.filter((u) => !scan.vanished.has(u.path)).map((u) => u.path));
    let confirmAt: number | undefined;
    const carry = (p: string, k: Known, reason?: string): void => {
      files.set(p, { path: p, content: k.content });
      hashes.set(p, k.hash);
      if (reason === undefined) return;
      const i = unreadable.findIndex((u) => u.path === p);
      if (i >= 0) unreadable.splice(i, 1);
      unreadable.push({ path: p, reason });
    };

    for (const [p, k] of this.known) {
      if (k.documents === 0) {
        this.pending.delete(p);
        continue;
      }
      const current = files.get(p);
      let pending: Omit<Pending, 'since'>;
      if (current !== undefined) {
        const documents = hashes.get(p) === k.hash ? k.documents : declaringDocuments(current.content);
        if (documents >= k.documents) {
          this.pending.delete(p);
          continue;
        }
        pending = { kind: documents === 0 ? 'emptied' : 'shrunk', evidence: scan.identities.get(p) ?? '' };
      } else if (listedUnreadable.has(p)) {
        // It is there but could not be read: what it declared stands until it can be read again.
        this.pending.delete(p);
        carry(p, k);
        continue;
      } else {
        pending = { kind: 'missing', evidence: folderEvidence(p, scan.folders) };
      }
      const seen = this.pending.get(p);
      if (seen !== undefined && seen.kind === pending.kind && seen.evidence === pending.evidence) {
        if (startedAt - seen.since >= this.settleMs) {
          this.pending.delete(p); // confirmed: the read stands as it is
          continue;
        }
      } else {
        this.pending.set(p, { ...pending, since: startedAt });
      }
      const since = this.pending.get(p)?.since ?? startedAt;
      confirmAt = Math.min(confirmAt ?? Infinity, since + this.settleMs);
      const what = pending.kind === 'missing' ? 'missing' : pending.kind === 'emptied' ? 'empty' : `holding fewer documents than the ${k.documents} it had`;
      const when = since === startedAt ? 'from this read' : `since a read ${startedAt - since} ms ago`;
      carry(p, k, `${what} ${when}; what it declared stands until a read at least ${this.settleMs} ms after the first, with nothing changed in between, confirms it`);
    }
    for (const p of this.pending.keys()) if (!this.known.has(p)) this.pending.delete(p);

    const out = [...files.values()].sort((a, b) => compareCodeUnits(a.path, b.path));
    const next = new Map<string, Known>();
    for (const f of out) {
      const hash = hashes.get(f.path) ?? '';
      const before = this.known.get(f.path);
      next.set(f.path, { content: f.content, hash, documents: before?.hash === hash ? before.documents : declaringDocuments(f.content) });
    }
    this.known = next;
    const snapshot: SourceSnapshot = { revision: revisionOf([...hashes], unreadable), files: out, complete: unreadable.length === 0, unreadable };
    return confirmAt === undefined ? { snapshot } : { snapshot, confirmAt };
  }
}

/** The identity of the nearest folder of `p` that the read walked (where its absence was seen). */
function folderEvidence(p: string, folders: ReadonlyMap<string, string>): string {
  for (let dir = path.dirname(p); ; dir = path.dirname(dir)) {
    const id = folders.get(dir);
    if (id !== undefined) return `${dir}\0${id}`;
    if (path.dirname(dir) === dir) return '';
  }
}
