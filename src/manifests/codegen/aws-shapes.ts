/**
 * Code generator: reads the ECS API input shapes (with their documentation) from the type
 * declarations shipped in `@aws-sdk/client-ecs` and writes
 *   - `src/manifests/aws-shapes.generated.ts` (TypeScript interfaces + key lists), and
 *   - `schemas/*.schema.json` (draft 2020-12, one per kind plus `manifest.schema.json`).
 * Both outputs come from one walk, and `test/manifests/schema-drift.test.ts` re-runs it in memory,
 * so the model types and the schemas cannot drift apart. Run: `npm run build && node dist/manifests/codegen/main.js`.
 *
 * The SDK declarations are read as text (never imported), so `src/` keeps its rule that only
 * `src/aws` depends on the SDK.
 */
import ts from 'typescript';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** A JSON Schema node as written to disk. */
export type JsonSchema = { [key: string]: unknown };

interface ShapeProp {
  name: string;
  required: boolean;
  type: ts.TypeNode;
  doc: string;
}

interface SdkModel {
  interfaces: Map<string, { doc: string; props: ShapeProp[] }>;
  enums: Map<string, string[]>;
  /** Tagged unions (`X = X.AMember | X.$UnknownMember`): exactly one of these members is set. */
  unions: Map<string, { doc: string; props: ShapeProp[] }>;
}

/** Shapes whose fields we rewrite or drop: `tags` use the manifest's tag forms; the rest are controller-owned. */
const OMIT: Record<string, readonly string[]> = {
  RegisterTaskDefinitionRequest: ['tags'],
  CreateServiceRequest: ['serviceName', 'clientToken', 'tags'],
  CreateClusterRequest: ['tags'],
};

/** Manifest-level spec shapes: name in the generated code, SDK input shape, fields made optional. */
export const SPEC_SHAPES = [
  { kind: 'TaskDefinition', name: 'TaskDefinitionSpecFields', sdk: 'RegisterTaskDefinitionRequest', optional: ['family'] },
  { kind: 'Service', name: 'ServiceSpecFields', sdk: 'CreateServiceRequest', optional: [] },
  { kind: 'Cluster', name: 'ClusterSpecFields', sdk: 'CreateClusterRequest', optional: [] },
] as const;

function leadingDoc(text: string, node: ts.Node): string {
  const ranges = ts.getLeadingCommentRanges(text, node.pos) ?? [];
  const last = ranges[ranges.length - 1];
  if (last === undefined) return '';
  return cleanDoc(text.slice(last.pos, last.end));
}

/** Turns an SDK JSDoc block (HTML) into plain text: the first paragraph, capped for editor hovers. */
export function cleanDoc(raw: string): string {
  let s = raw
    .replace(/^\/\*\*|\*\/$/g, '')
    .split('\n')
    .map((l) => l.replace(/^\s*\*\s?/, ''))
    .filter((l) => !l.trim().startsWith('@'))
    .join(' ');
  const firstPara = /<p>([\s\S]*?)<\/p>/.exec(s);
  if (firstPara?.[1] !== undefined) s = firstPara[1];
  s = s
    .replace(/<code>([\s\S]*?)<\/code>/g, '`$1`')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
  if (s.length > 600) {
    const cut = s.lastIndexOf('. ', 600);
    s = cut > 200 ? s.slice(0, cut + 1) : `${s.slice(0, 597)}...`;
  }
  return s;
}

function stripUndefined(t: ts.TypeNode): ts.TypeNode {
  if (ts.isUnionTypeNode(t)) {
    const rest = t.types.filter((m) => m.kind !== ts.SyntaxKind.UndefinedKeyword);
    if (rest.length === 1 && rest[0] !== undefined) return rest[0];
  }
  return t;
}

/** Reads every interface and enum from the SDK model declaration files. */
export function readSdkModel(files: readonly string[]): SdkModel {
  const model: SdkModel = { interfaces: new Map(), enums: new Map(), unions: new Map() };
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    for (const st of sf.statements) {
      if (ts.isInterfaceDeclaration(st)) {
        const props: ShapeProp[] = [];
        for (const m of st.members) {
          if (!ts.isPropertySignature(m) || m.type === undefined) continue;
          props.push({ name: m.name.getText(sf), required: m.questionToken === undefined, type: stripUndefined(m.type), doc: leadingDoc(text, m) });
        }
        model.interfaces.set(st.name.text, { doc: leadingDoc(text, st), props });
      } else if (ts.isModuleDeclaration(st) && st.body !== undefined && ts.isModuleBlock(st.body)) {
        const props: ShapeProp[] = [];
        for (const m of st.body.statements) {
          if (!ts.isInterfaceDeclaration(m) || !m.name.text.endsWith('Member') || m.name.text === '$UnknownMember') continue;
          for (const p of m.members) {
            if (ts.isPropertySignature(p) && p.type !== undefined && p.questionToken === undefined) {
              props.push({ name: p.name.getText(sf), required: true, type: stripUndefined(p.type), doc: leadingDoc(text, m) });
            }
          }
        }
        model.unions.set(st.name.text, { doc: leadingDoc(text, st), props });
      } else if (ts.isVariableStatement(st)) {
        for (const decl of st.declarationList.declarations) {
          if (!ts.isIdentifier(decl.name) || decl.type === undefined || !ts.isTypeLiteralNode(decl.type)) continue;
          const values: string[] = [];
          for (const m of decl.type.members) {
            if (ts.isPropertySignature(m) && m.type && ts.isLiteralTypeNode(m.type) && ts.isStringLiteral(m.type.literal)) values.push(m.type.literal.text);
          }
          model.enums.set(decl.name.text, values);
        }
      }
    }
  }
  return model;
}

export interface Emitted {
  ts: string[];
  defs: Map<string, JsonSchema>;
  /** Every shape name reachable from a root, in first-visit order, with its emitted field names. */
  shapes: Map<string, string[]>;
  /** Fields left out, per SDK shape. */
  omit: Readonly<Record<string, readonly string[]>>;
}

function typeName(t: ts.TypeNode): string | undefined {
  return ts.isTypeReferenceNode(t) && ts.isIdentifier(t.typeName) ? t.typeName.text : undefined;
}

function convert(model: SdkModel, out: Emitted, t: ts.TypeNode): { ts: string; schema: JsonSchema } {
  switch (t.kind) {
    case ts.SyntaxKind.StringKeyword:
      return { ts: 'string', schema: { type: 'string' } };
    case ts.SyntaxKind.NumberKeyword:
      // ECS input numbers are all integers (ports, counts, CPU units, MiB, seconds), and the API's
      // Integer is 32-bit: a larger value only fails at AWS, so the schema says so up front.
      return { ts: 'number', schema: { type: 'integer', minimum: -2147483648, maximum: 2147483647 } };
    case ts.SyntaxKind.BooleanKeyword:
      return { ts: 'boolean', schema: { type: 'boolean' } };
    default:
      break;
  }
  if (ts.isArrayTypeNode(t)) {
    const inner = convert(model, out, t.elementType);
    return { ts: `${inner.ts}[]`, schema: { type: 'array', items: inner.schema } };
  }
  const name = typeName(t);
  // A Smithy document: free-form JSON.
  if (name === '__DocumentType') return { ts: 'unknown', schema: {} };
  if (name === 'Record' && ts.isTypeReferenceNode(t) && t.typeArguments?.length === 2) {
    const v = t.typeArguments[1];
    if (v === undefined) throw new Error('Record without value type');
    const inner = convert(model, out, v);
    return { ts: `Record<string, ${inner.ts}>`, schema: { type: 'object', additionalProperties: inner.schema } };
  }
  if (name !== undefined && model.enums.has(name)) {
    const values = model.enums.get(name) ?? [];
    if (!out.defs.has(name)) {
      out.defs.set(name, { type: 'string', enum: values });
      out.ts.push(`/** ECS enum \`${name}\`. */\nexport type ${name} = ${values.map((v) => JSON.stringify(v)).join(' | ')};\n`);
    }
    return { ts: name, schema: { $ref: `#/$defs/${name}` } };
  }
  const union = name !== undefined ? model.unions.get(name) : undefined;
  if (name !== undefined && union !== undefined) {
    if (!out.defs.has(name)) {
      out.defs.set(name, { type: 'object' }); // placeholder against recursion
      const members = union.props.map((p) => ({ p, c: convert(model, out, p.type) }));
      const def: JsonSchema = union.doc ? { description: union.doc } : {};
      def.type = 'object';
      def.properties = Object.fromEntries(members.map(({ p, c }) => [p.name, p.doc ? { description: p.doc, ...c.schema } : c.schema]));
      def.minProperties = 1;
      def.maxProperties = 1;
      def.additionalProperties = false;
      out.defs.set(name, def);
      out.ts.push(`/** ECS union \`${name}\`: exactly one member is set. */\nexport type ${name} = ${members.map(({ p, c }) => `{ ${p.name}: ${c.ts} }`).join(' | ')};\n`);
    }
    return { ts: name, schema: { $ref: `#/$defs/${name}` } };
  }
  if (name !== undefined && model.interfaces.has(name)) {
    emitShape(model, out, name, name, []);
    return { ts: name, schema: { $ref: `#/$defs/${name}` } };
  }
  throw new Error(`unsupported SDK type: ${t.getText()}`);
}

function emitShape(model: SdkModel, out: Emitted, sdkName: string, outName: string, optional: readonly string[]): void {
  if (out.shapes.has(outName)) return;
  const shape = model.interfaces.get(sdkName);
  if (shape === undefined) throw new Error(`no SDK shape ${sdkName}`);
  const omit = out.omit[sdkName] ?? [];
  const props = shape.props.filter((p) => !omit.includes(p.name));
  out.shapes.set(outName, props.map((p) => p.name));
  const schemaProps: Record<string, JsonSchema> = {};
  const required: string[] = [];
  const lines: string[] = [];
  for (const p of props) {
    const c = convert(model, out, p.type);
    const isRequired = p.required && !optional.includes(p.name);
    if (isRequired) required.push(p.name);
    schemaProps[p.name] = p.doc ? { description: p.doc, ...c.schema } : c.schema;
    const firstSentence = p.doc.split(/(?<=\.)\s/)[0] ?? '';
    lines.push(`${firstSentence ? `  /** ${firstSentence.replace(/\*\//g, '*\\/')} */\n` : ''}  ${p.name}${isRequired ? '' : '?'}: ${c.ts};`);
  }
  const def: JsonSchema = { type: 'object' };
  if (shape.doc) def.description = shape.doc;
  def.properties = schemaProps;
  if (required.length > 0) def.required = required;
  def.additionalProperties = false;
  out.defs.set(outName, def);
  out.ts.push(`/** ${outName === sdkName ? `ECS shape \`${sdkName}\`` : `The \`${sdkName}\` fields a manifest may set`}. */\nexport interface ${outName} {\n${lines.join('\n')}\n}\n`);
}

/** Walks the SDK model from the spec roots; returns the TypeScript source and the JSON Schema $defs. */
export function emitShapes(model: SdkModel): Emitted {
  const out: Emitted = { ts: [], defs: new Map(), shapes: new Map(), omit: OMIT };
  for (const root of SPEC_SHAPES) emitShape(model, out, root.sdk, root.name, root.optional);
  return out;
}

/** Walks the SDK model from whole request shapes (nothing left out); the JSON Schema $defs are in `defs`. */
export function emitRequestShapes(model: SdkModel, roots: readonly string[]): Emitted {
  const out: Emitted = { ts: [], defs: new Map(), shapes: new Map(), omit: {} };
  for (const root of roots) emitShape(model, out, root, root, []);
  return out;
}

/** The SDK model files inside an installed AWS SDK client (`client-ecs`, `client-servicediscovery`, ...). */
export function sdkModelFiles(root: string, client = 'client-ecs'): string[] {
  const dir = path.join(root, 'node_modules', '@aws-sdk', client, 'dist-types', 'models');
  const models = readdirSync(dir).filter((f) => /^models_\d+\.d\.ts$/.test(f)).sort();
  return ['enums.d.ts', ...models].map((f) => path.join(dir, f)).filter((f) => existsSync(f));
}

/** Renders `aws-shapes.generated.ts`: interfaces, enum unions and, per shape, the exact list of its keys. */
export function renderTypes(out: Emitted): string {
  const keyLists = [...out.shapes.entries()].map(
    ([name, keys]) =>
      `  ${name}: [${keys.map((k) => JSON.stringify(k)).join(', ')}] as const satisfies readonly (keyof ${name})[],`,
  );
  const exhaustive = [...out.shapes.keys()].map((name) => `  ${name}: AssertExact<${name}, (typeof SHAPE_KEYS)['${name}'][number]>;`);
  return [
    '// Generated by src/manifests/codegen/aws-shapes.ts from the @aws-sdk/client-ecs model. Do not edit by hand.',
    '',
    ...out.ts,
    '/** The field names of every generated shape; the schema-drift test compares them with `schemas/`. */',
    'export const SHAPE_KEYS = {',
    ...keyLists,
    '} as const;',
    '',
    '/** `true` only when the key list names every field of the shape. */',
    'type AssertExact<T, K extends keyof T> = [Exclude<keyof T, K>] extends [never] ? true : false;',
    '/** Fails to compile if a key list misses a field of its shape. */',
    'export type ShapeKeysAreExhaustive = {',
    ...exhaustive,
    '};',
    'const _exhaustive: ShapeKeysAreExhaustive = {',
    ...[...out.shapes.keys()].map((n) => `  ${n}: true,`),
    '};',
    'void _exhaustive;',
    '',
  ].join('\n');
}
