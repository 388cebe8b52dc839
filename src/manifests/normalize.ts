/** Schema-valid documents → `DesiredResource`s: defaults filled in, tags as a map, numbers the API wants as strings made strings. */
import type { DesiredResource, Kind, Metadata, Tags, TagsInput } from './model.js';
import { resourceKey } from './model.js';
import type { SourceLocation } from './model.js';

/** Converts any accepted tag form (map, `[{key, value}]`, `[{Key, Value}]`) to a map. */
export function normalizeTags(tags: TagsInput): Tags {
  const out: Tags = {};
  if (Array.isArray(tags)) {
    for (const t of tags) {
      if ('key' in t) out[t.key] = t.value;
      else out[t.Key] = t.Value;
    }
  } else {
    for (const [k, v] of Object.entries(tags)) out[k] = String(v);
  }
  return out;
}

/** Builds the resource of a schema-valid document; the caller guarantees the shape. */
export function toDesiredResource(kind: Kind, metadata: Metadata, rawSpec: Record<string, unknown>, source: SourceLocation): DesiredResource {
  const spec: Record<string, unknown> = { ...rawSpec };
  if (spec.tags !== undefined) spec.tags = normalizeTags(spec.tags as TagsInput);
  const name = metadata.name;
  switch (kind) {
    case 'TaskDefinition':
      spec.family = spec.family ?? name;
      if (typeof spec.cpu === 'number') spec.cpu = String(spec.cpu);
      if (typeof spec.memory === 'number') spec.memory = String(spec.memory);
      break;
    case 'Cluster':
      spec.clusterName = spec.clusterName ?? name;
      break;
    case 'Namespace':
    case 'Service':
      break;
    default: {
      const never: never = kind;
      throw new Error(`unhandled kind ${String(never)}`);
    }
  }
  // The spec was validated against the kind's schema just before; this is the one trusted cast.
  return { kind, name, key: resourceKey(kind, name), metadata, spec, source } as DesiredResource;
}
