/** What every cross-document rule gets: the loaded documents, lookups, and a way to report located problems. */
import type { LoadedDocument } from '../load.js';
import type { DesiredResourceOf, Kind } from '../model.js';
import type { PathSegment, Problem, Severity } from '../problems.js';
import { formatPath } from '../problems.js';
import type { AwsRule } from './aws-rules.js';

/** A loaded document of one kind. */
export interface DocOf<K extends Kind> {
  resource: DesiredResourceOf<K>;
  document: LoadedDocument['document'];
}

/** Shared state of one validation run. */
export class RuleContext {
  readonly problems: Problem[] = [];
  private readonly byKey = new Map<string, LoadedDocument>();
  private readonly byKind = new Map<Kind, LoadedDocument[]>();
  private clustersByName: Map<string, DocOf<'Cluster'>> | undefined;

  constructor(readonly documents: readonly LoadedDocument[]) {
    for (const d of documents) if (!this.byKey.has(d.resource.key)) this.byKey.set(d.resource.key, d);
  }

  /** The documents of one kind, in load order. */
  ofKind<K extends Kind>(kind: K): DocOf<K>[] {
    let docs = this.byKind.get(kind);
    if (docs === undefined) {
      docs = this.documents.filter((d) => d.resource.kind === kind);
      this.byKind.set(kind, docs);
    }
    return docs as unknown as DocOf<K>[];
  }

  /**
   * The first Cluster document whose `clusterName` is `clusterName`. Indexed once per run: every
   * service that takes its namespace from its cluster asks, and a scan of every document for each
   * of them made validation quadratic in the number of manifests.
   */
  clusterNamed(clusterName: string): DocOf<'Cluster'> | undefined {
    if (this.clustersByName === undefined) {
      this.clustersByName = new Map();
      for (const c of this.ofKind('Cluster')) if (!this.clustersByName.has(c.resource.spec.clusterName)) this.clustersByName.set(c.resource.spec.clusterName, c);
    }
    return this.clustersByName.get(clusterName);
  }

  /** The first document declaring `kind/name`, if any. */
  find<K extends Kind>(kind: K, name: string): DocOf<K> | undefined {
    return this.byKey.get(`${kind}/${name}`) as DocOf<K> | undefined;
  }

  /** Reports a problem at `path` inside `doc` (at the key of the last segment with `key`). */
  report(doc: Reportable, severity: Severity, code: string, path: readonly PathSegment[], message: string, hint?: string, options?: { key?: boolean; rule?: AwsRule }): void {
    const rule = options?.rule;
    this.problems.push({
      severity,
      code,
      ...doc.document.locate(path, options),
      resource: doc.resource.key,
      path: formatPath(path),
      message: rule === undefined ? message : withRule(message, rule),
      ...(hint === undefined ? {} : { hint }),
      ...(rule === undefined ? {} : { reference: rule.url }),
    });
  }

  /** Reports a value AWS refuses: `what` is wrong, `rule` is AWS's rule (quoted and linked), `hint` how to fix it. */
  violates(doc: Reportable, code: string, path: readonly PathSegment[], rule: AwsRule, what: string, hint: string, options?: { key?: boolean }): void {
    this.report(doc, 'error', code, path, what, hint, { ...options, rule });
  }
}

/** Where a document is, for reporting: its resource key and its parsed source. */
type Reportable = { resource: { key: string }; document: LoadedDocument['document'] };

/** `what`, followed by the AWS rule it breaks in AWS's words (or our summary of it). */
export function withRule(what: string, rule: AwsRule): string {
  return `${what}; AWS: ${rule.paraphrased ? rule.quote : `"${rule.quote}"`}`;
}

/** `file:line` of a document's field, for messages that point at a second place. */
export function where(doc: { document: LoadedDocument['document'] }, path: readonly PathSegment[] = []): string {
  const loc = doc.document.locate(path);
  return `${loc.file}:${loc.line}`;
}

/** `a`, `b`, `c` with backquotes, each name once (a name declared twice is one suggestion), or `(none)`. */
export function quoteList(names: readonly string[]): string {
  return names.length === 0 ? '(none)' : [...new Set(names)].map((n) => `\`${n}\``).join(', ');
}
