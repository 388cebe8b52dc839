/**
 * Ownership tags and annotations: how the controller recognises what it manages. Pure.
 */
import { CONTROLLER_TAG_PREFIX, TAG_MANAGED_BY, TAG_RESOURCE } from '../manifests/controller-tags.js';
import type { TagMap } from './ports.js';

// The tag keys live with the manifest model, whose validation reserves them and counts them
// against AWS's 50-tag limit.
export { TAG_MANAGED_BY, TAG_RESOURCE, TAG_SPEC_HASH, TAG_TASK_DEFINITION } from '../manifests/controller-tags.js';

/** Annotation: `"true"` lets the controller take over an existing resource of the same name. */
export const ANNOTATION_ADOPT = 'switchboard.dev/adopt';
/** Annotation on a service: `"true"` redeploys it when a new Service Connect endpoint appears in its namespace. */
export const ANNOTATION_REDEPLOY = 'switchboard.dev/redeploy-on-new-endpoints';
/** Annotation: retention in days for the CloudWatch log groups this resource's log configurations name. */
export const ANNOTATION_LOG_RETENTION = 'switchboard.dev/log-retention-days';

export const DEFAULT_CONTROLLER_ID = 'switchboard';

/** Whether a manifest asks to take over an existing resource nobody manages. */
export function asksToAdopt(r: { metadata: { annotations?: Record<string, string> } }): boolean {
  return r.metadata.annotations?.[ANNOTATION_ADOPT] === 'true';
}

/** The tags every resource the controller creates carries. */
export function ownershipTags(controllerId: string, key: string): TagMap {
  return { [TAG_MANAGED_BY]: controllerId, [TAG_RESOURCE]: key };
}

export type Ownership = 'ours' | 'other-controller' | 'unmanaged';

/** Who manages a resource, judged from its tags. */
export function ownershipOf(tags: TagMap, controllerId: string): Ownership {
  const by = tags[TAG_MANAGED_BY];
  if (by === undefined) return 'unmanaged';
  return by === controllerId ? 'ours' : 'other-controller';
}

/** Whether a tag key is ours or AWS's own, so never removed as "not in the manifest". */
export function isReservedTagKey(key: string): boolean {
  return key.startsWith(CONTROLLER_TAG_PREFIX) || key.startsWith('aws:');
}

/**
 * The tag changes that take `live` to `desired`. When the manifest states no tags
 * (`manageAll` false), only the keys of `desired` are managed; otherwise any other
 * non-reserved key is removed.
 */
export function tagChanges(live: TagMap, desired: TagMap, manageAll: boolean): { add: TagMap; remove: string[] } {
  const add: TagMap = {};
  for (const [k, v] of Object.entries(desired)) if (live[k] !== v) add[k] = v;
  const remove = manageAll ? Object.keys(live).filter((k) => !(k in desired) && !isReservedTagKey(k)).sort() : [];
  return { add, remove };
}

/** Parses the service tag `hash@family:revision`. */
export function parseTaskDefinitionTag(value: string | undefined): { hash: string; familyRevision: string } | undefined {
  if (value === undefined) return undefined;
  const at = value.indexOf('@');
  if (at <= 0) return undefined;
  return { hash: value.slice(0, at), familyRevision: value.slice(at + 1) };
}
