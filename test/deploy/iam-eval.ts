/**
 * A small IAM policy evaluator for tests: is one request allowed by an identity-based policy?
 * It covers what the shipped policy uses: Allow/Deny statements, Action and Resource with `*`
 * and `?` wildcards, and the condition operators StringEquals, StringNotEquals, StringLike,
 * StringNotLike, ArnLike, Null and Bool, with the ForAllValues: / ForAnyValue: set qualifiers.
 * Semantics follow the IAM policy evaluation logic
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
 * an explicit Deny wins, then any Allow, else an implicit deny; within a Condition every operator
 * and every key must match (AND), any of a key's values may (OR); a key missing from the request
 * fails every operator except Null, the negated ones and ForAllValues
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html).
 */
import type { PolicyDocument, Statement } from './iam.js';
import { wildcardMatch } from './iam.js';

/** One authorisation request: an action on a resource, with the condition context keys AWS supplies for it. */
export interface IamRequest {
  action: string;
  resource: string;
  /** Condition keys, lower-case key names as IAM compares them case-insensitively; multi-valued keys as arrays. */
  context: Readonly<Record<string, string | readonly string[]>>;
}

/** The decision, with the statements that matched. */
export interface IamDecision {
  allowed: boolean;
  allowedBy: Statement[];
  deniedBy: Statement[];
}

function list<T>(v: T | T[] | undefined): T[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

function contextValue(request: IamRequest, key: string): readonly string[] | undefined {
  const wanted = key.toLowerCase();
  for (const [k, v] of Object.entries(request.context)) {
    if (k.toLowerCase() === wanted) return typeof v === 'string' ? [v] : v;
  }
  return undefined;
}

function matchOne(operator: string, policyValue: string, requestValue: string): boolean {
  switch (operator) {
    case 'StringEquals':
    case 'StringNotEquals':
      return policyValue === requestValue;
    case 'StringEqualsIgnoreCase':
      return policyValue.toLowerCase() === requestValue.toLowerCase();
    case 'StringLike':
    case 'StringNotLike':
      return wildcardMatch(policyValue, requestValue, false);
    case 'ArnLike':
    case 'ArnEquals':
      return wildcardMatch(policyValue, requestValue, false);
    case 'Bool':
      return policyValue.toLowerCase() === requestValue.toLowerCase();
    default:
      throw new Error(`condition operator ${operator} is not supported by this evaluator`);
  }
}

const NEGATED = new Set(['StringNotEquals', 'StringNotLike']);

/** Whether one `operator: {key: values}` entry of a Condition holds for the request. */
export function conditionHolds(rawOperator: string, key: string, values: readonly string[], request: IamRequest): boolean {
  const [qualifier, operator] = rawOperator.includes(':') ? (rawOperator.split(':') as [string, string]) : [undefined, rawOperator];
  const present = contextValue(request, key);
  if (operator === 'Null') {
    const wantAbsent = (values[0] ?? '').toLowerCase() === 'true';
    return wantAbsent === (present === undefined || present.length === 0);
  }
  const negated = NEGATED.has(operator);
  const base = negated ? operator.replace('Not', '') : operator;
  const anyMatches = (v: string): boolean => values.some((p) => matchOne(base, p, v));
  if (qualifier === 'ForAllValues') {
    // Every request value must match (a missing key holds vacuously).
    return (present ?? []).every((v) => (negated ? !anyMatches(v) : anyMatches(v)));
  }
  if (qualifier === 'ForAnyValue') {
    if (present === undefined) return false;
    return present.some((v) => (negated ? !anyMatches(v) : anyMatches(v)));
  }
  if (present === undefined) return negated;
  const matched = present.some((v) => anyMatches(v));
  return negated ? !matched : matched;
}

/** Whether a statement applies to the request: action, resource and every condition. */
export function statementMatches(s: Statement, request: IamRequest): boolean {
  if (!list(s.Action).some((a) => wildcardMatch(a, request.action, true))) return false;
  if (!list(s.Resource).some((r) => wildcardMatch(r, request.resource, false))) return false;
  for (const [operator, keys] of Object.entries(s.Condition ?? {})) {
    for (const [key, values] of Object.entries(keys)) {
      if (!conditionHolds(operator, key, list(values), request)) return false;
    }
  }
  return true;
}

/** Evaluates one request against the policy: an explicit Deny wins, then any Allow, else denied. */
export function evaluate(policy: PolicyDocument, request: IamRequest): IamDecision {
  const matching = policy.Statement.filter((s) => statementMatches(s, request));
  const deniedBy = matching.filter((s) => s.Effect === 'Deny');
  const allowedBy = matching.filter((s) => s.Effect === 'Allow');
  return { allowed: deniedBy.length === 0 && allowedBy.length > 0, allowedBy, deniedBy };
}
