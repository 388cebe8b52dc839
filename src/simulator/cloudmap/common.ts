import type { Input } from '../input.js';
import type { Json } from '../json.js';
import type { TagMap } from '../state.js';
import { checkCloudMapTag } from '../validation/tags.js';

/** Cloud Map tags on the wire: `[{Key, Value}]`. */
export function renderCmTags(tags: TagMap): Json[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** Reads Cloud Map `Tags`, applying the per-tag limits (validation/tags.ts). */
export function readCmTags(input: Input, key = 'Tags'): TagMap {
  const out: TagMap = {};
  for (const t of input.optObjList(key) ?? []) {
    const k = typeof t.Key === 'string' ? t.Key : '';
    checkCloudMapTag(k, typeof t.Value === 'string' ? t.Value : '');
    out[k] = typeof t.Value === 'string' ? t.Value : '';
  }
  return out;
}

/** A Cloud Map list filter: `{Name, Values, Condition}` (EQ by default, IN, BEGINS_WITH). */
export interface CmFilter {
  name: string;
  values: string[];
  condition: string;
}

/** Reads `Filters`. */
export function readFilters(input: Input): CmFilter[] {
  return (input.optObjList('Filters') ?? []).map((f) => {
    const values = Array.isArray(f.Values) ? f.Values.filter((v): v is string => typeof v === 'string') : [];
    if (typeof f.Name !== 'string' || values.length === 0) throw input.invalid('Each filter needs a Name and Values.');
    return { name: f.Name, values, condition: typeof f.Condition === 'string' ? f.Condition : 'EQ' };
  });
}

/** True when `value` satisfies a filter's condition. */
export function filterMatches(f: CmFilter, value: string | undefined): boolean {
  if (value === undefined) return false;
  switch (f.condition) {
    case 'BEGINS_WITH':
      return f.values.some((v) => value.startsWith(v));
    case 'IN':
      return f.values.includes(value);
    default:
      return f.values[0] === value;
  }
}

/** `MaxResults`/`NextToken` pagination (default and maximum 100). */
export function cmPaginate<T>(items: readonly T[], input: Input): { page: T[]; NextToken?: string } {
  const max = input.optNum('MaxResults') ?? 100;
  if (max < 1 || max > 100) throw input.invalid('MaxResults must be between 1 and 100.');
  const token = input.optStr('NextToken');
  let start = 0;
  if (token !== undefined) {
    start = Number.parseInt(Buffer.from(token, 'base64url').toString('utf8'), 10);
    if (!Number.isInteger(start) || start < 0) throw input.invalid('Invalid NextToken.');
  }
  const page = items.slice(start, start + max);
  return start + max < items.length ? { page, NextToken: Buffer.from(String(start + max)).toString('base64url') } : { page };
}

