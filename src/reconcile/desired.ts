/**
 * The desired side, prepared for comparison: canonical forms, content hashes and references
 * resolved between manifests. Pure.
 */
import type { DesiredResource, DesiredResourceOf, ResourceKey } from '../manifests/model.js';
import { asJson, contentHash, isJsonObject, jsonEqual } from './canonical.js';
import { canonicalTaskDefinition, registrationInput } from './normalize-task-definition.js';
import { isReservedTagKey, ownershipTags, TAG_SPEC_HASH } from './ownership.js';
import type { TaskDefinitionRef } from './plan-types.js';
import type { JsonObject, LiveTaskDefinition, TagMap } from './ports.js';
import { lastSegment } from '../util/arn.js';
import { deepFreeze } from '../util/freeze.js';
import { memoizeByObject } from '../util/memo.js';

export interface DesiredTaskDefinition {
  resource: DesiredResourceOf<'TaskDefinition'>;
  key: ResourceKey;
  family: string;
  /** RegisterTaskDefinition input without tags. */
  input: JsonObject;
  canonical: JsonObject;
  userTags: TagMap;
  /** Hash of the canonical definition and its tags: equal hash, nothing to register. */
  hash: string;
}

/*
 * A manifest's resource object stays the same from one pass to the next until its source changes,
 * so what is derived from it alone is computed once per object, not once per pass: at 1,000
 * services this was most of a steady-state pass's own CPU time. The derived values are frozen,
 * as every pass shares them.
 */

/** The spec of a resource as plain JSON, shared between passes and frozen: read it, never change it. */
export const frozenSpec: (resource: DesiredResource) => Readonly<JsonObject> = memoizeByObject((resource: DesiredResource) => {
  const j = asJson(resource.spec);
  return deepFreeze(isJsonObject(j) ? j : {});
});

/** The spec of a resource as plain JSON: a fresh top-level object (its values are shared and frozen). */
export function specJson(resource: DesiredResource): JsonObject {
  return { ...frozenSpec(resource) };
}

/** A TaskDefinition manifest prepared for comparison and registration (computed once per resource object). */
export const desiredTaskDefinition: (resource: DesiredResourceOf<'TaskDefinition'>) => DesiredTaskDefinition = memoizeByObject(
  (resource: DesiredResourceOf<'TaskDefinition'>) => {
    const prepared = prepareTaskDefinition(resource);
    deepFreeze({ ...prepared, resource: undefined });
    return Object.freeze(prepared);
  },
);

function prepareTaskDefinition(resource: DesiredResourceOf<'TaskDefinition'>): DesiredTaskDefinition {
  const spec = specJson(resource);
  const input = registrationInput(spec);
  const canonical = canonicalTaskDefinition(input);
  const userTags: TagMap = { ...(resource.spec.tags ?? {}) };
  return {
    resource,
    key: resource.key,
    family: resource.spec.family,
    input,
    canonical,
    userTags,
    hash: contentHash({ definition: canonical, tags: asJson(userTags) }),
  };
}

/** The tags a revision of `td` is registered with: the manifest's, ownership, and its content hash. */
export function registrationTags(td: DesiredTaskDefinition, controllerId: string): TagMap {
  return { ...td.userTags, ...ownershipTags(controllerId, td.key), [TAG_SPEC_HASH]: td.hash };
}

/** The tags a user set on a resource: without ours and AWS's own. */
export function userTagsOf(tags: TagMap): TagMap {
  return Object.fromEntries(Object.entries(tags).filter(([k]) => !isReservedTagKey(k)));
}

/**
 * Whether a described revision holds `td`'s definition: it carries our content-hash tag, or it has
 * the same normalised definition (registered by hand, or by us just before a crash). Its tags may
 * still differ from the manifest's: a revision's tags can change in place (ECS TagResource takes a
 * task definition ARN), so the planner retags it rather than registering a new revision and
 * redeploying every service that runs it (plan-task-definition.ts).
 */
export function revisionHolds(live: LiveTaskDefinition, td: DesiredTaskDefinition): boolean {
  if (live.tags[TAG_SPEC_HASH] === td.hash) return true;
  return jsonEqual(canonicalTaskDefinition(live.definition), td.canonical);
}

/** The cluster a Service manifest targets (`default` unless it or the command line names one). */
export function serviceCluster(resource: DesiredResourceOf<'Service'>, defaultCluster: string): string {
  const c = resource.spec.cluster;
  if (c === undefined || c === '') return defaultCluster;
  // An ARN names the cluster by its last segment; DescribeServices accepts either.
  return lastSegment(c);
}

/** Resolves a Service's `taskDefinition` to a TaskDefinition manifest, or treats it as external. */
export function taskDefinitionRefOf(
  resource: DesiredResourceOf<'Service'>,
  taskDefinitions: ReadonlyMap<string, DesiredTaskDefinition>,
): TaskDefinitionRef | undefined {
  const ref = resource.spec.taskDefinition;
  if (ref === undefined) return undefined;
  const td = taskDefinitions.get(ref);
  if (td) return { manifest: td.key, hash: td.hash, family: td.family };
  return { external: ref };
}

/** Indexes TaskDefinition manifests by manifest name. */
export function indexTaskDefinitions(resources: readonly DesiredResource[]): Map<string, DesiredTaskDefinition> {
  const out = new Map<string, DesiredTaskDefinition>();
  for (const r of resources) if (r.kind === 'TaskDefinition') out.set(r.name, desiredTaskDefinition(r));
  return out;
}
