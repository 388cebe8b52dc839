/**
 * The imported manifests, read back the way `validate` and `plan` read them, checked against the
 * live state they were written from: they must validate, and every field they state must compare
 * equal through the same normalisers the planner uses. Anything else is a warning, so a manifest
 * that would change something on the first apply is never written silently. Pure.
 */
import type { SnapshotFile } from '../manifests/load.js';
import type { DesiredResource } from '../manifests/model.js';
import { formatProblem } from '../manifests/report.js';
import { validateSnapshot } from '../manifests/validate.js';
import { asJson, jsonEqual } from '../reconcile/canonical.js';
import { desiredTaskDefinition, frozenSpec } from '../reconcile/desired.js';
import { familyRevision } from '../util/arn.js';
import { canonicalServiceConnect, containsDesired, liveServiceMember, namespaceIndex, type NamespaceIndex } from '../reconcile/normalize-service.js';
import { canonicalTaskDefinition } from '../reconcile/normalize-task-definition.js';
import { isReservedTagKey } from '../reconcile/ownership.js';
import type { TagMap } from '../reconcile/ports.js';
import { SERVICE_FIELDS } from './coverage.js';
import type { LiveFleet } from './read.js';

/** A rendered file of the output, as the loader reads it. */
export interface RenderedFile {
  path: string;
  text: string;
}

// Service spec fields compared apart from SERVICE_FIELDS.
const SERVICE_OWN_FIELDS = new Set(['cluster', 'taskDefinition', 'serviceConnectConfiguration', 'tags']);

function tagsDiffer(stated: TagMap | undefined, live: TagMap): boolean {
  const liveUser = Object.entries(live).filter(([k]) => !isReservedTagKey(k));
  return liveUser.length !== Object.keys(stated ?? {}).length || liveUser.some(([k, v]) => stated?.[k] !== v);
}

/** The fields of one resource whose stated value would not compare equal to live state. */
function differingFields(r: DesiredResource, fleet: LiveFleet, index: NamespaceIndex): string[] {
  const spec = frozenSpec(r);
  switch (r.kind) {
    case 'Namespace': {
      const live = fleet.namespaces.find((n) => n.name === r.name);
      if (!live) return ['(missing)'];
      const out = live.type !== r.spec.type ? ['type'] : [];
      if (r.spec.description !== undefined && r.spec.description !== (live.description ?? '')) out.push('description');
      if (tagsDiffer(r.spec.tags, fleet.namespaceTags.get(live.arn) ?? {})) out.push('tags');
      return out;
    }
    case 'Cluster': {
      const live = fleet.clusters.find((c) => c.name === r.spec.clusterName);
      if (!live) return ['(missing)'];
      const out: string[] = [];
      if (spec.settings !== undefined && !containsDesired(spec.settings, asJson(live.settings), 'settings')) out.push('settings');
      const ns = r.spec.serviceConnectDefaults?.namespace;
      if (ns !== undefined && (index.arnOf(ns) ?? ns) !== (live.serviceConnectNamespace ?? '')) out.push('serviceConnectDefaults');
      if (tagsDiffer(r.spec.tags, live.tags)) out.push('tags');
      return out;
    }
    case 'TaskDefinition': {
      const arn = fleet.latestRevisions.get(r.spec.family);
      const live = arn ? fleet.taskDefinitions.get(arn) : undefined;
      if (!live) return ['(missing)'];
      const out = jsonEqual(desiredTaskDefinition(r).canonical, canonicalTaskDefinition(live.definition)) ? [] : ['(content)'];
      if (tagsDiffer(r.spec.tags, live.tags)) out.push('tags');
      return out;
    }
    case 'Service': {
      const live = fleet.services.find((s) => s.name === r.name && s.cluster === r.spec.cluster);
      if (!live) return ['(missing)'];
      const out: string[] = [];
      for (const [field, want] of Object.entries(spec)) {
        if (SERVICE_OWN_FIELDS.has(field)) continue;
        const how = SERVICE_FIELDS[field];
        if (how === undefined || !containsDesired(want, liveServiceMember(live, how.liveName ?? field), field)) out.push(field);
      }
      const ref = r.spec.taskDefinition ?? '';
      const runs = familyRevision(live.taskDefinition);
      const named = ref.startsWith('arn:') ? ref === live.taskDefinition : ref.includes(':') ? ref === runs : fleet.latestRevisions.get(ref) === live.taskDefinition;
      if (!named) out.push('taskDefinition');
      const defaultNs = fleet.clusters.find((c) => c.name === live.cluster)?.serviceConnectNamespace;
      const primary = live.deployments.find((d) => d.status === 'PRIMARY');
      if (!jsonEqual(canonicalServiceConnect(spec.serviceConnectConfiguration, index, defaultNs), canonicalServiceConnect(primary?.serviceConnectConfiguration, index, defaultNs))) {
        out.push('serviceConnectConfiguration');
      }
      if (tagsDiffer(r.spec.tags, live.tags)) out.push('tags');
      return out;
    }
    default: {
      const never: never = r;
      throw new Error(`unknown kind ${String(never)}`);
    }
  }
}

/** Validates the rendered files and compares what they state with the live fleet; returns warnings. */
export function checkImported(files: readonly RenderedFile[], fleet: LiveFleet): string[] {
  const snapshot: SnapshotFile[] = files.map((f) => ({ path: f.path, content: Buffer.from(f.text, 'utf8') }));
  const result = validateSnapshot(snapshot);
  const warnings = result.problems.filter((p) => p.severity === 'error').map((p) => `the written manifests do not validate: ${formatProblem(p)}`);
  const index = namespaceIndex(fleet.namespaces);
  for (const r of result.resources) {
    const fields = differingFields(r, fleet, index);
    if (fields.length > 0) {
      warnings.push(`${r.key}: the written manifest does not reproduce live ${fields.join(', ')}: plan will show ${fields.length === 1 ? 'it as a change' : 'them as changes'}`);
    }
  }
  return warnings;
}
