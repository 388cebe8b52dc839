/**
 * `import`: read a live fleet, write the manifests that describe it, and check them against it.
 */
import type { AwsPorts } from '../reconcile/ports.js';
import { buildManifests, type BuildOptions, type ImportedFile } from './build.js';
import { checkImported, type RenderedFile } from './check.js';
import { readFleet, type ImportSelection, type ReadOptions } from './read.js';
import { renderFile } from './render.js';

export { ImportSelectionError, type ImportSelection, type ReadProgress } from './read.js';
export { isNonEmptyDirectory, writeFilesAtomically } from './write.js';
export type { RenderedFile } from './check.js';

export interface ImportOptions extends BuildOptions, ReadOptions {
  /** The `$schema` path a file at `filePath` (relative to the output) points its modeline at. */
  schemaPathFor(filePath: string): string;
}

/** What an import produced: the files to write, how many resources of each kind, and the warnings. */
export interface ImportOutcome {
  files: RenderedFile[];
  counts: Record<'Namespace' | 'Cluster' | 'TaskDefinition' | 'Service', number>;
  warnings: string[];
}

function countKinds(files: readonly ImportedFile[]): ImportOutcome['counts'] {
  const counts = { Namespace: 0, Cluster: 0, TaskDefinition: 0, Service: 0 };
  for (const f of files) for (const d of f.documents) counts[d.kind] += 1;
  return counts;
}

/** Reads the selection from AWS and renders its manifests; AWS errors propagate. */
export async function importFleet(ports: AwsPorts, selection: ImportSelection, options: ImportOptions): Promise<ImportOutcome> {
  const fleet = await readFleet(ports, selection, options);
  const built = buildManifests(fleet, options);
  const files = built.files.map((f) => ({ path: f.path, text: renderFile(f, options.schemaPathFor(f.path)) }));
  return { files, counts: countKinds(built.files), warnings: [...built.warnings, ...checkImported(files, fleet)] };
}
