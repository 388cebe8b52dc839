/** Renders a validation outcome for people (one line per problem) or machines (JSON). */
import { escapeControls } from '../util/terminal.js';
import type { Problem } from './problems.js';

/** Counts shown in the summary line. */
export interface ReportSummary {
  files: number;
  resources: number;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** One problem as `file:line:col: error: Service/nginx: spec.x.y: message (hint) [reference]`. */
export function formatProblem(p: Problem): string {
  const parts = [`${p.file}:${p.line}:${p.column}`, p.severity];
  if (p.resource !== undefined) parts.push(p.resource);
  if (p.path !== undefined && p.path !== '') parts.push(p.path);
  // One line, whatever the file name or the message holds.
  return escapeControls(`${parts.join(': ')}: ${p.message}${p.hint === undefined ? '' : ` (${p.hint})`}${p.reference === undefined ? '' : ` [${p.reference}]`}`);
}

/** The text report: every problem, then `3 files, 5 resources: 0 errors, 1 warning`. */
export function formatText(problems: readonly Problem[], summary: ReportSummary): string {
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  const lines = problems.map(formatProblem);
  lines.push(`${plural(summary.files, 'file')}, ${plural(summary.resources, 'resource')}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`);
  return `${lines.join('\n')}\n`;
}

/** The JSON report; absent fields are `null` so every problem has the same keys. */
export function formatJson(problems: readonly Problem[], summary: ReportSummary): string {
  const errors = problems.filter((p) => p.severity === 'error').length;
  return `${JSON.stringify(
    {
      valid: errors === 0,
      files: summary.files,
      resources: summary.resources,
      errors,
      warnings: problems.length - errors,
      problems: problems.map((p) => ({
        severity: p.severity,
        code: p.code,
        file: p.file,
        line: p.line,
        column: p.column,
        resource: p.resource ?? null,
        path: p.path ?? null,
        message: p.message,
        hint: p.hint ?? null,
        reference: p.reference ?? null,
      })),
    },
    null,
    2,
  )}\n`;
}
