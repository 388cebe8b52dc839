/**
 * Planning a Cloud Map namespace: create it, update an HTTP namespace's description, its tags.
 * Pure.
 */
import type { DesiredResourceOf } from '../manifests/model.js';
import { asJson, contentHash } from './canonical.js';
import { diffFields } from './diff.js';
import { ownershipTags, tagChanges } from './ownership.js';
import { basePlan, conflicting, ownershipConflict, unreadable, type PlanContext } from './plan-context.js';
import { Phase, type ResourcePlan } from './plan-types.js';

/** Plans one Namespace manifest against the namespaces observed. */
export function planNamespace(r: DesiredResourceOf<'Namespace'>, ctx: PlanContext): ResourcePlan {
  const { observed, opts } = ctx;
  const p = basePlan(r, Phase.namespace);
  if (observed.unavailable.namespaces) return unreadable(p, 'Cloud Map namespaces', observed.unavailable.namespaces);
  const live = observed.namespaces.find((n) => n.name === r.name);
  const desiredTags = { ...(r.spec.tags ?? {}), ...ownershipTags(opts.controllerId, r.key) };
  if (!live) {
    p.outcome = 'create';
    p.reason = `namespace ${r.name} does not exist`;
    p.changes = diffFields('', undefined, asJson({ type: r.spec.type, vpc: r.spec.vpc, description: r.spec.description }));
    p.steps.push({
      op: 'createNamespace',
      name: r.name,
      type: r.spec.type,
      ...(r.spec.vpc !== undefined ? { vpc: r.spec.vpc } : {}),
      ...(r.spec.description !== undefined ? { description: r.spec.description } : {}),
      tags: desiredTags,
      // Deterministic, so a retry after a timeout cannot create a second namespace.
      creatorRequestId: `switchboard-${contentHash(asJson([opts.controllerId, r.name, r.spec.type, r.spec.vpc ?? '']))}`,
    });
    return p;
  }
  const tags = observed.namespaceTags.get(live.arn);
  // Tags are read only when they decide something (see observe): nothing to change here.
  if (tags === undefined) return p;
  const conflict = ownershipConflict(r, tags, opts.controllerId, `namespace ${r.name} (${live.id})`);
  if (conflict) return conflicting(p, conflict);
  if (live.type !== r.spec.type) {
    return {
      ...p,
      outcome: 'blocked',
      reason: `namespace type cannot change in place (${live.type} -> ${r.spec.type}); delete namespace ${r.name} or use another name`,
      changes: diffFields('type', live.type, r.spec.type),
      hold: { kind: 'stalled', reason: 'ReplaceRequired' },
    };
  }
  if (r.spec.description !== undefined && r.spec.description !== (live.description ?? '')) {
    p.changes.push(...diffFields('description', live.description ?? '', r.spec.description));
    if (live.type === 'HTTP') {
      p.steps.push({
        op: 'updateNamespace',
        id: live.id,
        name: r.name,
        description: r.spec.description,
        updaterRequestId: `switchboard-${contentHash(asJson([live.id, r.spec.description]))}`,
      });
    } else {
      p.notes.push('the description of a DNS namespace is not updated by this version');
    }
  }
  const t = tagChanges(tags, desiredTags, r.spec.tags !== undefined);
  if (Object.keys(t.add).length > 0 || t.remove.length > 0) {
    p.changes.push(...diffFields('tags', asJson(tags), asJson({ ...Object.fromEntries(Object.entries(tags).filter(([k]) => !t.remove.includes(k))), ...t.add })));
    p.steps.push({ op: 'tagCloudMap', arn: live.arn, add: t.add, remove: t.remove });
  }
  if (p.steps.length > 0) {
    p.outcome = 'update';
    p.reason = 'namespace differs from its manifest';
  }
  return p;
}
