/**
 * Field-level differences (path, old, new) for plans and logs, with secret-looking values masked.
 * Pure.
 */
import { isJsonObject, jsonEqual } from './canonical.js';
import type { JsonValue } from './ports.js';

export interface FieldChange {
  /** A readable path: `containerDefinitions[nginx].image`, `environment[DB_PASSWORD]`. */
  path: string;
  old?: JsonValue;
  new?: JsonValue;
}

const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|KEY|CREDENTIAL|PRIVATE)/i;
export const MASK = '***';

/** Whether an environment variable name looks like it holds a secret. */
export function looksSecret(name: string): boolean {
  return SECRET_NAME.test(name);
}

// Array elements are matched by the first of these fields that every element carries.
const IDENTITY_FIELDS = ['name', 'portName', 'containerName', 'containerPath', 'namespace', 'type'];

function identityField(a: JsonValue[], b: JsonValue[]): string | undefined {
  const all = [...a, ...b];
  if (all.length === 0) return undefined;
  return IDENTITY_FIELDS.find((f) => all.every((e) => isJsonObject(e) && typeof e[f] === 'string'));
}

/** Masks `value` of {name, value} pairs whose name looks secret, anywhere in the value. */
export function maskSecrets(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (isJsonObject(value)) {
    const out: Record<string, JsonValue> = {};
    const secretPair = typeof value.name === 'string' && looksSecret(value.name) && 'value' in value;
    for (const [k, v] of Object.entries(value)) out[k] = secretPair && k === 'value' ? MASK : maskSecrets(v);
    return out;
  }
  return value;
}

function walk(path: string, oldV: JsonValue | undefined, newV: JsonValue | undefined, out: FieldChange[], secret: boolean): void {
  if (jsonEqual(oldV, newV)) return;
  if (isJsonObject(oldV) && isJsonObject(newV)) {
    const pairIsSecret = typeof newV.name === 'string' && looksSecret(newV.name);
    for (const k of new Set([...Object.keys(oldV), ...Object.keys(newV)])) {
      walk(path ? `${path}.${k}` : k, oldV[k], newV[k], out, secret || (pairIsSecret && k === 'value'));
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
  if (oldV !== undefined) change.old = secret ? MASK : maskSecrets(oldV);
  if (newV !== undefined) change.new = secret ? MASK : maskSecrets(newV);
  out.push(change);
}

/** The field-level differences from `oldValue` to `newValue`, prefixed with `path`, secrets masked. */
export function diffFields(path: string, oldValue: JsonValue | undefined, newValue: JsonValue | undefined): FieldChange[] {
  const out: FieldChange[] = [];
  walk(path, oldValue, newValue, out, false);
  return out;
}
