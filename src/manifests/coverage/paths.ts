/**
 * The field paths each manifest kind accepts, derived from the generated JSON Schemas (which are
 * generated from the AWS SDK model): `serviceConnectConfiguration.services[].tls.kmsKey`. Members
 * of list items are written after `[]`; a map (`options`, `dockerLabels`), a free-form document or
 * a tag set is one path, as are its keys' values.
 */
import type { Kind } from '../model.js';
import type { SchemaObject } from '../schemas.js';

/** One field path and the schema node that describes its value. */
export interface FieldPath {
  path: string;
  /** The value's JSON Schema, `$ref`s resolved one level. */
  schema: SchemaObject;
  /** The path has member paths below it (an object, or a list of objects). */
  parent: boolean;
}

function isObject(v: unknown): v is SchemaObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deref(node: SchemaObject, defs: Record<string, SchemaObject>): { node: SchemaObject; name?: string } {
  const ref = node.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/$defs/')) return { node };
  const name = ref.slice('#/$defs/'.length);
  const def = defs[name];
  if (def === undefined) throw new Error(`schema $ref to a missing definition: ${ref}`);
  // A property may add its own description beside the $ref: the definition decides the shape.
  return { node: def, name };
}

/** The object schema whose members a node's value has (directly, or as list items), if any. */
function membersOf(node: SchemaObject, defs: Record<string, SchemaObject>): { props: Record<string, SchemaObject>; list: boolean; name?: string } | undefined {
  let list = false;
  let { node: n, name } = deref(node, defs);
  if (n.type === 'array' && isObject(n.items)) {
    list = true;
    ({ node: n, name } = deref(n.items, defs));
  }
  if (!isObject(n.properties)) return undefined;
  return { props: n.properties as Record<string, SchemaObject>, list, ...(name === undefined ? {} : { name }) };
}

/** Every field path of a kind's spec, parents before their members, in schema order. */
export function fieldPaths(manifestSchema: SchemaObject, kind: Kind): FieldPath[] {
  const defs = manifestSchema.$defs as Record<string, SchemaObject>;
  const root = defs[`${kind}Spec`];
  if (root === undefined) throw new Error(`schemas/manifest.schema.json has no $defs/${kind}Spec`);
  const out: FieldPath[] = [];
  const visit = (props: Record<string, SchemaObject>, prefix: string, seen: readonly string[]): void => {
    for (const [name, node] of Object.entries(props)) {
      const path = `${prefix}${name}`;
      const members = membersOf(node, defs);
      if (members?.name !== undefined && seen.includes(members.name)) throw new Error(`recursive shape ${members.name} at ${path}`);
      out.push({ path, schema: deref(node, defs).node, parent: members !== undefined });
      if (members) visit(members.props, `${path}${members.list ? '[]' : ''}.`, members.name === undefined ? seen : [...seen, members.name]);
    }
  };
  visit(root.properties as Record<string, SchemaObject>, '', []);
  return out;
}

/**
 * The table path of a concrete path inside a spec (`['services', 0, 'tls']` →
 * `services[].tls`), or undefined past a map key (a map's keys are not field paths).
 */
export function tablePath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) out += typeof s === 'number' ? '[]' : out === '' ? s : `.${s}`;
  return out;
}
