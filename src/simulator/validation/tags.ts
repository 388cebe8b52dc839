/**
 * Tag limits as ECS and Cloud Map apply them to every tagging call and to tags given at creation:
 * ECS [Tag](https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Tag.html) — at most 50
 * per resource, keys 1–128 and values 0–256 characters of letters, numbers, spaces and
 * `_ . : / = + - @`, no `aws:` prefix on keys or values; Cloud Map
 * [Tag](https://docs.aws.amazon.com/cloud-map/latest/api/API_Tag.html) — keys 1–128, values 0–256,
 * at most 50 per resource (`TooManyTagsException`, [TagResource](https://docs.aws.amazon.com/cloud-map/latest/api/API_TagResource.html)).
 */
import { SimulatorError } from '../errors.js';
import { isJsonObject, type Json } from '../json.js';
import type { TagMap } from '../state.js';

/** Tags one resource may carry. */
export const MAX_TAGS = 50;

const ECS_TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** Throws `errorType` when an ECS tag breaks a limit of its own (the count is checked with the resource's other tags). */
export function checkEcsTag(key: string, value: string, errorType: string): void {
  if (key.length < 1 || key.length > 128) throw new SimulatorError(errorType, 'Tag keys must be between 1 and 128 characters.');
  if (value.length > 256) throw new SimulatorError(errorType, 'Tag values must be at most 256 characters.');
  if (!ECS_TAG_TEXT.test(key) || !ECS_TAG_TEXT.test(value)) {
    throw new SimulatorError(errorType, `Tag '${key}' has characters that are not allowed: use letters, numbers, spaces and _ . : / = + - @.`);
  }
  if (key.toLowerCase().startsWith('aws:') || value.toLowerCase().startsWith('aws:')) throw new SimulatorError(errorType, 'Tag keys and values with the aws: prefix are reserved.');
}

/** Checks ECS `tags` as a request gives them (`[{key, value}]`): each tag, each key once, at most 50. */
export function checkEcsTagList(tags: Json | undefined, errorType: string): void {
  const seen: TagMap = {};
  for (const t of Array.isArray(tags) ? tags.filter(isJsonObject) : []) {
    const key = typeof t.key === 'string' ? t.key : '';
    const value = typeof t.value === 'string' ? t.value : '';
    checkEcsTag(key, value, errorType);
    if (key in seen) throw new SimulatorError(errorType, `Duplicate tag key '${key}'.`);
    seen[key] = value;
  }
  checkTagCount({}, seen, errorType);
}

/** Throws `errorType` when a Cloud Map tag breaks a limit of its own. */
export function checkCloudMapTag(key: string, value: string): void {
  if (key.length < 1 || key.length > 128) throw new SimulatorError('InvalidInput', 'Tag keys must be 1-128 characters.');
  if (value.length > 256) throw new SimulatorError('InvalidInput', 'Tag values must be 0-256 characters.');
  if (key.toLowerCase().startsWith('aws:')) throw new SimulatorError('InvalidInput', 'Tag keys with the aws: prefix are reserved.');
}

/** Throws when `tags` plus `add` would exceed the per-resource limit. */
export function checkTagCount(tags: TagMap, add: TagMap, errorType: string): void {
  const keys = new Set([...Object.keys(tags), ...Object.keys(add)]);
  if (keys.size > MAX_TAGS) {
    throw new SimulatorError(errorType, errorType === 'TooManyTagsException' ? `The list of tags on the resource is over the quota of ${MAX_TAGS}.` : `The number of tags exceeds the limit of ${MAX_TAGS}.`);
  }
}
