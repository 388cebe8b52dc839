/**
 * The coverage table as Markdown, for docs/manifest-reference.md: every field path of every kind
 * with its class, where its live value is read and how it is compared, the defaults AWS fills in,
 * and the fields whose change is a replace. Generated between two markers; the rest of the page is
 * written by hand. Pure.
 */
import { KINDS, type Kind } from '../model.js';
import type { SchemaObject } from '../schemas.js';
import { fieldPaths } from './paths.js';
import { LIVE_SOURCES, ruleFor, type FieldRule } from './table.js';

export const REFERENCE_BEGIN = '<!-- coverage table: generated from src/manifests/coverage/table.ts by `npm run docs`; do not edit by hand -->';
export const REFERENCE_END = '<!-- end of coverage table -->';

/** The Markdown order of the kinds: as a reader meets them. */
const ORDER: readonly Kind[] = ['Namespace', 'Cluster', 'TaskDefinition', 'Service'];

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function liveCell(rule: FieldRule): string {
  if (rule.live === undefined) return '';
  const source = LIVE_SOURCES[rule.live];
  const member = rule.liveName === undefined ? '' : ` (\`${rule.liveName}\`)`;
  return `[${source.label}](${source.url})${member}`;
}

interface Row {
  path: string;
  /** The path whose rule covers this one, when it is not its own. */
  coveredBy?: string;
  rule: FieldRule;
}

function rowsOf(schema: SchemaObject, kind: Kind): Row[] {
  return fieldPaths(schema, kind).map(({ path }) => {
    const found = ruleFor(kind, path);
    if (found === undefined) throw new Error(`${kind} field ${path} has no coverage rule`);
    return found.path === path ? { path, rule: found.rule } : { path, coveredBy: found.path, rule: found.rule };
  });
}

function kindTable(rows: readonly Row[]): string[] {
  const lines = ['| field | class | live value | how |', '|---|---|---|---|'];
  for (const r of rows) {
    const how = r.coveredBy === undefined ? cell(r.rule.how) : `as \`${r.coveredBy}\``;
    const live = r.coveredBy === undefined ? liveCell(r.rule) : '';
    lines.push(`| \`${r.path}\` | ${r.rule.class} | ${live} | ${how} |`);
  }
  return lines;
}

/** The generated section (between the markers, markers included). */
export function renderCoverageReference(schema: SchemaObject): string {
  if (ORDER.length !== KINDS.length) throw new Error('a kind is missing from the reference order');
  const rows = new Map(ORDER.map((k) => [k, rowsOf(schema, k)] as const));
  const out: string[] = [REFERENCE_BEGIN, ''];
  out.push('### Fields that force a replace or are refused when changed', '');
  out.push('| kind | field | what a change does |', '|---|---|---|');
  for (const [kind, list] of rows) {
    for (const r of list) if (r.rule.class === 'create-only' && r.coveredBy === undefined) out.push(`| ${kind} | \`${r.path}\` | ${cell(r.rule.how)} |`);
  }
  out.push('', '### Defaults AWS fills in', '');
  out.push('Left out of a manifest, these are filled in by AWS; they never show as a difference.', '');
  out.push('| kind | field | default | source |', '|---|---|---|---|');
  for (const [kind, list] of rows) {
    for (const r of list) {
      const d = r.coveredBy === undefined ? r.rule.default : undefined;
      if (d !== undefined) out.push(`| ${kind} | \`${r.path}\` | ${cell(d.value)} | [API reference](${d.source}) |`);
    }
  }
  for (const [kind, list] of rows) {
    out.push('', `### ${kind}`, '', ...kindTable(list));
  }
  out.push('', REFERENCE_END);
  return out.join('\n');
}

/** The page with its generated section replaced by `section`; throws when the markers are missing. */
export function withCoverageReference(page: string, section: string): string {
  const begin = page.indexOf(REFERENCE_BEGIN);
  const end = page.indexOf(REFERENCE_END);
  if (begin < 0 || end < begin) throw new Error('docs/manifest-reference.md lacks the coverage table markers');
  return `${page.slice(0, begin)}${section}${page.slice(end + REFERENCE_END.length)}`;
}
