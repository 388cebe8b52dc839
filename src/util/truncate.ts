/**
 * Long values cut to a readable size for logs and status: a 200 KB string that changes would
 * otherwise make a 400 KB log line (the awslogs driver splits lines at 16 KB into broken JSON) and
 * status entry. What is kept ends with the full length and a hash, so two long values can still be
 * told apart. Pure.
 */
import { createHash } from 'node:crypto';
import { mapStrings } from './plain-object.js';

/** How long a value shown in logs and status may be, in characters. */
export const MAX_VALUE_CHARS = 1024;

/** `text` itself when short enough, else its start and `… (N characters, sha256 …)`, within `max` characters. */
export function truncateText(text: string, max: number = MAX_VALUE_CHARS): string {
  if (text.length <= max) return text;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 12);
  const tail = `… (${text.length} characters, sha256 ${hash})`;
  let cut = Math.max(0, max - tail.length);
  // Never split a surrogate pair.
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return `${text.slice(0, cut)}${tail}`;
}

/** `value` with every string in it (plain objects and arrays walked) cut by truncateText. */
export function truncateJson<T>(value: T, max: number = MAX_VALUE_CHARS): T {
  return mapStrings(value, (s) => truncateText(s, max));
}
