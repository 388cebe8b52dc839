/**
 * Renders a status document for people (`switchboard status`): a header with the source, the last
 * pass and readiness, then one row per resource, control characters escaped. Also decides whether
 * everything is converged.
 */
import { escapeControls } from '../util/terminal.js';
import type { Condition, PassStatus, ResourceStatus, StatusDocument } from './status.js';

const MESSAGE_WIDTH = 60;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCondition(v: unknown): v is Condition {
  return isRecord(v) && typeof v.type === 'string' && typeof v.status === 'string' && typeof v.reason === 'string' && typeof v.message === 'string';
}

function isResource(v: unknown): v is ResourceStatus {
  return isRecord(v) && typeof v.key === 'string' && Array.isArray(v.conditions) && v.conditions.every(isCondition);
}

/** Whether `v` has the shape of a status document (what `/status` serves). */
export function isStatusDocument(v: unknown): v is StatusDocument {
  return (
    isRecord(v) &&
    v.kind === 'SwitchboardStatus' &&
    isRecord(v.controller) &&
    typeof v.controller.ready === 'boolean' &&
    Array.isArray(v.resources) &&
    v.resources.every(isResource)
  );
}

function condition(r: ResourceStatus, type: Condition['type']): Condition | undefined {
  return r.conditions.find((c) => c.type === type);
}

/** True when the controller is ready and every resource is Ready (what `switchboard status` exits 0 on). */
export function allReady(doc: StatusDocument): boolean {
  return doc.controller.ready && doc.resources.every((r) => condition(r, 'Ready')?.status === 'True' && condition(r, 'Stalled')?.status !== 'True');
}

/** A short age: `45s`, `3m`, `2h`, `4d` (`-` when the time is missing or unreadable). */
export function formatAge(iso: string | undefined, nowMs: number): string {
  if (iso === undefined) return '-';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '-';
  const s = Math.max(0, Math.floor((nowMs - t) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 2 * 3600) return `${Math.floor(s / 60)}m`;
  if (s < 2 * 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

function truncate(text: string, width: number): string {
  const oneLine = escapeControls(text.replace(/\s+/g, ' ').trim());
  return oneLine.length <= width ? oneLine : `${oneLine.slice(0, width - 1)}…`;
}

function formatCounts(counts: PassStatus['counts']): string {
  const parts = Object.entries(counts)
    .filter(([, n]) => n !== undefined && n > 0)
    .map(([k, n]) => `${n} ${k}`);
  return parts.length === 0 ? 'nothing to do' : parts.join(', ');
}

function formatPass(p: PassStatus, nowMs: number): string {
  const took = p.durationMs < 1000 ? `${p.durationMs}ms` : `${(p.durationMs / 1000).toFixed(1)}s`;
  const err = p.error === undefined ? '' : `: ${p.error}`;
  return `#${p.pass} ${p.result}${err}, revision ${p.revision}, ${took}, ${formatAge(p.finishedAt, nowMs)} ago (${formatCounts(p.counts)})`;
}

function header(doc: StatusDocument, nowMs: number): string[] {
  const lines: string[] = [];
  if (doc.source) {
    const completeness = doc.source.complete ? '' : ' (listing incomplete: prune blocked)';
    lines.push(`Source:      ${doc.source.description} @ ${doc.source.revision}${completeness}`);
    if (doc.source.lastError) lines.push(`Source error: ${doc.source.lastError.message}${doc.source.lastError.code ? ` (${doc.source.lastError.code})` : ''}`);
  } else {
    lines.push('Source:      not read yet');
  }
  lines.push(`Last pass:   ${doc.lastPass ? formatPass(doc.lastPass, nowMs) : 'none yet'}`);
  if (doc.lastSuccessfulPass && doc.lastPass && doc.lastSuccessfulPass.pass !== doc.lastPass.pass) {
    lines.push(`Last success: #${doc.lastSuccessfulPass.pass}, ${formatAge(doc.lastSuccessfulPass.finishedAt, nowMs)} ago`);
  }
  lines.push(`Controller:  ${doc.controller.ready ? 'ready' : 'not ready (the first full pass has not finished)'}`);
  // What /status says is shown, not obeyed: a file name there could carry terminal sequences.
  return lines.map(escapeControls);
}

function row(r: ResourceStatus, nowMs: number): string[] {
  const ready = condition(r, 'Ready');
  const stalled = condition(r, 'Stalled');
  const reconciling = condition(r, 'Reconciling');
  const shown = stalled?.status === 'True' ? stalled : reconciling?.status === 'True' && ready?.status !== 'False' ? reconciling : ready;
  let message = shown?.message ?? '';
  // A failure's reason may not carry the AWS error text; show both.
  if (r.lastError && ready?.status === 'False' && !message.includes(r.lastError.message)) message = message ? `${message}: ${r.lastError.message}` : r.lastError.message;
  return [escapeControls(r.key), escapeControls(ready?.status ?? 'Unknown'), escapeControls(shown?.reason ?? '-'), formatAge(ready?.lastTransitionTime, nowMs), formatAge(r.lastChangeSet?.time, nowMs), truncate(message, MESSAGE_WIDTH)];
}

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
}

/** The text report: header, a table (KIND/NAME, READY, REASON, SINCE, LAST CHANGE, MESSAGE) and a summary line. */
export function formatStatusTable(doc: StatusDocument, nowMs: number = Date.now()): string {
  const lines = header(doc, nowMs);
  lines.push('');
  if (doc.resources.length === 0) {
    lines.push('No resources.');
  } else {
    lines.push(...table([['KIND/NAME', 'READY', 'REASON', 'SINCE', 'LAST CHANGE', 'MESSAGE'], ...doc.resources.map((r) => row(r, nowMs))]));
  }
  const notReady = doc.resources.filter((r) => condition(r, 'Ready')?.status !== 'True').length;
  const stalled = doc.resources.filter((r) => condition(r, 'Stalled')?.status === 'True').length;
  lines.push('');
  lines.push(`${doc.resources.length} resource${doc.resources.length === 1 ? '' : 's'}: ${doc.resources.length - notReady} ready, ${notReady} not ready${stalled > 0 ? ` (${stalled} stalled)` : ''}`);
  return `${lines.join('\n')}\n`;
}
