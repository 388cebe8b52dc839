/**
 * CloudWatch log groups the plan's changes need: the `awslogs` destinations of containers and of
 * the Service Connect proxy. Looked at only for resources that change in this pass, because
 * CloudWatch Logs allows about 5 DescribeLogGroups per second. Pure.
 */
import { resourceKey, type DesiredResource, type ResourceKey } from '../manifests/model.js';
import { isJsonObject } from './canonical.js';
import { specJson } from './desired.js';
import type { ObservedState } from './observed.js';
import { ANNOTATION_ADOPT, ANNOTATION_LOG_RETENTION, ownershipOf, ownershipTags, TAG_MANAGED_BY } from './ownership.js';
import { isChange, Phase, type Plan, type ResourcePlan } from './plan-types.js';
import type { JsonValue } from './ports.js';

export interface NeededLogGroup {
  name: string;
  retentionInDays?: number;
  /** Whether a resource that asks for the retention also asks to adopt what it names. */
  adopt?: boolean;
  /** Keys of the resources whose log configuration names it. */
  requiredBy: ResourceKey[];
}

// Retention values CloudWatch Logs accepts: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
export const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

function awslogsGroup(logConfiguration: JsonValue | undefined, region: string): string | undefined {
  if (!isJsonObject(logConfiguration) || logConfiguration.logDriver !== 'awslogs') return undefined;
  const options = logConfiguration.options;
  if (!isJsonObject(options) || typeof options['awslogs-group'] !== 'string') return undefined;
  const groupRegion = options['awslogs-region'];
  // A group in another Region is not this controller's to create.
  if (typeof groupRegion === 'string' && groupRegion !== region) return undefined;
  return options['awslogs-group'];
}

/** The awslogs groups one resource's log configurations name. */
export function logGroupsOf(r: DesiredResource, region: string): string[] {
  const spec = specJson(r);
  const out: string[] = [];
  if (r.kind === 'TaskDefinition' && Array.isArray(spec.containerDefinitions)) {
    for (const c of spec.containerDefinitions) {
      const g = isJsonObject(c) ? awslogsGroup(c.logConfiguration, region) : undefined;
      if (g !== undefined) out.push(g);
    }
  }
  if (r.kind === 'Service' && isJsonObject(spec.serviceConnectConfiguration) && spec.serviceConnectConfiguration.enabled === true) {
    const g = awslogsGroup(spec.serviceConnectConfiguration.logConfiguration, region);
    if (g !== undefined) out.push(g);
  }
  return [...new Set(out)];
}

/**
 * The log groups needed by resources the plan creates or changes, with their retention annotation;
 * with `all`, those every desired resource needs (the once-per-resync check that none was deleted).
 */
export function neededLogGroups(plan: Plan, desired: readonly DesiredResource[], region: string, all = false): NeededLogGroup[] {
  const changing = new Set(plan.resources.filter((p) => isChange(p) && p.steps.length > 0).map((p) => p.key));
  // A resource whose own state could not be read is left out: its log groups wait for it.
  const blocked = new Set(plan.resources.filter((p) => p.outcome === 'blocked').map((p) => p.key));
  const byName = new Map<string, NeededLogGroup>();
  for (const r of desired) {
    if (all ? blocked.has(r.key) : !changing.has(r.key)) continue;
    const retention = Number(r.metadata.annotations?.[ANNOTATION_LOG_RETENTION]);
    for (const name of logGroupsOf(r, region)) {
      const entry = byName.get(name) ?? { name, requiredBy: [] };
      entry.requiredBy.push(r.key);
      if (Number.isInteger(retention) && RETENTION_DAYS.includes(retention)) {
        entry.retentionInDays = retention;
        if (r.metadata.annotations?.[ANNOTATION_ADOPT] === 'true') entry.adopt = true;
      }
      byName.set(name, entry);
    }
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function retentionText(days: number | undefined): string {
  return days === undefined ? 'never expire' : `${days} days`;
}

/**
 * Adds the log-group work to a plan: create what is missing, set retention where asked. Retention
 * is changed only on a group this controller created (its ownership tag) or adopts (an untagged
 * group whose resource says `switchboard.dev/adopt`): shortening it deletes log data for good, so
 * any other group keeps its retention and the plan says so in a note.
 */
export function withLogGroups(plan: Plan, needed: readonly NeededLogGroup[], observed: ObservedState, controllerId: string): Plan {
  const extra: ResourcePlan[] = [];
  const notes = [...plan.notes];
  // Only a change waits for its log group: an unchanged resource has nothing to hold back.
  const byKey = new Map(plan.resources.filter((p) => isChange(p) && p.steps.length > 0).map((p) => [p.key, p]));
  for (const g of needed) {
    const key = resourceKey('LogGroup', g.name);
    const live = observed.logGroups.get(g.name);
    const p: ResourcePlan = { key, kind: 'LogGroup', name: g.name, outcome: 'unchanged', reason: 'exists', changes: [], steps: [], dependsOn: [], phase: Phase.logGroup, notes: [] };
    const readErr = observed.unavailable.logGroups.get(g.name);
    if (readErr) {
      extra.push({ ...p, outcome: 'blocked', reason: `log group ${g.name} could not be read: ${readErr.message}`, error: readErr });
      for (const k of g.requiredBy) byKey.get(k)?.dependsOn.push(key);
      continue;
    }
    if (!live) {
      p.outcome = 'create';
      p.reason = `log group ${g.name} does not exist; needed by ${g.requiredBy.join(', ')}`;
      p.steps.push({ op: 'createLogGroup', name: g.name, tags: ownershipTags(controllerId, key) });
    }
    if (g.retentionInDays !== undefined && live?.retentionInDays !== g.retentionInDays) {
      const owner = live ? ownershipOf(live.tags ?? {}, controllerId) : 'ours';
      const adopting = live !== null && live !== undefined && owner === 'unmanaged' && g.adopt === true && live.arn !== undefined;
      if (owner === 'ours' || adopting) {
        if (adopting && live?.arn !== undefined) p.steps.push({ op: 'tagLogGroup', name: g.name, arn: live.arn, tags: ownershipTags(controllerId, key) });
        p.changes.push({ path: 'retentionInDays', ...(live?.retentionInDays !== undefined ? { old: live.retentionInDays } : {}), new: g.retentionInDays });
        p.steps.push({ op: 'putRetentionPolicy', name: g.name, days: g.retentionInDays, owner: controllerId });
        if (p.outcome === 'unchanged') {
          p.outcome = 'update';
          p.reason = adopting ? `adopting log group ${g.name} to set the retention ${g.requiredBy.join(', ')} asks for` : 'retention differs from the annotation';
        }
      } else {
        const who = owner === 'other-controller' ? `managed by controller "${live?.tags?.[TAG_MANAGED_BY] ?? ''}"` : `carries no ${TAG_MANAGED_BY} tag; annotate ${g.requiredBy.join(', ')} with switchboard.dev/adopt: "true" to take it over`;
        notes.push(
          `log group ${g.name} is not managed by this controller (${who}): its retention (${retentionText(live?.retentionInDays)}) is left alone, not set to ${retentionText(g.retentionInDays)}`,
        );
      }
    }
    extra.push(p);
    for (const k of g.requiredBy) byKey.get(k)?.dependsOn.push(key);
  }
  const resources = [...plan.resources, ...extra].sort((a, b) => a.phase - b.phase || a.key.localeCompare(b.key));
  return { ...plan, resources, notes };
}
