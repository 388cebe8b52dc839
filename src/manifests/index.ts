/** The manifests module's public surface: the model, the pure snapshot validator, the filesystem walk and the reports. */
export * from './model.js';
export type { LoadLimits } from './decode.js';
export { DEFAULT_LIMITS } from './decode.js';
export type { LoadedDocument, LoadResult, SnapshotFile } from './load.js';
export { loadSnapshot } from './load.js';
export type { PathSegment, Problem, Severity } from './problems.js';
export { compareProblems, formatPath, hasErrors } from './problems.js';
export { formatJson, formatProblem, formatText } from './report.js';
export type { ValidationResult } from './validate.js';
export { checkDocuments, validateSnapshot } from './validate.js';
export type { CollectResult } from './walk.js';
export { collectFiles } from './walk.js';
