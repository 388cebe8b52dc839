/**
 * The manifest model: what users write (a Kubernetes-style envelope around an AWS-shaped spec)
 * and what the loader hands to the planner (`DesiredResource`, with defaults filled in and tags
 * normalised to a map). The spec field names and shapes are those of the AWS API inputs; the
 * nested ECS shapes are generated from the SDK model (`aws-shapes.generated.ts`).
 *
 * This module is imported by the pure planner: types and tiny pure helpers only, no I/O.
 */
import type {
  ClusterSpecFields,
  ServiceSpecFields,
  TaskDefinitionSpecFields,
} from './aws-shapes.generated.js';

export type * from './aws-shapes.generated.js';

/** The only apiVersion this release understands. */
export const API_VERSION = 'switchboard.dev/v1alpha1';

/** Every manifest kind, in the order the planner creates them (namespaces before the services that use them). */
export const KINDS = ['Namespace', 'Cluster', 'TaskDefinition', 'Service'] as const;

/** A manifest kind. */
export type Kind = (typeof KINDS)[number];

/** True when `value` is one of the manifest kinds. */
export function isKind(value: unknown): value is Kind {
  return typeof value === 'string' && (KINDS as readonly string[]).includes(value);
}

/** Tags in their normalised form: key → value. */
export type Tags = Record<string, string>;

/** An ECS tag as AWS prints it. */
export interface EcsTag {
  key: string;
  value: string;
}

/** A Cloud Map tag as AWS prints it. */
export interface CloudMapTag {
  Key: string;
  Value: string;
}

/** Tags as a user may write them: a map, or either list form AWS prints. */
export type TagsInput = Tags | EcsTag[] | CloudMapTag[];

/** `metadata` of every document. */
export interface Metadata {
  /** The resource name: namespace name, task definition family default, service name, cluster name default. */
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A Cloud Map namespace (CreateHttpNamespace / CreatePrivateDnsNamespace input, camelCase). `metadata.name` is its name. */
export interface NamespaceSpec {
  type: 'HTTP' | 'DNS_PRIVATE';
  /** The VPC id; required for `DNS_PRIVATE`, not allowed for `HTTP`. */
  vpc?: string;
  description?: string;
  /** `DNS_PRIVATE` only: the SOA record's TTL (CreatePrivateDnsNamespace `Properties.DnsProperties.SOA.TTL`). */
  properties?: { dnsProperties: { soa: { ttl: number } } };
  tags?: Tags;
}

/** A task definition (RegisterTaskDefinition input) with `family` filled in from `metadata.name`. */
export interface TaskDefinitionSpec extends Omit<TaskDefinitionSpecFields, 'family'> {
  family: string;
  tags?: Tags;
}

/** A service (CreateService input minus `serviceName`, which is `metadata.name`). */
export interface ServiceSpec extends ServiceSpecFields {
  tags?: Tags;
}

/** A cluster (CreateCluster input subset) with `clusterName` filled in from `metadata.name`. */
export interface ClusterSpec extends Omit<ClusterSpecFields, 'clusterName'> {
  clusterName: string;
  tags?: Tags;
}

/** The spec type of each kind, after loading. */
export interface SpecByKind {
  Namespace: NamespaceSpec;
  TaskDefinition: TaskDefinitionSpec;
  Service: ServiceSpec;
  Cluster: ClusterSpec;
}

/** Where a node sits in a source file (1-based line and column). */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** One loaded, validated document of a given kind. */
export interface DesiredResourceOf<K extends Kind> {
  kind: K;
  /** `metadata.name`. */
  name: string;
  /** `resourceKey(kind, name)`, e.g. `Service/nginx`. */
  key: ResourceKey;
  metadata: Metadata;
  spec: SpecByKind[K];
  /** Where the document starts. */
  source: SourceLocation;
}

/** A loaded, validated document of any kind (discriminated on `kind`). */
export type DesiredResource = { [K in Kind]: DesiredResourceOf<K> }[Kind];

/** Alias kept for readers who think of the loader's output as manifests. */
export type LoadedManifest = DesiredResource;

/** What a resource key names: a manifest kind, or the log groups the controller creates for them. */
export type ResourceKind = Kind | 'LogGroup';

/** The key of a resource, used by the work queue and in every message: `Service/nginx`. */
export type ResourceKey = `${ResourceKind}/${string}`;

/** The key of a resource of `kind` named `name`. */
export function resourceKey(kind: ResourceKind, name: string): ResourceKey {
  return `${kind}/${name}`;
}

/** The kind and name a key stands for, or undefined when the text is not a resource key (say, a tag someone else wrote). */
export function parseResourceKey(text: string): { kind: ResourceKind; name: string } | undefined {
  const slash = text.indexOf('/');
  if (slash <= 0 || slash === text.length - 1) return undefined;
  const kind = text.slice(0, slash);
  if (kind !== 'LogGroup' && !isKind(kind)) return undefined;
  return { kind, name: text.slice(slash + 1) };
}

/** A resource key read from text (a tag, a status document), or undefined when it is not one. */
export function asResourceKey(text: string): ResourceKey | undefined {
  const parsed = parseResourceKey(text);
  return parsed ? resourceKey(parsed.kind, parsed.name) : undefined;
}

/** The written form of a spec, as the JSON Schema accepts it (before defaults and tag normalisation). */
export interface ManifestSpecInputByKind {
  Namespace: Omit<NamespaceSpec, 'tags'> & { tags?: TagsInput };
  TaskDefinition: Omit<TaskDefinitionSpecFields, 'cpu' | 'memory'> & { cpu?: string | number; memory?: string | number; tags?: TagsInput };
  Service: ServiceSpecFields & { tags?: TagsInput };
  Cluster: ClusterSpecFields & { tags?: TagsInput };
}

/** The spec field names of each kind as written; the schema-drift test holds the schemas to these. */
export const SPEC_KEYS = {
  Namespace: ['type', 'vpc', 'description', 'properties', 'tags'],
} as const satisfies { Namespace: readonly (keyof ManifestSpecInputByKind['Namespace'])[] };
