/**
 * Planning a task definition: register a new revision only when no ACTIVE revision carries the
 * manifest's content. Pure.
 */
import type { DesiredResourceOf, ResourceKey } from '../manifests/model.js';
import { familyRevision } from '../util/arn.js';
import { registrationTags, userTagsOf, type DesiredTaskDefinition } from './desired.js';
import { diffFields } from './diff.js';
import { canonicalTaskDefinition } from './normalize-task-definition.js';
import { ownershipOf, tagChanges, TAG_SPEC_HASH } from './ownership.js';
import { basePlan, conflicting, ownershipConflict, tagDiff, unreadable, type PlanContext } from './plan-context.js';
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
    const latest = obs.latest;
    // The same definition with other tags (the content hash covers both): the revision is retagged,
    // not registered again; its services keep running it.
    if (latest?.arn === obs.matchingArn && latest.tags[TAG_SPEC_HASH] !== td.hash && ownershipOf(latest.tags, opts.controllerId) === 'ours') {
      const t = tagChanges(latest.tags, registrationTags(td, opts.controllerId), true);
      p.changes.push(...tagDiff(latest.tags, t).filter((c) => c.path !== `tags.${TAG_SPEC_HASH}`));
      p.steps.push({ op: 'tagTaskDefinition', arn: latest.arn, add: t.add, remove: t.remove, hash: td.hash });
      p.outcome = 'update';
      p.reason = `revision ${familyRevision(latest.arn)} has this content with other tags; its tags are updated`;
    }
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

/**
 * A new revision only services that cannot be updated will use is not registered: when every
 * Service running this task definition needs a replace that was not allowed, the registration
 * waits too (a skipped resource makes no writes, and the revision would be dead weight).
 */
export function holdRegistrationsOfRefusedReplaces(plans: Map<ResourceKey, ResourcePlan>, services: readonly DesiredResourceOf<'Service'>[], ctx: PlanContext): void {
  for (const td of ctx.taskDefinitions.values()) {
    const p = plans.get(td.key);
    if (!p?.steps.some((s) => s.op === 'registerTaskDefinition')) continue;
    const users = services.filter((s) => s.spec.taskDefinition === td.resource.name);
    const refused = users.filter((s) => {
      const sp = plans.get(s.key);
      return sp?.outcome === 'replace' && sp.steps.length === 0;
    });
    if (users.length === 0 || refused.length < users.length) continue;
    plans.set(td.key, {
      ...p,
      outcome: 'blocked',
      steps: [],
      reason: `not registered: ${refused.map((s) => s.key).join(', ')} must be recreated to use it (re-run with --allow-replace)`,
      hold: { kind: 'stalled', reason: 'ReplaceRequired' },
    });
  }
}
