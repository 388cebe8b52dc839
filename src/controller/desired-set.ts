/**
 * The desired state the controller holds between snapshots: valid resources by key, the keys that
 * are stalled on invalid manifests, a content hash per key (to find what changed) and the
 * dependency edges (a Service depends on its TaskDefinition, Namespace and Cluster).
 */
import type { DesiredResource, ResourceKey } from '../manifests/model.js';
import type { Problem } from '../manifests/problems.js';
import { asJson, contentHash } from '../reconcile/canonical.js';
import { dependencyGraph } from '../reconcile/graph.js';
import { memoizeByObject } from '../util/memo.js';

export interface DesiredSet {
  /** Resources that validated, by key (stalled keys excluded). */
  resources: Map<ResourceKey, DesiredResource>;
  /** Keys whose manifest has errors, with the problems; their AWS resources are left untouched. */
  stalled: Map<string, Problem[]>;
  /** Errors that name no resource (a file that does not parse), by file. */
  fileErrors: Map<string, Problem[]>;
  hashes: Map<ResourceKey, string>;
  /** key -> keys it depends on (declared ones only): the graph the planner orders a pass by. */
  dependencies: Map<ResourceKey, ResourceKey[]>;
  /** True when no manifest had an error: the only state prune may act on. */
  healthy: boolean;
}

// Resources are immutable once loaded, and an unchanged file hands back the same objects, so a
// resource's hash is computed once rather than for every resource on every snapshot.
const hashOf = memoizeByObject((r: DesiredResource) => contentHash(asJson({ metadata: r.metadata, spec: r.spec })));

/**
 * Builds the desired set from a validation result. Keys that were declared in a file that no
 * longer parses keep their last good definition and are reported stalled, so a half-written
 * file never looks like a deletion.
 */
export function buildDesiredSet(
  resources: readonly DesiredResource[],
  problems: readonly Problem[],
  previous: DesiredSet | undefined,
  defaultCluster: string,
): DesiredSet {
  const errors = problems.filter((p) => p.severity === 'error');
  const stalled = new Map<string, Problem[]>();
  const fileErrors = new Map<string, Problem[]>();
  for (const p of errors) {
    if (p.resource !== undefined) stalled.set(p.resource, [...(stalled.get(p.resource) ?? []), p]);
    else fileErrors.set(p.file, [...(fileErrors.get(p.file) ?? []), p]);
  }
  const byKey = new Map<ResourceKey, DesiredResource>();
  for (const r of resources) if (!stalled.has(r.key)) byKey.set(r.key, r);
  if (previous) {
    for (const [key, r] of previous.resources) {
      const fileProblems = fileErrors.get(r.source.file);
      if (fileProblems && !byKey.has(key)) stalled.set(key, fileProblems);
    }
  }
  const hashes = new Map<ResourceKey, string>();
  for (const [key, r] of byKey) hashes.set(key, hashOf(r));
  const dependencies = dependencyGraph([...byKey.values()], { defaultCluster });
  return { resources: byKey, stalled, fileErrors, hashes, dependencies, healthy: errors.length === 0 };
}

/** Keys whose desired content changed between two sets (added, changed or removed), plus their dependants. */
export function changedKeys(previous: DesiredSet | undefined, next: DesiredSet): { changed: Set<ResourceKey>; removed: Set<ResourceKey> } {
  const changed = new Set<ResourceKey>();
  const removed = new Set<ResourceKey>();
  for (const [key, hash] of next.hashes) if (previous?.hashes.get(key) !== hash) changed.add(key);
  if (previous) for (const key of previous.hashes.keys()) if (!next.hashes.has(key) && !next.stalled.has(key)) removed.add(key);
  // Dependants: a changed TaskDefinition or Namespace re-checks the services that use it.
  for (const [key, deps] of next.dependencies) if (deps.some((d) => changed.has(d))) changed.add(key);
  return { changed, removed };
}
