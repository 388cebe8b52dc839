/**
 * Planning a task definition: register a new revision only when no ACTIVE revision carries the
 * manifest's content. Pure.
 */
import { familyRevision } from '../util/arn.js';
import { registrationTags, userTagsOf, type DesiredTaskDefinition } from './desired.js';
import { diffFields } from './diff.js';
import { canonicalTaskDefinition } from './normalize-task-definition.js';
import { basePlan, conflicting, ownershipConflict, unreadable, type PlanContext } from './plan-context.js';
import { Phase, type ResourcePlan } from './plan-types.js';

/** Plans one TaskDefinition manifest against what is known of its family. */
export function planTaskDefinition(td: DesiredTaskDefinition, ctx: PlanContext): ResourcePlan {
  const { observed, opts } = ctx;
  const r = td.resource;
  const p = basePlan(r, Phase.taskDefinition);
  const readErr = observed.unavailable.taskDefinitions.get(td.key);
  if (readErr) return unreadable(p, `task definition family ${td.family}`, readErr);
  const obs = observed.taskDefinitions.get(td.key) ?? {};
  if (obs.matchingArn !== undefined) {
    p.reason = `revision ${familyRevision(obs.matchingArn)} has this content`;
    return p;
  }
  if (obs.latest) {
    const conflict = ownershipConflict(r, obs.latest.tags, opts.controllerId, `task definition family ${td.family}`);
    if (conflict) return conflicting(p, conflict);
  }
  const tags = registrationTags(td, opts.controllerId);
  p.steps.push({ op: 'registerTaskDefinition', input: td.input, tags, hash: td.hash });
  if (obs.latest) {
    p.outcome = 'update';
    p.reason = `the newest ACTIVE revision ${familyRevision(obs.latest.arn)} differs; a new revision is registered`;
    p.changes = [...diffFields('', canonicalTaskDefinition(obs.latest.definition), td.canonical), ...diffFields('tags', userTagsOf(obs.latest.tags), td.userTags)];
  } else {
    p.outcome = 'create';
    p.reason = `family ${td.family} has no ACTIVE revision`;
  }
  return p;
}
