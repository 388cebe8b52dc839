/**
 * Renders the controller's pino JSON log lines for people (`switchboard logs`): time, level, then
 * the stable fields `resource`, `action`, `result`, `durationMs`, the message, the remaining
 * fields as `key=value`, and errors by message, code and request id. Lines that are not pino JSON
 * (a crash trace, another program's output) are printed as they are. Control characters are
 * escaped in everything: one event is one line, and nothing in it can drive the terminal.
 */
import { escapeControls } from '../util/terminal.js';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
// Shown in their own place, or noise in a terminal.
const PLACED = new Set(['level', 'time', 'msg', 'resource', 'action', 'result', 'durationMs', 'err', 'pid', 'hostname', 'v']);
const MAX_VALUE = 200;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function levelName(level: unknown): string {
  if (typeof level === 'number') return LEVELS[level] ?? String(level);
  return typeof level === 'string' ? level.toUpperCase() : 'INFO';
}

function timeOf(value: unknown, fallbackMs: number): string {
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return new Date(Number.isFinite(ms) ? ms : fallbackMs).toISOString();
}

function compact(value: unknown): string {
  const text = escapeControls(typeof value === 'string' ? (/^[^\s"=]+$/.test(value) ? value : JSON.stringify(value)) : JSON.stringify(value) ?? String(value));
  return text.length <= MAX_VALUE ? text : `${text.slice(0, MAX_VALUE - 1)}…`;
}

function formatErr(err: unknown): string {
  if (!isRecord(err)) return `err=${compact(err)}`;
  const parts = [`err=${compact(typeof err.message === 'string' ? err.message : err)}`];
  if (typeof err.code === 'string') parts.push(`code=${compact(err.code)}`);
  if (typeof err.requestId === 'string') parts.push(`requestId=${compact(err.requestId)}`);
  return parts.join(' ');
}

/** One log event's message made readable; `timestamp` (epoch ms) stands in when the line has no time. */
export function formatLogLine(message: string, timestamp: number): string {
  const text = message.replace(/\n$/, '');
  let line: unknown;
  try {
    line = text.trimStart().startsWith('{') ? JSON.parse(text) : undefined;
  } catch {
    line = undefined;
  }
  if (!isRecord(line)) return escapeControls(text);
  const parts = [timeOf(line.time, timestamp), levelName(line.level).padEnd(5)];
  for (const field of ['resource', 'action', 'result'] as const) {
    const v = line[field];
    if (typeof v === 'string' && v !== '') parts.push(escapeControls(v));
  }
  if (typeof line.durationMs === 'number') parts.push(`${Math.round(line.durationMs)}ms`);
  if (typeof line.msg === 'string' && line.msg !== '') parts.push(escapeControls(line.msg));
  for (const [k, v] of Object.entries(line)) {
    if (!PLACED.has(k) && v !== undefined) parts.push(`${k}=${compact(v)}`);
  }
  if (line.err !== undefined) parts.push(formatErr(line.err));
  return parts.join(' ');
}
