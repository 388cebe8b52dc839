/**
 * Field-level differences (path, old, new) for plans and logs, with secrets masked (by name and by
 * value: src/util/secrets.ts). Pure.
 */
import { looksSecret, MASK, maskJson } from '../util/secrets.js';
export { looksSecret, MASK } from '../util/secrets.js';
import { isJsonObject, jsonEqual } from './canonical.js';
import type { JsonValue } from './ports.js';

export interface FieldChange {
  /** A readable path: `containerDefinitions[nginx].image`, `environment[DB_PASSWORD]`. */
  path: string;
  old?: JsonValue;
  new?: JsonValue;
}

// Array elements are matched by the first of these fields that every element carries.
const IDENTITY_FIELDS = ['name', 'portName', 'containerName', 'containerPath', 'namespace', 'type'];

function identityField(a: JsonValue[], b: JsonValue[]): string | undefined {
  const all = [...a, ...b];
  if (all.length === 0) return undefined;
  return IDENTITY_FIELDS.find((f) => all.every((e) => isJsonObject(e) && typeof e[f] === 'string'));
}

function walk(path: string, oldV: JsonValue | undefined, newV: JsonValue | undefined, out: FieldChange[], secret: boolean): void {
  if (jsonEqual(oldV, newV)) return;
  if (isJsonObject(oldV) && isJsonObject(newV)) {
    // The value of a {name|key, value} pair whose name looks secret, and a string under a key that
    // does (a Docker label, a log driver option such as FireLens' `apikey`).
    const pairName = typeof newV.name === 'string' ? newV.name : typeof newV.key === 'string' ? newV.key : undefined;
    const pairIsSecret = pairName !== undefined && looksSecret(pairName);
    for (const k of new Set([...Object.keys(oldV), ...Object.keys(newV)])) {
      const secretKey = looksSecret(k) && (typeof oldV[k] === 'string' || typeof newV[k] === 'string');
      walk(path ? `${path}.${k}` : k, oldV[k], newV[k], out, secret || (pairIsSecret && k === 'value') || secretKey);
    }
    return;
  }
  if (Array.isArray(oldV) && Array.isArray(newV)) {
    const id = identityField(oldV, newV);
    if (id !== undefined) {
      const key = (e: JsonValue): string => (isJsonObject(e) ? String(e[id]) : '');
      const oldBy = new Map(oldV.map((e) => [key(e), e]));
      const newBy = new Map(newV.map((e) => [key(e), e]));
      for (const k of new Set([...oldBy.keys(), ...newBy.keys()])) walk(`${path}[${k}]`, oldBy.get(k), newBy.get(k), out, secret);
      return;
    }
  }
  const change: FieldChange = { path };
  if (oldV !== undefined) change.old = secret ? MASK : maskJson(oldV);
  if (newV !== undefined) change.new = secret ? MASK : maskJson(newV);
  out.push(change);
}

/** The field-level differences from `oldValue` to `newValue`, prefixed with `path`, secrets masked. */
export function diffFields(path: string, oldValue: JsonValue | undefined, newValue: JsonValue | undefined): FieldChange[] {
  const out: FieldChange[] = [];
  walk(path, oldValue, newValue, out, false);
  return out;
}
