/** Whole-snapshot validation: load every document, then check what no single document can (references, uniqueness). */
import type { LoadLimits } from './decode.js';
import { DEFAULT_LIMITS } from './decode.js';
import type { LoadResult, LoadedDocument, SnapshotFile } from './load.js';
import { loadSnapshot } from './load.js';
import type { DesiredResource } from './model.js';
import type { Problem } from './problems.js';
import { compareProblems, hasErrors } from './problems.js';
import { RuleContext, type DocOf } from './rules/context.js';
import { checkCapacityProviders } from './rules/capacity-providers.js';
import { checkCoverage } from './rules/coverage.js';
import { checkNames } from './rules/names.js';
import { checkDuplicates, checkNamespacesAndClusters } from './rules/namespaces.js';
import { checkServices } from './rules/services.js';
import { checkTags, checkTaskDefinitionTags } from './rules/tags.js';
import { checkTaskDefinition } from './rules/task-definitions.js';
import { memoizeByObject } from '../util/memo.js';

/** The outcome of validating a snapshot. */
export interface ValidationResult {
  /** True when no problem is an error (warnings allowed). Apply nothing unless this holds. */
  valid: boolean;
  /** Every schema-valid resource (also when other documents have errors). */
  resources: DesiredResource[];
  /** Every problem, ordered by file, line and column. */
  problems: Problem[];
  /** How many files and documents were read. */
  fileCount: number;
  documentCount: number;
}

// What the rules that read only the task definition itself found, per (immutable) loaded document:
// a file that did not change hands back the same documents, so these are not checked again per snapshot.
const singleTaskDefinitionProblems = memoizeByObject((doc: DocOf<'TaskDefinition'>): Problem[] => {
  const own = new RuleContext([]);
  checkTaskDefinition(own, doc);
  checkTaskDefinitionTags(own, doc);
  return own.problems;
});

/** Runs the cross-document rules over loaded documents and returns their problems. */
export function checkDocuments(documents: readonly LoadedDocument[]): Problem[] {
  const ctx = new RuleContext(documents);
  checkDuplicates(ctx);
  checkNames(ctx);
  checkTags(ctx);
  checkNamespacesAndClusters(ctx);
  for (const doc of ctx.ofKind('TaskDefinition')) ctx.problems.push(...singleTaskDefinitionProblems(doc));
  checkServices(ctx);
  checkCapacityProviders(ctx);
  checkCoverage(ctx);
  return ctx.problems;
}

/** Completes a validation from already loaded files: runs the cross-document rules over all of them. */
export function validateLoaded(fileCount: number, loaded: LoadResult): ValidationResult {
  const problems = [...loaded.problems, ...checkDocuments(loaded.documents)].sort(compareProblems);
  return {
    valid: !hasErrors(problems),
    resources: loaded.documents.map((d) => d.resource),
    problems,
    fileCount,
    documentCount: loaded.documentCount,
  };
}

/** Validates a snapshot of manifest files: pure, offline, deterministic. */
export function validateSnapshot(files: readonly SnapshotFile[], limits: LoadLimits = DEFAULT_LIMITS): ValidationResult {
  return validateLoaded(files.length, loadSnapshot(files, limits));
}
