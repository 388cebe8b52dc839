/**
 * Renders a status document for people (`switchboard status`, the controller's page): a header
 * with the source, the last pass and readiness, then one row per resource with its state and why,
 * control characters escaped in the terminal's text. Also decides whether everything is converged.
 */
import { escapeControls } from '../util/terminal.js';
import type { Condition, PassStatus, ResourceStatus, StatusDocument } from './status.js';

/** The narrowest the MESSAGE column is wrapped to, however narrow the terminal. */
const MIN_MESSAGE_WIDTH = 30;

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

/** A resource's state as the table, the map and the page show it. */
export type ResourceState = 'Ready' | 'Reconciling' | 'Stalled' | 'NotReady';

export interface ResourceView {
  state: ResourceState;
  /** The shown condition's reason, e.g. `Configured`, `InvalidManifest`, `ReconcileFailed`. */
  reason: string;
  /** Why, in full: the located validation errors, the AWS error, what the last change did. */
  message: string;
}

/**
 * What to show of one resource: Stalled wins, then Reconciling (unless it already failed), then
 * the Ready condition; a failure's message carries the AWS error text too.
 */
export function resourceView(r: ResourceStatus): ResourceView {
  const ready = condition(r, 'Ready');
  const stalled = condition(r, 'Stalled');
  const reconciling = condition(r, 'Reconciling');
  if (stalled?.status === 'True') return { state: 'Stalled', reason: stalled.reason, message: stalled.message };
  if (reconciling?.status === 'True' && ready?.status !== 'False') return { state: 'Reconciling', reason: reconciling.reason, message: reconciling.message };
  let message = ready?.message ?? '';
  // A failure's reason may not carry the AWS error text; show both.
  if (r.lastError && ready?.status === 'False' && !message.includes(r.lastError.message)) message = message ? `${message}: ${r.lastError.message}` : r.lastError.message;
  return { state: ready?.status === 'True' ? 'Ready' : 'NotReady', reason: ready?.reason ?? 'Unknown', message };
}

function formatCounts(counts: PassStatus['counts']): string {
  const parts = Object.entries(counts)
    .filter(([, n]) => n !== undefined && n > 0)
    .map(([k, n]) => `${n} ${k}`);
  return parts.length === 0 ? 'nothing to do' : parts.join(', ');
}

/** A time as an age (`12s ago`) when `nowMs` is given, else as the time itself. */
function when(iso: string, nowMs: number | undefined): string {
  return nowMs === undefined ? `at ${iso}` : `${formatAge(iso, nowMs)} ago`;
}

function formatPass(p: PassStatus, nowMs: number | undefined): string {
  const took = p.durationMs < 1000 ? `${p.durationMs}ms` : `${(p.durationMs / 1000).toFixed(1)}s`;
  const err = p.error === undefined ? '' : `: ${p.error}`;
  return `#${p.pass} ${p.result}${err}, revision ${p.revision}, ${took}, ${when(p.finishedAt, nowMs)} (${formatCounts(p.counts)})`;
}

/** The header's facts as text: the source (and its last error), the last pass and success, readiness. */
export interface HeaderFields {
  source: string;
  sourceError?: string;
  lastPass: string;
  lastSuccess?: string;
  controller: string;
}

/** The header's facts; times as ages when `nowMs` is given, else as times. */
export function headerFields(doc: StatusDocument, nowMs?: number): HeaderFields {
  const source = doc.source ? `${doc.source.description} @ ${doc.source.revision}${doc.source.complete ? '' : ' (listing incomplete: prune blocked)'}` : 'not read yet';
  const err = doc.source?.lastError;
  const success = doc.lastSuccessfulPass;
  return {
    source,
    ...(err ? { sourceError: `${err.message}${err.code ? ` (${err.code})` : ''}` } : {}),
    lastPass: doc.lastPass ? formatPass(doc.lastPass, nowMs) : 'none yet',
    ...(success && doc.lastPass && success.pass !== doc.lastPass.pass ? { lastSuccess: `#${success.pass}, ${when(success.finishedAt, nowMs)}` } : {}),
    controller: doc.controller.ready ? 'ready' : 'not ready (the first full pass has not finished)',
  };
}

function header(doc: StatusDocument, nowMs: number): string[] {
  const h = headerFields(doc, nowMs);
  return [
    `Source:      ${h.source}`,
    ...(h.sourceError !== undefined ? [`Source error: ${h.sourceError}`] : []),
    `Last pass:   ${h.lastPass}`,
    ...(h.lastSuccess !== undefined ? [`Last success: ${h.lastSuccess}`] : []),
    `Controller:  ${h.controller}`,
    // What /status says is shown, not obeyed: a file name there could carry terminal sequences.
  ].map(escapeControls);
}

function row(r: ResourceStatus, nowMs: number, wide: boolean): string[] {
  const v = resourceView(r);
  const ready = condition(r, 'Ready');
  const cells = [r.key, ready?.status ?? 'Unknown', v.reason, formatAge(ready?.lastTransitionTime, nowMs), formatAge(r.lastChangeSet?.time, nowMs)];
  if (wide) {
    const request = r.lastError?.requestId !== undefined ? ` (request ${r.lastError.requestId})` : '';
    cells.push(r.observedRevision?.slice(0, 12) ?? '-', formatAge(r.lastReconcileTime, nowMs), r.lastError?.code !== undefined ? `${r.lastError.code}${request}` : '-');
  }
  return [...cells, v.message.replace(/\s+/g, ' ').trim()].map(escapeControls);
}

/** Splits `text` into lines of at most `width` characters, at spaces where it can. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let rest = text;
  while (rest.length > width) {
    const space = rest.lastIndexOf(' ', width);
    const cut = space > width / 2 ? space : width;
    lines.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  lines.push(rest);
  return lines;
}

/** Columns padded to their widest cell; the last (MESSAGE) is wrapped to what is left of `width`. */
function table(rows: string[][], width: number | undefined): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const indent = widths.slice(0, -1).reduce((sum, w) => sum + w + 2, 0);
  const messageWidth = width === undefined ? Infinity : Math.max(MIN_MESSAGE_WIDTH, width - indent);
  return rows.flatMap((r) => {
    const [first = '', ...more] = wrap(r[r.length - 1] ?? '', messageWidth);
    const head = [...r.slice(0, -1).map((cell, i) => cell.padEnd(widths[i] ?? 0)), first].join('  ').trimEnd();
    return [head, ...more.map((m) => `${' '.repeat(indent)}${m}`)];
  });
}

/** How the table is laid out. */
export interface StatusTableOptions {
  /** The terminal's width: the MESSAGE column is wrapped to fit (never cut). Absent: one line per resource. */
  width?: number;
  /** Also OBSERVED (revision), RECONCILED (last reconcile) and ERROR (AWS code and request id). */
  wide?: boolean;
}

/** The text report: header, a table (KIND/NAME, READY, REASON, SINCE, LAST CHANGE, [wide columns,] MESSAGE) and a summary line. */
export function formatStatusTable(doc: StatusDocument, nowMs: number = Date.now(), options: StatusTableOptions = {}): string {
  const lines = header(doc, nowMs);
  lines.push('');
  if (doc.resources.length === 0) {
    lines.push('No resources.');
  } else {
    const wide = options.wide === true;
    const head = ['KIND/NAME', 'READY', 'REASON', 'SINCE', 'LAST CHANGE', ...(wide ? ['OBSERVED', 'RECONCILED', 'ERROR'] : []), 'MESSAGE'];
    lines.push(...table([head, ...doc.resources.map((r) => row(r, nowMs, wide))], options.width));
  }
  const notReady = doc.resources.filter((r) => condition(r, 'Ready')?.status !== 'True').length;
  const stalled = doc.resources.filter((r) => condition(r, 'Stalled')?.status === 'True').length;
  lines.push('');
  lines.push(`${doc.resources.length} resource${doc.resources.length === 1 ? '' : 's'}: ${doc.resources.length - notReady} ready, ${notReady} not ready${stalled > 0 ? ` (${stalled} stalled)` : ''}`);
  return `${lines.join('\n')}\n`;
}
