/** The small IAM evaluator the policy test relies on, against the rules of IAM's evaluation logic. */
import { evaluate, type IamRequest } from './iam-eval.js';
import type { PolicyDocument, Statement } from './iam.js';

function policy(...statements: Statement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

const update: IamRequest = { action: 'ecs:UpdateService', resource: 'arn:aws:ecs:us-east-1:1:service/c/s', context: { 'aws:ResourceTag/owner': 'me' } };

test('an action is allowed only by a statement whose action, resource and every condition match', () => {
  const allow = (Condition?: Statement['Condition']): PolicyDocument =>
    policy({ Effect: 'Allow', Action: 'ecs:Update*', Resource: 'arn:aws:ecs:*:1:service/*', ...(Condition ? { Condition } : {}) });
  expect(evaluate(allow(), update).allowed).toBe(true);
  expect(evaluate(allow({ StringEquals: { 'aws:ResourceTag/owner': 'me' } }), update).allowed).toBe(true);
  expect(evaluate(allow({ StringEquals: { 'aws:ResourceTag/owner': ['you', 'me'] } }), update).allowed).toBe(true);
  expect(evaluate(allow({ StringEquals: { 'aws:ResourceTag/owner': 'you' } }), update).allowed).toBe(false);
  // Every key and operator must hold.
  expect(evaluate(allow({ StringEquals: { 'aws:ResourceTag/owner': 'me', 'aws:ResourceTag/team': 'a' } }), update).allowed).toBe(false);
  expect(evaluate(policy({ Effect: 'Allow', Action: 'ecs:DeleteService', Resource: '*' }), update).allowed).toBe(false);
  expect(evaluate(policy({ Effect: 'Allow', Action: 'ecs:UpdateService', Resource: 'arn:aws:ecs:*:2:service/*' }), update).allowed).toBe(false);
});

test('condition keys are case-insensitive; a key absent from the request fails positive operators and passes negated ones', () => {
  const st = (Condition: Statement['Condition']): PolicyDocument => policy({ Effect: 'Allow', Action: '*', Resource: '*', Condition });
  expect(evaluate(st({ StringEquals: { 'AWS:RESOURCETAG/OWNER': 'me' } }), update).allowed).toBe(true);
  expect(evaluate(st({ StringEquals: { 'aws:RequestTag/owner': 'me' } }), update).allowed).toBe(false);
  expect(evaluate(st({ StringNotEquals: { 'aws:RequestTag/owner': 'me' } }), update).allowed).toBe(true);
  expect(evaluate(st({ Null: { 'aws:RequestTag/owner': 'true' } }), update).allowed).toBe(true);
  expect(evaluate(st({ Null: { 'aws:ResourceTag/owner': 'true' } }), update).allowed).toBe(false);
  expect(evaluate(st({ StringLike: { 'aws:ResourceTag/owner': 'm?' } }), update).allowed).toBe(true);
});

test('set operators: ForAllValues holds for every request value (and for none), ForAnyValue needs one', () => {
  const tagging = (keys: string[]): IamRequest => ({ action: 'servicediscovery:TagResource', resource: '*', context: { 'aws:TagKeys': keys } });
  const notOurs = policy({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { 'ForAllValues:StringNotLike': { 'aws:TagKeys': ['switchboard.dev/*'] } } });
  expect(evaluate(notOurs, tagging(['team', 'owner'])).allowed).toBe(true);
  expect(evaluate(notOurs, tagging(['team', 'switchboard.dev/managed-by'])).allowed).toBe(false);
  expect(evaluate(notOurs, { action: 'x:Y', resource: '*', context: {} }).allowed).toBe(true);
  const anyOurs = policy({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': ['switchboard.dev/*'] } } });
  expect(evaluate(anyOurs, tagging(['team', 'switchboard.dev/managed-by'])).allowed).toBe(true);
  expect(evaluate(anyOurs, tagging(['team'])).allowed).toBe(false);
});

test('an explicit Deny wins over any Allow', () => {
  const p = policy({ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: 'ecs:UpdateService', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/owner': 'me' } } });
  expect(evaluate(p, update)).toMatchObject({ allowed: false });
  expect(evaluate(p, { ...update, context: { 'aws:ResourceTag/owner': 'you' } }).allowed).toBe(true);
});
