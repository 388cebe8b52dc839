/** JSON value types shared by the simulator's state, requests and responses. */
export type Json = null | boolean | number | string | Json[] | JsonObject;

/** A JSON object whose keys may be absent (optional members of AWS shapes). */
export interface JsonObject {
  [key: string]: Json | undefined;
}

/** True when `value` is a plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep copy of a JSON value (state handed out must never alias stored state). */
export function cloneJson<T extends Json | JsonObject>(value: T): T {
  return structuredClone(value);
}

/** Drops keys whose value is `undefined`, so responses serialise exactly like AWS (absent, not null). */
export function compact(obj: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
  return out;
}

/** Stable structural equality of two JSON values, ignoring object key order and undefined members. */
export function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  return canonical(a) === canonical(b);
}

/** A canonical string form of a JSON value (sorted keys), for fingerprints and equality. */
export function canonical(v: Json | undefined): string {
  if (v === undefined) return 'u';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const keys = Object.keys(v)
    .filter((k) => v[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
}
