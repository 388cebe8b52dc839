/** Validation problems: what every check reports, located in a source file. */

/** How bad a problem is: an error makes the snapshot invalid, a warning does not. */
export type Severity = 'error' | 'warning';

/** One problem, located precisely enough that a user fixes it from the text alone. */
export interface Problem {
  severity: Severity;
  /** A stable identifier of the rule that found it, e.g. `unknown-field`. */
  code: string;
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** The resource key (`Service/nginx`) when known. */
  resource?: string;
  /** The field path (`spec.serviceConnectConfiguration.services[0].portName`) when the problem is about a field. */
  path?: string;
  /** What is wrong. */
  message: string;
  /** How to fix it. */
  hint?: string;
  /** The AWS documentation page that states the rule, when the rule is AWS's. */
  reference?: string;
}

/** Orders problems by file, then line, then column, so output is stable. */
export function compareProblems(a: Problem, b: Problem): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column;
}

/** True when any problem is an error. */
export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

/** A path segment: an object key or an array index. */
export type PathSegment = string | number;

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** Renders a path as `spec.containerDefinitions[0].portMappings[1].name`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (IDENT.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}
