/**
 * The tags the controller itself writes on what it creates, described for validation: their keys
 * (reserved to the controller, so a manifest cannot forge ownership) and how many each kind gets,
 * which count against AWS's 50 tags per resource. `reconcile/ownership.ts` writes them.
 */
import type { Kind } from './model.js';

/** Every tag key the controller writes starts with this; manifests may not use it. */
export const CONTROLLER_TAG_PREFIX = 'switchboard.dev/';

/** Which controller manages a resource (`--controller-id`, default `switchboard`). */
export const TAG_MANAGED_BY = `${CONTROLLER_TAG_PREFIX}managed-by`;
/** The manifest key a resource belongs to, e.g. `Service/nginx`. */
export const TAG_RESOURCE = `${CONTROLLER_TAG_PREFIX}resource`;
/** On task definition revisions: the content hash of the normalised definition. */
export const TAG_SPEC_HASH = `${CONTROLLER_TAG_PREFIX}spec-hash`;
/** On services: `<spec-hash>@<family>:<revision>` of the task definition we set, so no describe is needed to know it. */
export const TAG_TASK_DEFINITION = `${CONTROLLER_TAG_PREFIX}task-definition`;

/** Length of the content hash in `TAG_SPEC_HASH` and `TAG_TASK_DEFINITION` values (hex digits). */
export const SPEC_HASH_LENGTH = 16;

/** The most digits a task definition revision has (AWS caps a family at 1,000,000 revisions). */
export const MAX_REVISION_DIGITS = 7;

/**
 * The tag keys the controller adds to a resource of `kind`. A service gets `TAG_TASK_DEFINITION`
 * only when it runs a task definition declared in the manifests.
 */
export function controllerTagKeys(kind: Kind, runsDeclaredTaskDefinition = false): string[] {
  switch (kind) {
    case 'Namespace':
    case 'Cluster':
      return [TAG_MANAGED_BY, TAG_RESOURCE];
    case 'TaskDefinition':
      return [TAG_MANAGED_BY, TAG_RESOURCE, TAG_SPEC_HASH];
    case 'Service':
      return runsDeclaredTaskDefinition ? [TAG_MANAGED_BY, TAG_RESOURCE, TAG_TASK_DEFINITION] : [TAG_MANAGED_BY, TAG_RESOURCE];
    default: {
      const never: never = kind;
      throw new Error(`unhandled kind ${String(never)}`);
    }
  }
}

/** The value of `TAG_RESOURCE` on a resource: its manifest key. */
export function resourceTagValue(kind: Kind, name: string): string {
  return `${kind}/${name}`;
}

/** The longest `TAG_TASK_DEFINITION` value a service running `family` can carry. */
export function longestTaskDefinitionTagValue(family: string): number {
  return SPEC_HASH_LENGTH + 1 + family.length + 1 + MAX_REVISION_DIGITS;
}
