/**
 * Snapshot validation that remembers each file's load (parse, envelope and schema checks) by path and
 * bytes, so a new snapshot re-parses only the files whose bytes changed. The cross-document rules
 * (duplicates, references) still run over every document each time: one file can break or fix another.
 */
import { Buffer } from 'node:buffer';
import type { LoadLimits } from './decode.js';
import { DEFAULT_LIMITS, decodeFile } from './decode.js';
import type { FileLoad, LoadedDocument, SnapshotFile } from './load.js';
import { loadFile, mergeLoads } from './load.js';
import type { SourceLocation } from './model.js';
import type { PathSegment } from './problems.js';
import type { ValidationResult } from './validate.js';
import { validateLoaded } from './validate.js';
import type { ParsedDocument } from './yaml-source.js';
import { parseYaml } from './yaml-source.js';

interface Remembered {
  content: Uint8Array;
  load: FileLoad;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a === b || (a.byteLength === b.byteLength && Buffer.compare(a, b) === 0);
}

/**
 * The documents of a load, without their YAML syntax trees (which weigh many times the file). A
 * location is needed only to report a problem, and then the file's bytes are parsed again: the
 * same bytes give the same tree, so the location is exactly the one a fresh load would give.
 */
function detach(file: SnapshotFile, load: FileLoad, limits: LoadLimits): FileLoad {
  if (load.documents.length === 0) return load;
  let reparsed: readonly ParsedDocument[] | undefined;
  const original = (index: number): ParsedDocument | undefined => {
    if (reparsed === undefined) {
      const decoded = decodeFile(file.path, file.content, limits);
      reparsed = 'text' in decoded ? parseYaml(file.path, decoded.text, limits).documents : [];
    }
    return reparsed.find((d) => d.index === index);
  };
  const documents = load.documents.map((d): LoadedDocument => {
    const { file: path, index, value, start } = d.document;
    const locate = (segments: readonly PathSegment[], options?: { key?: boolean }): SourceLocation => original(index)?.locate(segments, options) ?? start;
    return { resource: d.resource, document: { file: path, index, value, start, locate } };
  });
  return { ...load, documents };
}

/** Validates successive snapshots of one source; the result always equals `validateSnapshot(files)`. */
export class IncrementalValidator {
  private remembered = new Map<string, Remembered>();
  private lastLoaded = 0;

  constructor(private readonly limits: LoadLimits = DEFAULT_LIMITS) {}

  /** Validates a whole snapshot, loading again only the files that are new or changed since the last call. */
  validate(files: readonly SnapshotFile[]): ValidationResult {
    const next = new Map<string, Remembered>();
    const loads: FileLoad[] = [];
    let loaded = 0;
    for (const f of files) {
      let entry = this.remembered.get(f.path);
      if (entry === undefined || !sameBytes(entry.content, f.content)) {
        entry = { content: f.content, load: detach(f, loadFile(f, this.limits), this.limits) };
        loaded++;
      }
      next.set(f.path, entry);
      loads.push(entry.load);
    }
    // Only what this snapshot holds is kept: a deleted file's documents are gone, and memory stays bounded.
    this.remembered = next;
    this.lastLoaded = loaded;
    return validateLoaded(files.length, mergeLoads(loads));
  }

  /** How many files the last `validate` had to load (the rest came from memory). */
  get filesLoadedLastTime(): number {
    return this.lastLoaded;
  }
}
