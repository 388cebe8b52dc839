import { invalidParameter, type ServiceKey } from './errors.js';
import { isJsonObject, type Json, type JsonObject } from './json.js';

/**
 * Typed, validating access to one request's JSON input. A wrong type or a missing required member
 * raises the service's own validation error, as AWS does for a malformed request.
 */
export class Input {
  constructor(
    readonly raw: JsonObject,
    readonly service: ServiceKey,
  ) {}

  /** A required non-empty string member. */
  str(key: string): string {
    const v = this.optStr(key);
    if (v === undefined || v === '') throw this.invalid(`${key} must be specified.`);
    return v;
  }

  /** An optional string member. */
  optStr(key: string): string | undefined {
    const v = this.raw[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw this.invalid(`${key} must be a string.`);
    return v;
  }

  /** An optional number member. */
  optNum(key: string): number | undefined {
    const v = this.raw[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw this.invalid(`${key} must be a number.`);
    return v;
  }

  /** An optional boolean member. */
  optBool(key: string): boolean | undefined {
    const v = this.raw[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') throw this.invalid(`${key} must be a boolean.`);
    return v;
  }

  /** An optional object member. */
  optObj(key: string): JsonObject | undefined {
    const v = this.raw[key];
    if (v === undefined || v === null) return undefined;
    if (!isJsonObject(v)) throw this.invalid(`${key} must be an object.`);
    return v;
  }

  /** An optional list member (absent -> undefined). */
  optList(key: string): Json[] | undefined {
    const v = this.raw[key];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) throw this.invalid(`${key} must be a list.`);
    return v;
  }

  /** An optional list of strings. */
  optStrList(key: string): string[] | undefined {
    const list = this.optList(key);
    if (list === undefined) return undefined;
    return list.map((item) => {
      if (typeof item !== 'string') throw this.invalid(`${key} must be a list of strings.`);
      return item;
    });
  }

  /** An optional list of objects. */
  optObjList(key: string): JsonObject[] | undefined {
    const list = this.optList(key);
    if (list === undefined) return undefined;
    return list.map((item) => {
      if (!isJsonObject(item)) throw this.invalid(`${key} must be a list of structures.`);
      return item;
    });
  }

  /** An optional map of string to string (e.g. CloudWatch Logs tags). */
  optStrMap(key: string): Record<string, string> | undefined {
    const o = this.optObj(key);
    if (o === undefined) return undefined;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(o)) {
      if (typeof v !== 'string') throw this.invalid(`${key}.${k} must be a string.`);
      out[k] = v;
    }
    return out;
  }

  /** The service's validation error with `message`. */
  invalid(message: string): Error {
    return invalidParameter(this.service, message);
  }
}

/** Reads a string member of a nested object, or undefined when absent or not a string. */
export function strOf(obj: JsonObject | undefined, key: string): string | undefined {
  const v = obj?.[key];
  return typeof v === 'string' ? v : undefined;
}

/** Reads a number member of a nested object, or undefined when absent or not a number. */
export function numOf(obj: JsonObject | undefined, key: string): number | undefined {
  const v = obj?.[key];
  return typeof v === 'number' ? v : undefined;
}

/** Reads a list of objects from a nested object member, skipping non-objects. */
export function objListOf(obj: JsonObject | undefined, key: string): JsonObject[] {
  const v = obj?.[key];
  return Array.isArray(v) ? v.filter(isJsonObject) : [];
}
