import { createHash } from 'node:crypto';
import { compareCodeUnits } from '../util/order.js';

/** Hex SHA-256 of some bytes. */
export function sha256(content: Uint8Array | string): string {
  return createHash('sha256').update(content).digest('hex');
}

/**
 * The revision of a read: a digest of the sorted (name, version) pairs, plus what could not be read,
 * so an incomplete read never shares a revision with the complete one of the same files.
 */
export function revisionOf(entries: readonly (readonly [string, string])[], unreadable: readonly { path: string; reason: string }[]): string {
  const h = createHash('sha256');
  const sorted = [...entries].sort((a, b) => compareCodeUnits(a[0], b[0]));
  for (const [name, version] of sorted) h.update(`F\0${name}\0${version}\n`);
  const missing = unreadable.map((u) => u.path).sort();
  for (const p of missing) h.update(`U\0${p}\n`);
  return h.digest('hex').slice(0, 32);
}
