/** ajv errors → located, readable problems ("unknown field `portMapping`: did you mean `portMappings`?"). */
import type { ErrorObject } from './schemas.js';
import type { PathSegment, Problem } from './problems.js';
import { formatPath } from './problems.js';
import { closest } from './suggest.js';
import type { ParsedDocument } from './yaml-source.js';

function unescapePointer(seg: string): string {
  return seg.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Turns an ajv instancePath into path segments, using the data to tell array indexes from keys. */
export function pointerToPath(pointer: string, data: unknown): PathSegment[] {
  if (pointer === '') return [];
  const out: PathSegment[] = [];
  let cur: unknown = data;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = unescapePointer(raw);
    if (Array.isArray(cur)) {
      const i = Number(seg);
      out.push(i);
      cur = cur[i];
    } else {
      out.push(seg);
      cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

function schemaProperties(schema: unknown): string[] {
  const props = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return props ? Object.keys(props) : [];
}

function listOf(names: readonly string[], max = 12): string {
  const shown = names.slice(0, max).map((n) => `\`${n}\``).join(', ');
  return names.length > max ? `${shown}, …` : shown;
}

interface Draft {
  code: string;
  path: PathSegment[];
  key?: boolean;
  message: string;
  hint?: string;
}

function translate(e: ErrorObject, data: unknown): Draft {
  const path = pointerToPath(e.instancePath, data);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      const allowed = schemaProperties(e.parentSchema);
      const guess = closest(field, allowed);
      return {
        code: 'unknown-field',
        path: [...path, field],
        key: true,
        message: `unknown field \`${field}\``,
        hint: guess !== undefined ? `did you mean \`${guess}\`?` : `fields allowed here: ${listOf(allowed)}`,
      };
    }
    case 'required': {
      const field = String(params.missingProperty);
      return { code: 'missing-field', path: [...path, field], message: `missing required field \`${field}\``, hint: `add \`${field}\` here` };
    }
    case 'type': {
      const value = e.data;
      const want = String(params.type).replace(',', ' or ');
      const numeric = typeof value === 'string' && /^-?\d+$/.test(value) && want.includes('integer');
      return {
        code: 'wrong-type',
        path,
        message: `must be ${want === 'object' ? 'a mapping' : want === 'array' ? 'a list' : `${/^[aeiou]/.test(want) ? 'an' : 'a'} ${want}`}, found ${describe(value)}`,
        hint: numeric
          ? 'remove the quotes around the number'
          : want === 'string' && value !== null && typeof value !== 'object'
            ? 'quote the value'
            : `write ${want === 'object' ? 'a mapping (key: value lines)' : want === 'array' ? 'a list (- item lines, or [a, b])' : `${/^[aeiou]/.test(want) ? 'an' : 'a'} ${want}`} here`,
      };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const guess = typeof e.data === 'string' ? closest(e.data, allowed) : undefined;
      return {
        code: 'invalid-value',
        path,
        message: `${describe(e.data)} is not one of ${listOf(allowed)}`,
        hint: guess !== undefined ? `did you mean \`${guess}\`?` : `use one of ${listOf(allowed)}`,
      };
    }
    case 'const':
      return { code: 'invalid-value', path, message: `must be \`${String(params.allowedValue)}\`, found ${describe(e.data)}` };
    case 'pattern':
      return {
        code: 'invalid-format',
        path,
        message: `${describe(e.data)} does not match the pattern ${String(params.pattern)}`,
        hint: 'see the field\'s description in the schema (or docs/manifest-reference.md) for the accepted form',
      };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return {
        code: 'out-of-range',
        path,
        message: `${describe(e.data)} ${e.message ?? 'is out of range'}`,
        hint: `use a whole number ${e.keyword.endsWith('inimum') ? 'of at least' : 'of at most'} ${String(params.limit)}`,
      };
    case 'minLength':
    case 'maxLength':
      return { code: 'invalid-length', path, message: `${describe(e.data)} ${e.message ?? 'has the wrong length'}`, hint: `use ${e.keyword === 'minLength' ? 'at least' : 'at most'} ${String(params.limit)} characters` };
    case 'anyOf':
    case 'oneOf': {
      const description = (e.parentSchema as { description?: string } | undefined)?.description;
      return { code: 'invalid-value', path, message: `${describe(e.data)} is not an accepted form`, ...(description ? { hint: description } : {}) };
    }
    default:
      return { code: `schema-${e.keyword}`, path, message: e.message ?? `fails ${e.keyword}` };
  }
}

/** Converts ajv errors for one document into problems, dropping the noise inside a failed `anyOf`. */
export function schemaProblems(errors: readonly ErrorObject[], doc: ParsedDocument, resource: string | undefined): Problem[] {
  const alternatives = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => e.instancePath);
  const kept = errors.filter((e) => {
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf') return true;
    // Errors of the branches of a failed anyOf repeat the one summary we report.
    return !alternatives.some((p) => e.instancePath === p || e.instancePath.startsWith(`${p}/`));
  });
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (const e of kept) {
    const d = translate(e, doc.value);
    const loc = doc.locate(d.path, { key: d.key === true });
    const problem: Problem = {
      severity: 'error',
      code: d.code,
      ...loc,
      ...(resource === undefined ? {} : { resource }),
      path: formatPath(d.path),
      message: d.message,
      ...(d.hint === undefined ? {} : { hint: d.hint }),
    };
    const id = `${problem.line}:${problem.column}:${problem.message}`;
    if (!seen.has(id)) {
      seen.add(id);
      out.push(problem);
    }
  }
  return out;
}
