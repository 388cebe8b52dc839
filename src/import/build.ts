/**
 * Live state -> the manifests a careful person would write for it: read-only fields and the
 * defaults AWS fills in removed by the same normalisers the planner compares with, namespaces by
 * name, tags as a map without AWS's or the controller's own, fields the controller does not
 * reconcile left out (and named in a comment), and everything that has no faithful manifest
 * listed as a warning. Pure.
 */
import { API_VERSION, resourceKey, type Kind } from '../manifests/model.js';
import { asJson, isJsonObject, pruneEmpty } from '../reconcile/canonical.js';
import { familyOf, familyRevision } from '../util/arn.js';
import { compareCodeUnits } from '../util/order.js';
import { looksSecret } from '../reconcile/diff.js';
import {
  canonicalServiceConnect,
  liveServiceMember,
  namespaceIndex,
  serviceConnectWithoutDefaults,
  serviceFieldsWithoutDefaults,
  type NamespaceIndex,
} from '../reconcile/normalize-service.js';
import { taskDefinitionWithoutDefaults } from '../reconcile/normalize-task-definition.js';
import { ANNOTATION_ADOPT, isReservedTagKey, ownershipOf, TAG_MANAGED_BY } from '../reconcile/ownership.js';
import type { JsonObject, JsonValue, LiveCluster, LiveNamespace, LiveService, LiveTaskDefinition, TagMap } from '../reconcile/ports.js';
import { CLUSTER_FIELDS, isStated, SERVICE_FIELDS } from './coverage.js';
import { runsForeignTaskDefinition, type LiveFleet } from './read.js';

/** A field left out of a manifest, with the live value its comment shows. */
export interface LeftOutField {
  path: string;
  value: JsonValue;
  reason: string;
}

/** One manifest document `import` writes. */
export interface ImportedDocument {
  kind: Kind;
  name: string;
  /** `Kind/name`. */
  key: string;
  /** apiVersion, kind, metadata, spec. */
  manifest: JsonObject;
  leftOut: LeftOutField[];
}

/** A file of the output, its path relative to the output folder (`/`-separated). */
export interface ImportedFile {
  path: string;
  documents: ImportedDocument[];
}

export interface ImportedManifests {
  files: ImportedFile[];
  /** Everything that has no faithful manifest, was skipped, or deserves a look; never secret values. */
  warnings: string[];
}

export interface BuildOptions {
  /** This controller's id: resources it owns are exported as they are. */
  controllerId: string;
  /** Annotate resources no controller owns with `switchboard.dev/adopt: "true"`. */
  adopt: boolean;
}

/** The file a service's manifests go to. */
export function serviceFilePath(service: string): string {
  return `services/${service}.yaml`;
}

export const NAMESPACES_FILE = 'namespaces.yaml';
export const CLUSTERS_FILE = 'clusters.yaml';

interface Context {
  options: BuildOptions;
  index: NamespaceIndex;
  warnings: string[];
}

/** Tags as a manifest states them: AWS's own (`aws:`) and the controller's (`switchboard.dev/`) left out. */
function userTags(tags: TagMap): TagMap | undefined {
  const keys = Object.keys(tags)
    .filter((k) => !isReservedTagKey(k))
    .sort(compareCodeUnits);
  return keys.length === 0 ? undefined : Object.fromEntries(keys.map((k) => [k, tags[k] ?? '']));
}

/**
 * Whether a resource may be imported: another controller's is skipped (with a warning, since
 * switchboard never changes what another owner made).
 */
function ownedByAnother(ctx: Context, key: string, tags: TagMap, what: string): boolean {
  if (ownershipOf(tags, ctx.options.controllerId) !== 'other-controller') return false;
  ctx.warnings.push(`${key}: skipped: ${what} is managed by controller "${tags[TAG_MANAGED_BY] ?? ''}"`);
  return true;
}

function document(ctx: Context, kind: Kind, name: string, tags: TagMap, spec: JsonObject, leftOut: LeftOutField[] = []): ImportedDocument {
  const metadata: JsonObject = { name };
  if (ctx.options.adopt && ownershipOf(tags, ctx.options.controllerId) === 'unmanaged') metadata.annotations = { [ANNOTATION_ADOPT]: 'true' };
  const stated = userTags(tags);
  const fullSpec: JsonObject = stated ? { ...spec, tags: stated } : spec;
  return { kind, name, key: resourceKey(kind, name), manifest: { apiVersion: API_VERSION, kind, metadata, spec: fullSpec }, leftOut };
}

function leftOutIfSet(path: string, value: JsonValue | undefined, reason: string): LeftOutField[] {
  const pruned = value === undefined ? undefined : pruneEmpty(value);
  return pruned === undefined ? [] : [{ path, value: pruned, reason }];
}

function primaryOf(service: LiveService): LiveService['deployments'][number] | undefined {
  return service.deployments.find((d) => d.status === 'PRIMARY');
}


function namespaceDocument(ctx: Context, ns: LiveNamespace, tags: TagMap): ImportedDocument | undefined {
  const key = resourceKey('Namespace', ns.name);
  if (ownedByAnother(ctx, key, tags, `namespace ${ns.name}`)) return undefined;
  if (ns.type === 'DNS_PRIVATE') {
    // Cloud Map does not return a private DNS namespace's VPC: its properties hold the Route 53
    // hosted zone id and SOA only (https://docs.aws.amazon.com/cloud-map/latest/api/API_DnsProperties.html),
    // and a Namespace manifest of that type must state it.
    ctx.warnings.push(`${key}: not imported: the VPC of a DNS_PRIVATE namespace cannot be read from Cloud Map; the services refer to it by name. Add a Namespace manifest with spec.vpc to manage it`);
    return undefined;
  }
  if (ns.type !== 'HTTP') {
    ctx.warnings.push(`${key}: not imported: namespaces of type ${ns.type} have no manifest kind; the services refer to it by name`);
    return undefined;
  }
  const spec: JsonObject = { type: ns.type };
  if (ns.description !== undefined && ns.description !== '') spec.description = ns.description;
  return document(ctx, 'Namespace', ns.name, tags, spec);
}

function clusterDocument(ctx: Context, cluster: LiveCluster): ImportedDocument | undefined {
  const key = resourceKey('Cluster', cluster.name);
  if (ownedByAnother(ctx, key, cluster.tags, `cluster ${cluster.name}`)) return undefined;
  const spec: JsonObject = {};
  // containerInsights is `disabled` unless set on the cluster or the account:
  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ClusterSetting.html
  const settings = cluster.settings.filter((s) => !(s.name === 'containerInsights' && s.value === 'disabled'));
  if (settings.length > 0) spec.settings = asJson(settings);
  if (cluster.serviceConnectNamespace !== undefined) {
    spec.serviceConnectDefaults = { namespace: ctx.index.nameOf(cluster.serviceConnectNamespace) ?? cluster.serviceConnectNamespace };
  }
  const leftOut: LeftOutField[] = [];
  for (const [field, how] of Object.entries(CLUSTER_FIELDS)) {
    const value = cluster.raw?.[field];
    // Empty lists are what AWS returns for none: nothing to state.
    const pruned = value === undefined ? undefined : pruneEmpty(value);
    if (pruned === undefined) continue;
    if (isStated(how)) spec[field] = pruned;
    else leftOut.push({ path: field, value: pruned, reason: how.reason ?? 'not reconciled' });
  }
  return document(ctx, 'Cluster', cluster.name, cluster.tags, spec, leftOut);
}

function taskDefinitionDocument(ctx: Context, td: LiveTaskDefinition): ImportedDocument {
  const spec = taskDefinitionWithoutDefaults(td.definition);
  delete spec.family;
  const doc = document(ctx, 'TaskDefinition', td.family, td.tags, spec);
  for (const c of Array.isArray(spec.containerDefinitions) ? spec.containerDefinitions : []) {
    if (!isJsonObject(c) || !Array.isArray(c.environment)) continue;
    const names = c.environment.flatMap((e) => (isJsonObject(e) && typeof e.name === 'string' && looksSecret(e.name) ? [e.name] : []));
    if (names.length > 0) {
      ctx.warnings.push(
        `${doc.key}: container ${String(c.name)} sets ${names.join(', ')} as plain environment values; they are written as AWS holds them: consider \`secrets\` with \`valueFrom\` (Secrets Manager or SSM Parameter Store)`,
      );
    }
  }
  return doc;
}

/**
 * How a service names its task definition: the TaskDefinition manifest of its family when it runs
 * the family's newest ACTIVE revision (what a TaskDefinition manifest is compared with), else
 * `family:revision` or the ARN, as it runs now.
 */
function taskDefinitionReference(ctx: Context, fleet: LiveFleet, service: LiveService, key: string): { ref: string; td?: LiveTaskDefinition } {
  const current = familyRevision(service.taskDefinition);
  if (runsForeignTaskDefinition(service)) {
    ctx.warnings.push(`${key}: runs ${service.taskDefinition} of another account; the service names it by ARN and no TaskDefinition is imported for it`);
    return { ref: service.taskDefinition };
  }
  const td = fleet.taskDefinitions.get(service.taskDefinition);
  const family = familyOf(service.taskDefinition);
  const latest = fleet.latestRevisions.get(family);
  if (td === undefined || latest !== service.taskDefinition) {
    const newest = latest ? `the newest ACTIVE revision is ${familyRevision(latest)}` : 'the family has no ACTIVE revision';
    ctx.warnings.push(
      `${key}: runs ${current} but ${newest}; a TaskDefinition manifest is compared with its family's newest ACTIVE revision, so this service names ${current} explicitly`,
    );
    return { ref: current };
  }
  if (ownershipOf(td.tags, ctx.options.controllerId) === 'other-controller') {
    ctx.warnings.push(`${key}: its task definition family ${family} is managed by controller "${td.tags[TAG_MANAGED_BY] ?? ''}"; the service names ${current} and no TaskDefinition is imported for it`);
    return { ref: current };
  }
  return { ref: family, td };
}

function serviceSpec(ctx: Context, service: LiveService, taskDefinition: string, defaultNamespace: string | undefined): { spec: JsonObject; leftOut: LeftOutField[] } {
  const fields: JsonObject = {};
  const leftOut: LeftOutField[] = [];
  for (const [field, how] of Object.entries(SERVICE_FIELDS)) {
    const value = liveServiceMember(service, how.liveName ?? field);
    if (value === undefined) continue;
    if (isStated(how)) fields[field] = value;
    else leftOut.push(...leftOutIfSet(field, value, how.reason ?? 'not reconciled'));
  }
  const stated = serviceFieldsWithoutDefaults(fields);
  // A daemon runs one task per instance: its desired count is AWS's to keep.
  if (stated.schedulingStrategy === 'DAEMON') delete stated.desiredCount;
  const spec: JsonObject = { cluster: service.cluster, taskDefinition, ...stated };
  const liveSc = primaryOf(service)?.serviceConnectConfiguration;
  const sc = serviceConnectWithoutDefaults(liveSc, ctx.index, defaultNamespace);
  if (sc !== undefined && liveSc !== undefined) {
    // Members the comparison does not keep are not reconciled: left out, named in a comment.
    const compared = canonicalServiceConnect(liveSc, ctx.index, defaultNamespace);
    for (const member of Object.keys(sc)) {
      if (member === 'enabled' || member === 'namespace' || member === 'services' || compared[member] !== undefined) continue;
      leftOut.push(...leftOutIfSet(`serviceConnectConfiguration.${member}`, sc[member], 'not reconciled'));
      delete sc[member];
    }
    spec.serviceConnectConfiguration = sc;
  }
  return { spec, leftOut };
}

/** Builds the manifests for a live fleet. */
export function buildManifests(fleet: LiveFleet, options: BuildOptions): ImportedManifests {
  const ctx: Context = { options, index: namespaceIndex(fleet.namespaces), warnings: [] };
  const clusterDocs = fleet.clusters.flatMap((c) => clusterDocument(ctx, c) ?? []);
  const usedNamespaces = new Set<string>();
  for (const c of fleet.clusters) {
    if (c.serviceConnectNamespace !== undefined && clusterDocs.some((d) => d.name === c.name)) usedNamespaces.add(c.serviceConnectNamespace);
  }

  const serviceFiles: ImportedFile[] = [];
  const importedFamilies = new Set<string>();
  const names = new Map<string, string>();
  for (const service of fleet.services) {
    const key = resourceKey('Service', service.name);
    if (ownedByAnother(ctx, key, service.tags, `service ${service.name} in cluster ${service.cluster}`)) continue;
    const taken = names.get(service.name);
    if (taken !== undefined) {
      ctx.warnings.push(`${key}: skipped in cluster ${service.cluster}: a Service manifest is named after its service, and ${key} is already imported from cluster ${taken}`);
      continue;
    }
    if (service.taskDefinition === '') {
      ctx.warnings.push(`${key}: skipped: it runs task sets (deployment controller ${JSON.stringify(service.raw.deploymentController ?? null)}), which have no manifest`);
      continue;
    }
    names.set(service.name, service.cluster);
    const { ref, td } = taskDefinitionReference(ctx, fleet, service, key);
    const documents: ImportedDocument[] = [];
    if (td !== undefined && !importedFamilies.has(td.family)) {
      importedFamilies.add(td.family);
      documents.push(taskDefinitionDocument(ctx, td));
    }
    const cluster = fleet.clusters.find((c) => c.name === service.cluster);
    const { spec, leftOut } = serviceSpec(ctx, service, ref, cluster?.serviceConnectNamespace);
    const ns = primaryOf(service)?.serviceConnectConfiguration;
    if (ns?.enabled === true && typeof ns.namespace === 'string') usedNamespaces.add(ns.namespace);
    documents.push(document(ctx, 'Service', service.name, service.tags, spec, leftOut));
    serviceFiles.push({ path: serviceFilePath(service.name), documents });
  }

  const namespaceDocs: ImportedDocument[] = [];
  for (const ns of fleet.namespaces) {
    if (!usedNamespaces.has(ns.arn) && !usedNamespaces.has(ns.name)) continue;
    const doc = namespaceDocument(ctx, ns, fleet.namespaceTags.get(ns.arn) ?? {});
    if (doc) namespaceDocs.push(doc);
  }
  namespaceDocs.sort((a, b) => compareCodeUnits(a.name, b.name));

  const files: ImportedFile[] = [];
  if (namespaceDocs.length > 0) files.push({ path: NAMESPACES_FILE, documents: namespaceDocs });
  if (clusterDocs.length > 0) files.push({ path: CLUSTERS_FILE, documents: clusterDocs });
  files.push(...serviceFiles);
  return { files, warnings: ctx.warnings };
}
