/**
 * Canonical JSON: the form in which two values are compared and hashed. Pure.
 */
import { createHash } from 'node:crypto';
import { SPEC_HASH_LENGTH } from '../manifests/controller-tags.js';
import type { JsonObject, JsonValue } from './ports.js';

/** True for a plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Converts any value built from plain data into JSON (undefined dropped, non-finite numbers as null). */
export function asJson(value: unknown): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(asJson);
  if (typeof value === 'object') {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v !== undefined) out[k] = asJson(v);
    return out;
  }
  return null;
}

/** JSON text with object keys sorted, so equal values always print the same. */
export function stableStringify(value: JsonValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify(value[k] as JsonValue)}`).join(',')}}`;
}

/** Deep equality of two JSON values (object key order ignored, array order significant). */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) {
    if (!Object.prototype.hasOwnProperty.call(b, k) || !jsonEqual(a[k], b[k])) return false;
  }
  return true;
}

/** A short content hash (16 hex chars of SHA-256; its length bounds the controller's tag values) of a JSON value's canonical text. */
export function contentHash(value: JsonValue): string {
  return createHash('sha256').update(stableStringify(value)).digest('hex').slice(0, SPEC_HASH_LENGTH);
}

/** Removes empty arrays, empty objects and undefined from a value, recursively. */
export function pruneEmpty(value: JsonValue): JsonValue | undefined {
  if (Array.isArray(value)) {
    const items = value.map(pruneEmpty).filter((v): v is JsonValue => v !== undefined);
    return items.length === 0 ? undefined : items;
  }
  if (isJsonObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      const p = pruneEmpty(v);
      if (p !== undefined) out[k] = p;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return value;
}

/** Sorts an array of objects by a string field (entries without it keep their relative order last). */
export function sortByField(items: JsonValue[], field: string): JsonValue[] {
  return [...items].sort((a, b) => {
    const ka = isJsonObject(a) && typeof a[field] === 'string' ? (a[field] as string) : '\uffff';
    const kb = isJsonObject(b) && typeof b[field] === 'string' ? (b[field] as string) : '\uffff';
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

/** Sorts an array of primitives (strings, numbers) into a canonical order. */
export function sortPrimitives(items: JsonValue[]): JsonValue[] {
  return [...items].sort((a, b) => (stableStringify(a) < stableStringify(b) ? -1 : stableStringify(a) > stableStringify(b) ? 1 : 0));
}
