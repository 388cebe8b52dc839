/**
 * Planning a Cloud Map namespace: create it; update its description and, for a DNS namespace, its
 * SOA TTL; refuse a change of type or VPC, which Cloud Map cannot make; its tags. Pure.
 */
import type { DesiredResourceOf } from '../manifests/model.js';
import { asJson, contentHash } from './canonical.js';
import { diffFields } from './diff.js';
import { namespaceCreatorRequestId, namespaceDescriptionDiffers, namespaceSoaDiffers, statedSoaTtl, vpcVerdict } from './namespace-fields.js';
import { ownershipOf, ownershipTags, tagChanges } from './ownership.js';
import { basePlan, conflicting, ownershipConflict, unreadable, type PlanContext } from './plan-context.js';
import { Phase, type ResourcePlan } from './plan-types.js';
import type { LiveNamespace, NamespaceChange } from './ports.js';

/** Plans one Namespace manifest against the namespaces observed. */
export function planNamespace(r: DesiredResourceOf<'Namespace'>, ctx: PlanContext): ResourcePlan {
  const { observed, opts } = ctx;
  const p = basePlan(r, Phase.namespace);
  if (observed.unavailable.namespaces) return unreadable(p, 'Cloud Map namespaces', observed.unavailable.namespaces);
  const live = observed.namespaces.find((n) => n.name === r.name);
  const desiredTags = { ...(r.spec.tags ?? {}), ...ownershipTags(opts.controllerId, r.key) };
  const soaTtl = statedSoaTtl(r.spec);
  if (!live) {
    p.outcome = 'create';
    p.reason = `namespace ${r.name} does not exist`;
    p.changes = diffFields('', undefined, asJson({ type: r.spec.type, vpc: r.spec.vpc, description: r.spec.description, properties: r.spec.properties }));
    p.steps.push({
      op: 'createNamespace',
      name: r.name,
      type: r.spec.type,
      ...(r.spec.vpc !== undefined ? { vpc: r.spec.vpc } : {}),
      ...(r.spec.description !== undefined ? { description: r.spec.description } : {}),
      ...(soaTtl !== undefined ? { soaTtl } : {}),
      tags: desiredTags,
      creatorRequestId: namespaceCreatorRequestId(opts.controllerId, r.name, r.spec.type, r.spec.vpc),
    });
    return p;
  }
  p.notes.push(...notCompared(r, live, ctx));
  const tags = observed.namespaceTags.get(live.arn);
  // Tags are read only when they decide something (see observe): nothing to change here.
  if (tags === undefined) return p;
  const conflict = ownershipConflict(r, tags, opts.controllerId, `namespace ${r.name} (${live.id})`);
  if (conflict) return conflicting(p, conflict);
  const refused = refusedChange(r, live, p, ctx);
  if (refused) return refused;
  // Tags first: a namespace being adopted carries this controller's tag before it is updated, as
  // an IAM policy that lets the controller change only what it owns requires.
  const t = tagChanges(tags, desiredTags, r.spec.tags !== undefined);
  if (Object.keys(t.add).length > 0 || t.remove.length > 0) {
    p.changes.push(...diffFields('tags', asJson(tags), asJson({ ...Object.fromEntries(Object.entries(tags).filter(([k]) => !t.remove.includes(k))), ...t.add })));
    p.steps.push({ op: 'tagCloudMap', arn: live.arn, add: t.add, remove: t.remove });
  }
  const change: NamespaceChange = {};
  if (r.spec.description !== undefined && namespaceDescriptionDiffers(r.spec, live)) {
    p.changes.push(...diffFields('description', live.description ?? '', r.spec.description));
    change.description = r.spec.description;
  }
  if (soaTtl !== undefined && namespaceSoaDiffers(r.spec, live)) {
    p.changes.push(...diffFields('properties.dnsProperties.soa.ttl', live.soaTtl, soaTtl));
    change.soaTtl = soaTtl;
  }
  if (Object.keys(change).length > 0) {
    p.steps.push({
      op: 'updateNamespace',
      id: live.id,
      name: r.name,
      type: r.spec.type,
      ...change,
      updaterRequestId: `switchboard-${contentHash(asJson([live.id, change.description ?? null, change.soaTtl ?? null]))}`,
    });
  }
  if (p.steps.length > 0) {
    p.outcome = 'update';
    p.reason = ownershipOf(tags, opts.controllerId) === 'unmanaged' ? `adopting namespace ${r.name} (${live.id}): ownership tags added` : 'namespace differs from its manifest';
  }
  return p;
}

/**
 * A change Cloud Map cannot make in place, as a blocked plan: another type, or another VPC (no
 * Cloud Map call moves a namespace: https://docs.aws.amazon.com/cloud-map/latest/api/API_UpdatePrivateDnsNamespace.html
 * changes only the description and the SOA record). Cloud Map does not return the VPC: it is
 * judged from the CreatorRequestId the namespace was created with (namespace-fields.ts).
 */
function refusedChange(r: DesiredResourceOf<'Namespace'>, live: LiveNamespace, p: ResourcePlan, ctx: PlanContext): ResourcePlan | undefined {
  const cannot = `delete namespace ${r.name} or use another name`;
  const replaceRequired = { kind: 'stalled', reason: 'ReplaceRequired' } as const;
  if (live.type !== r.spec.type) {
    return { ...p, outcome: 'blocked', reason: `namespace type cannot change in place (${live.type} -> ${r.spec.type}); ${cannot}`, changes: diffFields('type', live.type, r.spec.type), hold: replaceRequired };
  }
  const verdict = vpcVerdict(r, ctx.opts.controllerId, ctx.observed.namespaceCreators.get(live.id));
  switch (verdict) {
    case undefined:
    case 'same':
    case 'unknown':
      return undefined;
    case 'other':
      return {
        ...p,
        outcome: 'blocked',
        reason: `namespace ${r.name} was created for another VPC than ${r.spec.vpc ?? ''} (or by a controller with another id), and a namespace cannot move to another VPC; ${cannot}`,
        changes: diffFields('vpc', '(another VPC)', r.spec.vpc),
        hold: replaceRequired,
      };
    default: {
      const never: never = verdict;
      throw new Error(`unknown verdict ${String(never)}`);
    }
  }
}

/**
 * What the manifest states that cannot be compared with this namespace, said in the plan whether
 * or not anything else is looked at: the VPC of a namespace switchboard did not create, and an SOA
 * TTL Cloud Map did not return.
 */
function notCompared(r: DesiredResourceOf<'Namespace'>, live: LiveNamespace, ctx: PlanContext): string[] {
  const notes: string[] = [];
  if (vpcVerdict(r, ctx.opts.controllerId, ctx.observed.namespaceCreators.get(live.id)) === 'unknown') {
    notes.push(`the VPC of namespace ${r.name} cannot be read (Cloud Map does not return it, and switchboard did not create the namespace): vpc is not compared`);
  }
  if (statedSoaTtl(r.spec) !== undefined && live.type === 'DNS_PRIVATE' && live.soaTtl === undefined) {
    notes.push(`Cloud Map returned no SOA TTL for namespace ${r.name}: properties.dnsProperties.soa.ttl is not compared`);
  }
  return notes;
}
