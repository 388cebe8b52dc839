/**
 * YAML text → documents that remember where every node came from, so any problem (including
 * ajv's, which only know JSON pointers) can be reported at `file:line:column`. Also where hostile
 * input is stopped: alias bombs, deep nesting and prototype-polluting keys.
 */
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, visit } from 'yaml';
import type { Document, Node, ParsedNode } from 'yaml';
import type { LoadLimits } from './decode.js';
import { positionOf } from './decode.js';
import type { SourceLocation } from './model.js';
import type { PathSegment, Problem } from './problems.js';

/** Keys that could reach `Object.prototype` when a document becomes a JavaScript object. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** One YAML document of a file, with its plain value and a way back from a path to the source. */
export interface ParsedDocument {
  file: string;
  /** 0-based index of the document in its file. */
  index: number;
  /** The plain JavaScript value (always a mapping here). */
  value: Record<string, unknown>;
  /** Where the document's content starts. */
  start: SourceLocation;
  /** The location of the node at `path`, or of its deepest existing ancestor. With `key`, the key of the last segment. */
  locate(path: readonly PathSegment[], options?: { key?: boolean }): SourceLocation;
}

/** The documents of one file and the problems found while reading it. */
export interface ParsedFile {
  documents: ParsedDocument[];
  problems: Problem[];
  /** True when the file holds no document at all (only comments or whitespace). */
  empty: boolean;
}

type Located = { range?: [number, number, number] | null };

function rangeStart(node: unknown): number | undefined {
  const range = (node as Located | null)?.range;
  return range ? range[0] : undefined;
}

/** Checks a document's tree before it becomes a JavaScript value: depth, keys. Iterative, so deep input cannot overflow the stack. */
function checkTree(root: Node, limits: LoadLimits, report: (node: unknown, code: string, message: string, hint: string) => void): boolean {
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (isMap(node) || isSeq(node)) {
      if (depth > limits.maxDepth) {
        report(node, 'too-deep', `nesting deeper than ${limits.maxDepth} levels`, 'manifests are never this deep; check the indentation');
        return false;
      }
      for (const item of node.items) {
        if (isPair(item)) {
          const key = item.key;
          if (!isScalar(key)) {
            report(key ?? node, 'complex-key', 'a mapping key must be a plain string', 'write the key as a plain word');
            return false;
          }
          const name = String(key.value);
          if (FORBIDDEN_KEYS.has(name)) {
            report(key, 'forbidden-key', `the key \`${name}\` is not allowed`, 'remove it; manifests never need it');
            return false;
          }
          stack.push([item.value, depth + 1]);
        } else {
          stack.push([item, depth + 1]);
        }
      }
    }
  }
  return true;
}

function childOf(doc: Document.Parsed, node: unknown, seg: PathSegment): { value: unknown; key?: unknown } | undefined {
  const target = isAlias(node) ? node.resolve(doc) : node;
  if (isMap(target)) {
    for (const pair of target.items) {
      if (isScalar(pair.key) && String(pair.key.value) === String(seg)) return { value: pair.value ?? pair.key, key: pair.key };
    }
    return undefined;
  }
  if (isSeq(target) && typeof seg === 'number') {
    const item = target.items[seg];
    return item === undefined ? undefined : { value: item };
  }
  return undefined;
}

/**
 * A linear scan for nesting the parser would choke on (it recurses per level, so a megabyte of `[`
 * takes seconds and overflows the stack): flow brackets outside quotes and comments, and compact
 * `- - -` sequences. Returns the offset where the limit is crossed. The tree check after parsing
 * is the authoritative one; this only keeps pathological input away from the parser.
 */
export function excessiveNesting(text: string, maxDepth: number): number | undefined {
  let flow = 0;
  let quote: string | undefined;
  let lineStart = true;
  let compact = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== undefined) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
      else if (c === '\n') lineStart = true;
      continue;
    }
    if (c === '\n') {
      lineStart = true;
      compact = 0;
      continue;
    }
    if (lineStart && (c === ' ' || c === '\t')) continue;
    if (lineStart && c === '-' && (text[i + 1] === ' ' || text[i + 1] === '\t')) {
      if (++compact > maxDepth) return i;
      i++;
      continue;
    }
    lineStart = false;
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1] ?? ''))) {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end - 1;
    } else if (c === '"' || (c === "'" && flow > 0)) {
      quote = c;
    } else if (c === '[' || c === '{') {
      if (++flow > maxDepth) return i;
    } else if ((c === ']' || c === '}') && flow > 0) {
      flow--;
    }
  }
  return undefined;
}

/** The most YAML errors reported per document; a broken file can produce thousands. */
const MAX_SYNTAX_ERRORS = 10;

/** Parses a file's text into documents; every problem found is located. */
export function parseYaml(file: string, text: string, limits: LoadLimits): ParsedFile {
  const lineCounter = new LineCounter();
  const problems: Problem[] = [];
  const at = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const add = (severity: Problem['severity'], code: string, offset: number, message: string, hint?: string): void => {
    problems.push({ severity, code, ...at(offset), message, ...(hint === undefined ? {} : { hint }) });
  };

  const tooDeep = excessiveNesting(text, limits.maxDepth);
  if (tooDeep !== undefined) {
    // The line counter fills in while parsing, which has not happened: count lines directly.
    problems.push({ severity: 'error', code: 'too-deep', file, ...positionOf(text, tooDeep), message: `nesting deeper than ${limits.maxDepth} levels`, hint: 'manifests are never this deep; check the brackets and indentation' });
    return { documents: [], problems, empty: false };
  }
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false }) as Document.Parsed[];
  } catch (err) {
    // The parser recurses on flow collections; absurd nesting overflows the stack.
    add('error', 'too-deep', 0, `could not parse: ${err instanceof RangeError ? 'nesting too deep' : String(err)}`, 'check the file is a YAML manifest');
    return { documents: [], problems, empty: false };
  }

  const documents: ParsedDocument[] = [];
  let sawContent = false;
  docs.forEach((doc, index) => {
    if (doc.errors.length > 0) {
      sawContent = true;
      for (const e of doc.errors.slice(0, MAX_SYNTAX_ERRORS)) {
        const duplicate = e.code === 'DUPLICATE_KEY';
        add(
          'error',
          duplicate ? 'duplicate-key' : 'yaml-syntax',
          e.pos[0],
          duplicate ? 'duplicate key: a mapping key may appear only once' : `YAML syntax error: ${e.message.split('\n')[0] ?? e.message}`,
          duplicate ? 'remove or merge the repeated key' : 'fix the YAML syntax at this position',
        );
      }
      return;
    }
    for (const w of doc.warnings) add('warning', 'yaml-warning', w.pos[0], w.message.split('\n')[0] ?? w.message);
    const contents = doc.contents as ParsedNode | null;
    // An empty document (`---` followed by nothing or by comments only) parses as an empty plain scalar.
    if (contents === null || (isScalar(contents) && contents.value === null && contents.source === '')) return;
    sawContent = true;
    const start = rangeStart(contents) ?? 0;
    if (!isMap(contents)) {
      const found = isSeq(contents) ? 'a list' : isAlias(contents) ? 'an alias' : 'a scalar';
      add('error', 'not-a-mapping', start, `a manifest document must be a mapping (apiVersion, kind, metadata, spec), found ${found}`, 'start the document with `apiVersion: switchboard.dev/v1alpha1`');
      return;
    }
    const treeOk = checkTree(contents, limits, (node, code, message, hint) => add('error', code, rangeStart(node) ?? start, message, hint));
    if (!treeOk) return;
    // An alias must follow its anchor; report the alias itself, not the document.
    let unresolved = false;
    visit(doc, {
      Alias(_key, node) {
        if (node.resolve(doc) !== undefined) return undefined;
        unresolved = true;
        add('error', 'unknown-anchor', rangeStart(node) ?? start, `alias \`*${node.source}\` refers to no anchor`, `define \`&${node.source}\` on a value above this line, or write the value here`);
        return undefined;
      },
    });
    if (unresolved) return;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
    } catch (err) {
      if (err instanceof ReferenceError || err instanceof RangeError) {
        add('error', 'alias-bomb', start, `too many alias expansions (limit ${limits.maxAliasCount})`, 'YAML anchors and aliases may be used only a few times per document');
        return;
      }
      throw err;
    }
    const locate = (path: readonly PathSegment[], options?: { key?: boolean }): SourceLocation => {
      let node: unknown = contents;
      let lastKey: unknown;
      for (const seg of path) {
        const next = childOf(doc, node, seg);
        if (next === undefined) return at(rangeStart(node) ?? start);
        node = next.value;
        lastKey = next.key;
      }
      return at(rangeStart(options?.key && lastKey !== undefined ? lastKey : node) ?? start);
    };
    documents.push({ file, index, value: value as Record<string, unknown>, start: at(start), locate });
  });
  return { documents, problems, empty: !sawContent };
}
