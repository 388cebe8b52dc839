import type { JsonObject, JsonValue, TagMap } from '../reconcile/ports.js';

/** Converts an SDK output value to plain JSON: Dates become ISO strings, undefined is dropped. */
export function toJson(value: unknown): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(toJson);
  if (typeof value === 'object') return fieldsToJson(value as Record<string, unknown>);
  return null;
}

/** The fields of an SDK output object as JSON, without `$metadata` and the fields in `omit`. */
function fieldsToJson(value: Record<string, unknown>, omit?: ReadonlySet<string>): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== undefined && k !== '$metadata' && omit?.has(k) !== true) out[k] = toJson(v);
  }
  return out;
}

/**
 * Converts an SDK output object to a JSON object (empty when it is not an object), leaving out
 * the top-level fields in `omit` (cheaper than converting a copy that sets them undefined).
 */
export function toJsonObject(value: unknown, omit?: ReadonlySet<string>): JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Date) return {};
  return fieldsToJson(value as Record<string, unknown>, omit);
}

/** ECS `[{key, value}]` tags to a map. */
export function ecsTagsToMap(tags: readonly { key?: string; value?: string }[] | undefined): TagMap {
  const out: TagMap = {};
  for (const t of tags ?? []) if (t.key !== undefined) out[t.key] = t.value ?? '';
  return out;
}

/** A tag map to ECS `[{key, value}]` tags, sorted by key for stable requests. */
export function mapToEcsTags(tags: TagMap): { key: string; value: string }[] {
  return Object.keys(tags)
    .sort()
    .map((key) => ({ key, value: tags[key] ?? '' }));
}

/** Cloud Map `[{Key, Value}]` tags to a map. */
export function cloudMapTagsToMap(tags: readonly { Key?: string; Value?: string }[] | undefined): TagMap {
  const out: TagMap = {};
  for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

/** A tag map to Cloud Map `[{Key, Value}]` tags. */
export function mapToCloudMapTags(tags: TagMap): { Key: string; Value: string }[] {
  return Object.keys(tags)
    .sort()
    .map((Key) => ({ Key, Value: tags[Key] ?? '' }));
}
