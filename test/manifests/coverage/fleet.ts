/**
 * Builds the manifests of the generated convergence test: for every reconciled leaf path of a kind,
 * one resource stating a valid value there (phase `a`) and then a changed one (phase `b`). Values
 * come from the schema (an enum's first two members, two booleans, two small numbers, two names)
 * unless the path's samples say otherwise; what a value needs around it (a list item's required
 * members, the Service Connect block a timeout lives in) comes from the contexts.
 */
import { fieldPaths } from '../../../src/manifests/coverage/paths.js';
import { ruleFor } from '../../../src/manifests/coverage/table.js';
import type { Kind } from '../../../src/manifests/model.js';
import type { SchemaObject } from '../../../src/manifests/schemas.js';
import type { JsonObject, JsonValue } from '../../../src/reconcile/ports.js';

/** A value, or one made for the resource that states it (names that must be unique). */
export type Value = JsonValue | ((name: string) => JsonValue);

/** The two values a reconciled path takes, and what else its resource states in both phases. */
export interface Sample {
  a: Value;
  b: Value;
  with?: (name: string) => JsonObject;
}

/** Per kind: what every resource states, what a path's ancestors need, and the samples written by hand. */
export interface KindFixture {
  base: (name: string) => JsonObject;
  /**
   * Members an object at this table path (or a list item, `path[]`) needs, merged under what the
   * sample sets; `leaf` is the path the resource exercises (a context may leave out a member that
   * excludes it).
   */
  contexts: Record<string, (name: string, leaf: string) => JsonObject>;
  samples: Record<string, Sample>;
  /** Paths whose samples are written elsewhere (covered by another resource), with the reason. */
  skip?: Record<string, string>;
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function resolve(v: Value, name: string): JsonValue {
  return typeof v === 'function' ? v(name) : v;
}

function deepMerge(base: JsonObject, over: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    if (isObject(b) && isObject(v)) out[k] = deepMerge(b, v);
    else if (Array.isArray(b) && Array.isArray(v)) out[k] = v.map((item, i) => (isObject(b[i]) && isObject(item) ? deepMerge(b[i], item) : item));
    else out[k] = v;
  }
  return out;
}

/** Two values for a leaf, from its schema alone. */
function schemaValues(schema: SchemaObject, defs: Record<string, SchemaObject>, path: string): [JsonValue, JsonValue] {
  const enumOf = (s: SchemaObject): unknown[] | undefined => {
    if (Array.isArray(s.enum)) return s.enum;
    const ref = typeof s.$ref === 'string' ? defs[s.$ref.slice('#/$defs/'.length)] : undefined;
    return ref && Array.isArray(ref.enum) ? ref.enum : undefined;
  };
  const values = enumOf(schema);
  if (values && values.length >= 2) return [values[0] as JsonValue, values[1] as JsonValue];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'boolean':
      return [true, false];
    case 'integer':
      return [1, 2];
    case 'string':
      return ['value-a', 'value-b'];
    case 'object':
      return [{ key: 'a' }, { key: 'b' }];
    case 'array': {
      const items = isObject(schema.items) ? schema.items : {};
      const [x, y] = schemaValues(items, defs, `${path}[]`);
      return [[x], [y]];
    }
    default:
      throw new Error(`no sample values for ${path}: write them in the fixture`);
  }
}

/** Sets `value` at a table path inside `spec`, creating objects and one-element lists on the way. */
function setAt(spec: JsonObject, path: string, value: JsonValue, contexts: KindFixture['contexts'], name: string): JsonObject {
  const segments = path.split('.');
  const root = deepMerge({}, spec);
  let node: JsonObject = root;
  let walked = '';
  segments.forEach((seg, i) => {
    const list = seg.endsWith('[]');
    const key = list ? seg.slice(0, -2) : seg;
    walked = walked === '' ? key : `${walked}.${key}`;
    if (i === segments.length - 1) {
      node[key] = value;
      return;
    }
    const context = contexts[list ? `${walked}[]` : walked]?.(name, path) ?? {};
    if (list) {
      const items = Array.isArray(node[key]) ? (node[key] as JsonValue[]) : [];
      const first = deepMerge(context, isObject(items[0]) ? items[0] : {});
      node[key] = [first, ...items.slice(1)];
      node = first;
      walked = `${walked}[]`;
    } else {
      const child = deepMerge(context, isObject(node[key]) ? node[key] : {});
      node[key] = child;
      node = child;
    }
  });
  return root;
}

/** One resource of the fleet: its name, the leaf path it exercises, and its spec in each phase. */
export interface FleetMember {
  name: string;
  path: string;
  a: JsonObject;
  b: JsonObject;
}

/** The reconciled leaf paths of a kind (the paths the convergence test must exercise). */
export function reconciledLeaves(schema: SchemaObject, kind: Kind): { path: string; schema: SchemaObject }[] {
  return fieldPaths(schema, kind).filter((p) => !p.parent && ruleFor(kind, p.path)?.rule.class === 'reconciled');
}

/** The fleet of one kind: a resource per reconciled leaf path, named `<prefix>-<n>`. */
export function fleetOf(schema: SchemaObject, kind: Kind, fixture: KindFixture, prefix: string): FleetMember[] {
  const defs = schema.$defs as Record<string, SchemaObject>;
  const leaves = reconciledLeaves(schema, kind).filter((l) => fixture.skip?.[l.path] === undefined);
  return leaves.map((leaf, i) => {
    const name = `${prefix}-${i}`;
    const sample = fixture.samples[leaf.path];
    const [defaultA, defaultB] = sample ? [undefined, undefined] : schemaValues(leaf.schema, defs, leaf.path);
    const a = sample ? resolve(sample.a, name) : (defaultA as JsonValue);
    const b = sample ? resolve(sample.b, name) : (defaultB as JsonValue);
    const start = deepMerge(fixture.base(name), sample?.with?.(name) ?? {});
    return { name, path: leaf.path, a: setAt(start, leaf.path, a, fixture.contexts, name), b: setAt(start, leaf.path, b, fixture.contexts, name) };
  });
}

/** The table path of a plan's change path: `containerDefinitions[app].image` → `containerDefinitions[].image`. */
export function changeTablePath(changePath: string): string {
  return changePath.replace(/\[[^\]]*\]/g, '[]');
}

/** Whether a change at `changed` (a table path) is about `field`: the same path, one above it, or one below it. */
export function isAbout(changed: string, field: string): boolean {
  const under = (a: string, b: string): boolean => a === b || a.startsWith(`${b}.`) || a.startsWith(`${b}[]`);
  return under(changed, field) || under(field, changed);
}
