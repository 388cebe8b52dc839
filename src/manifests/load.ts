/**
 * The loader: a snapshot of files (`{path, content}`) → resources and problems. Pure (no I/O),
 * so the command line and the controller's sources share it.
 */
import type { LoadLimits } from './decode.js';
import { DEFAULT_LIMITS, decodeFile } from './decode.js';
import type { DesiredResource, Metadata } from './model.js';
import { API_VERSION, KINDS, isKind, resourceKey } from './model.js';
import type { Problem } from './problems.js';
import { schemaProblems } from './schema-errors.js';
import { documentValidator } from './schemas.js';
import { closest } from './suggest.js';
import { toDesiredResource } from './normalize.js';
import type { ParsedDocument } from './yaml-source.js';
import { parseYaml } from './yaml-source.js';

/** One file of a snapshot. */
export interface SnapshotFile {
  /** The path shown in problems (relative to what the user named, or an S3 key). */
  path: string;
  content: Uint8Array;
}

/** A resource together with the document it came from, so later checks can locate any field. */
export interface LoadedDocument {
  resource: DesiredResource;
  document: ParsedDocument;
}

/** What loading a snapshot produced. */
export interface LoadResult {
  documents: LoadedDocument[];
  problems: Problem[];
  /** How many documents were found (valid or not). */
  documentCount: number;
}

function envelopeProblems(doc: ParsedDocument): { problems: Problem[]; resource?: string } {
  const v = doc.value;
  const problems: Problem[] = [];
  const metadata = v.metadata as { name?: unknown } | undefined;
  const name = typeof metadata?.name === 'string' ? metadata.name : undefined;
  const resource = isKind(v.kind) && name !== undefined ? resourceKey(v.kind, name) : undefined;
  const base = { severity: 'error' as const, file: doc.file, ...(resource === undefined ? {} : { resource }) };
  if (v.apiVersion === undefined) {
    problems.push({ ...base, code: 'missing-api-version', ...doc.start, path: 'apiVersion', message: 'missing `apiVersion`', hint: `add \`apiVersion: ${API_VERSION}\`` });
  } else if (v.apiVersion !== API_VERSION) {
    problems.push({
      ...base,
      code: 'unknown-api-version',
      ...doc.locate(['apiVersion']),
      path: 'apiVersion',
      message: `unknown apiVersion ${JSON.stringify(v.apiVersion)}`,
      hint: `use \`apiVersion: ${API_VERSION}\``,
    });
  }
  if (v.kind === undefined) {
    problems.push({ ...base, code: 'missing-kind', ...doc.start, path: 'kind', message: 'missing `kind`', hint: `add \`kind:\` with one of ${KINDS.join(', ')}` });
  } else if (!isKind(v.kind)) {
    const guess = typeof v.kind === 'string' ? closest(v.kind, KINDS) : undefined;
    problems.push({
      ...base,
      code: 'unknown-kind',
      ...doc.locate(['kind']),
      path: 'kind',
      message: `unknown kind ${JSON.stringify(v.kind)}`,
      hint: `${guess !== undefined ? `did you mean \`${guess}\`? ` : ''}kinds: ${KINDS.join(', ')}`,
    });
  }
  return { problems, ...(resource === undefined ? {} : { resource }) };
}

/** What loading one file produced; depends on nothing but the file's path, its bytes and the limits. */
export type FileLoad = LoadResult;

/** Loads the documents of one file; each invalid document yields located problems instead of a resource. */
export function loadFile(f: SnapshotFile, limits: LoadLimits = DEFAULT_LIMITS): FileLoad {
  const documents: LoadedDocument[] = [];
  const problems: Problem[] = [];
  const decoded = decodeFile(f.path, f.content, limits);
  if ('problem' in decoded) return { documents, problems: [decoded.problem], documentCount: 0 };
  const parsed = parseYaml(f.path, decoded.text, limits);
  problems.push(...parsed.problems);
  if (parsed.empty) {
    problems.push({ severity: 'warning', code: 'empty-file', file: f.path, line: 1, column: 1, message: 'file holds no manifest', hint: 'add a manifest or delete the file' });
  }
  for (const doc of parsed.documents) {
    const envelope = envelopeProblems(doc);
    if (envelope.problems.length > 0) {
      problems.push(...envelope.problems);
      continue;
    }
    const kind = doc.value.kind;
    if (!isKind(kind)) continue;
    const validate = documentValidator(kind);
    if (!validate(doc.value)) {
      problems.push(...schemaProblems(validate.errors ?? [], doc, envelope.resource));
      continue;
    }
    const resource = toDesiredResource(kind, doc.value.metadata as Metadata, doc.value.spec as Record<string, unknown>, doc.start);
    documents.push({ resource, document: doc });
  }
  return { documents, problems, documentCount: parsed.documents.length };
}

/** Joins per-file loads, in file order (which decides what "first declared" means to the rules). */
export function mergeLoads(loads: readonly FileLoad[]): LoadResult {
  const documents: LoadedDocument[] = [];
  const problems: Problem[] = [];
  let documentCount = 0;
  for (const l of loads) {
    documents.push(...l.documents);
    problems.push(...l.problems);
    documentCount += l.documentCount;
  }
  return { documents, problems, documentCount };
}

/** Loads every document of a snapshot; each invalid document yields located problems instead of a resource. */
export function loadSnapshot(files: readonly SnapshotFile[], limits: LoadLimits = DEFAULT_LIMITS): LoadResult {
  return mergeLoads(files.map((f) => loadFile(f, limits)));
}
