/**
 * The coverage contract in `validate`: a field the controller sets at creation and never compares
 * is a warning naming it, a field it does not support is an error. Both come from the one table
 * (coverage/table.ts).
 */
import type { Kind } from '../model.js';
import { COVERAGE, type CoverageTable, type FieldRule } from '../coverage/table.js';
import type { PathSegment } from '../problems.js';
import type { RuleContext } from './context.js';

/** Per kind: the table paths `validate` reports, and every path above one (the only ones worth walking into). */
interface Reported {
  rules: Map<string, FieldRule>;
  ancestors: Set<string>;
}

function reportedPaths(table: CoverageTable): Reported {
  const rules = new Map<string, FieldRule>();
  const ancestors = new Set<string>();
  for (const [path, rule] of Object.entries(table)) {
    if (rule.class !== 'unreconciled' && rule.class !== 'refused') continue;
    rules.set(path, rule);
    for (let i = 0; i < path.length; i++) if (path[i] === '.' || path[i] === '[') ancestors.add(path.slice(0, i));
  }
  return { rules, ancestors };
}

// Computed once per table (the tables are constants; tests may pass their own).
const reportedByTable = new WeakMap<CoverageTable, Reported>();

function reportedFor(table: CoverageTable): Reported {
  let r = reportedByTable.get(table);
  if (r === undefined) {
    r = reportedPaths(table);
    reportedByTable.set(table, r);
  }
  return r;
}

/** Reports every stated field whose class is unreconciled (warning) or refused (error), at the field. */
export function checkCoverage(ctx: RuleContext, tables: Readonly<Record<Kind, CoverageTable>> = COVERAGE): void {
  for (const doc of ctx.documents) {
    const kind = doc.resource.kind;
    const reported = reportedFor(tables[kind]);
    if (reported.rules.size === 0) continue;
    const walk = (value: unknown, tablePath: string, at: readonly PathSegment[]): void => {
      if (Array.isArray(value)) {
        value.forEach((item, i) => walk(item, `${tablePath}[]`, [...at, i]));
        return;
      }
      if (typeof value !== 'object' || value === null) return;
      for (const [key, member] of Object.entries(value)) {
        const path = tablePath === '' ? key : `${tablePath}.${key}`;
        const rule = reported.rules.get(path);
        const location = [...at, key];
        if (rule?.class === 'unreconciled') {
          ctx.report(doc, 'warning', 'field-unreconciled', location, `\`${path}\` is set when the ${kind.toLowerCase()} is created and never compared afterwards: ${rule.how}`, 'leave it out, or recreate the resource to change it', { key: true });
        } else if (rule?.class === 'refused') {
          ctx.report(doc, 'error', 'field-not-supported', location, `\`${path}\` is not supported yet: ${rule.how}`, 'remove the field', { key: true });
        } else if (reported.ancestors.has(path)) {
          walk(member, path, location);
        }
      }
    };
    walk(doc.document.value.spec, '', ['spec']);
  }
}
