/**
 * Plans and apply results for people (text, coloured on a terminal, control characters escaped)
 * and for programs (JSON). Credentials are masked in both.
 */
import { styleText } from 'node:util';
import { asJson } from '../reconcile/canonical.js';
import type { ApplyResult, ResourceResult } from '../reconcile/apply.js';
import type { FieldChange } from '../reconcile/diff.js';
import { maskJson, maskText } from '../util/secrets.js';
import { escapeControls } from '../util/terminal.js';
import { isChange, type Plan, type PlannedOutcome } from '../reconcile/plan-types.js';
import { formatCauseGroup, groupByCause } from './causes.js';

type Style = Parameters<typeof styleText>[0];

function paint(color: boolean, style: Style, text: string): string {
  return color ? styleText(style, text) : text;
}

const SYMBOL: Record<PlannedOutcome, [string, Style]> = {
  create: ['+', 'green'],
  update: ['~', 'yellow'],
  replace: ['-/+', 'magenta'],
  delete: ['-', 'red'],
  unchanged: ['=', 'gray'],
  conflict: ['!', 'red'],
  blocked: ['!', 'red'],
};

function value(v: unknown): string {
  const text = JSON.stringify(maskJson(v));
  return text === undefined ? '(none)' : text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

/** One change as `path: old -> new`, on one line with control characters escaped. */
export function formatChange(c: FieldChange): string {
  const path = c.path === '' ? '(resource)' : c.path;
  if (c.old === undefined) return escapeControls(`+ ${path}: ${value(c.new)}`);
  if (c.new === undefined) return escapeControls(`- ${path}: ${value(c.old)}`);
  return escapeControls(`~ ${path}: ${value(c.old)} -> ${value(c.new)}`);
}

/** Text from a plan or a result as one terminal-safe line: credentials masked, control characters escaped. */
function forTerminal(text: string): string {
  return escapeControls(maskText(text));
}

/** Counts of a plan by outcome. */
export function planCounts(plan: Plan): Record<PlannedOutcome, number> {
  const counts: Record<PlannedOutcome, number> = { create: 0, update: 0, replace: 0, delete: 0, unchanged: 0, conflict: 0, blocked: 0 };
  for (const r of plan.resources) counts[r.outcome]++;
  return counts;
}

/** Whether the plan would change anything, or leaves something unconverged (conflict, blocked). */
export function planHasPending(plan: Plan): boolean {
  return plan.resources.some((r) => isChange(r) || r.outcome === 'conflict' || r.outcome === 'blocked');
}

/** The plan as text; unchanged resources are listed only with `verbose`. */
export function formatPlanText(plan: Plan, options: { color: boolean; verbose?: boolean }): string {
  const { color } = options;
  const lines: string[] = [];
  // Resources blocked by one cause (no credentials, an endpoint that refuses connections) share one line.
  const { groups, rest } = groupByCause(plan.resources);
  for (const g of groups) lines.push(...formatCauseGroup(g, 'blocked', (t) => paint(color, 'red', t)));
  for (const r of rest) {
    if (r.outcome === 'unchanged' && !options.verbose) continue;
    const [sym, style] = SYMBOL[r.outcome];
    lines.push(`${paint(color, style, `${sym} ${forTerminal(r.key)}`)}  ${paint(color, 'bold', r.outcome)}: ${forTerminal(r.reason)}`);
    for (const c of r.changes.slice(0, 50)) lines.push(`    ${formatChange(c)}`);
    if (r.changes.length > 50) lines.push(`    ... ${r.changes.length - 50} more changes`);
    for (const n of r.notes) lines.push(`    note: ${forTerminal(n)}`);
  }
  for (const n of plan.notes) lines.push(paint(color, 'cyan', `note: ${forTerminal(n)}`));
  lines.push(planSummary(plan));
  return `${lines.join('\n')}\n`;
}

/** The plan's last line: `Plan: 1 to create, 2 to change, ...`, after `No changes.` when there is nothing to do. */
export function planSummary(plan: Plan): string {
  const c = planCounts(plan);
  const summary = `Plan: ${c.create} to create, ${c.update} to change, ${c.replace} to replace, ${c.delete} to delete, ${c.unchanged} unchanged${c.conflict + c.blocked > 0 ? `, ${c.conflict + c.blocked} need attention` : ''}.`;
  return planHasPending(plan) ? summary : `No changes. ${summary}`;
}

/** The plan as JSON, secrets masked throughout (steps carry whole task definitions). */
export function formatPlanJson(plan: Plan): string {
  const resources = plan.resources.map((r) => ({ ...r, steps: r.steps.map((s) => asJson(s)) }));
  return `${JSON.stringify(maskJson({ pending: planHasPending(plan), counts: planCounts(plan), resources, notes: plan.notes }), null, 2)}\n`;
}

/** Counts of apply results by outcome. */
export function resultCounts(results: readonly ResourceResult[]): Record<ResourceResult['outcome'], number> {
  const counts: Record<ResourceResult['outcome'], number> = { created: 0, configured: 0, unchanged: 0, deleted: 0, skipped: 0, failed: 0 };
  for (const r of results) counts[r.outcome]++;
  return counts;
}

const RESULT_STYLE: Record<ResourceResult['outcome'], Style> = {
  created: 'green',
  configured: 'yellow',
  unchanged: 'gray',
  deleted: 'red',
  skipped: 'magenta',
  failed: 'red',
};

/** Apply results as text: one line per resource that did not stay unchanged, then a summary. */
export function formatApplyText(plan: Plan, result: ApplyResult, options: { color: boolean; verbose?: boolean }): string {
  const lines: string[] = [];
  const { groups, rest } = groupByCause(result.results.filter((r) => r.outcome === 'failed'));
  for (const g of groups) lines.push(...formatCauseGroup(g, 'failed', (t) => paint(options.color, 'red', t)));
  const shown = new Set(rest);
  for (const r of result.results) {
    if (r.outcome === 'failed' && !shown.has(r)) continue;
    if (r.outcome === 'unchanged' && !options.verbose) continue;
    const head = `${paint(options.color, RESULT_STYLE[r.outcome], r.outcome.padEnd(10))} ${forTerminal(r.key)} (${r.durationMs} ms)`;
    lines.push(r.outcome === 'created' || r.outcome === 'configured' || r.outcome === 'deleted' ? head : `${head}: ${forTerminal(r.reason)}`);
    if (r.error?.requestId) lines.push(`    AWS request id: ${forTerminal(r.error.requestId)}`);
    for (const c of r.changes.slice(0, 20)) lines.push(`    ${formatChange(c)}`);
    for (const f of r.followUps ?? []) lines.push(`    then: ${forTerminal(f)}`);
  }
  for (const n of plan.notes) lines.push(paint(options.color, 'cyan', `note: ${forTerminal(n)}`));
  const c = resultCounts(result.results);
  lines.push(`Apply: ${c.created} created, ${c.configured} configured, ${c.deleted} deleted, ${c.unchanged} unchanged, ${c.skipped} skipped, ${c.failed} failed.`);
  return `${lines.join('\n')}\n`;
}

/** Apply results as JSON, secrets masked throughout. */
export function formatApplyJson(plan: Plan, result: ApplyResult): string {
  return `${JSON.stringify(maskJson(asJson({ ok: result.ok, counts: resultCounts(result.results), results: result.results, notes: plan.notes })), null, 2)}\n`;
}
