/**
 * What a Namespace manifest states that is compared with a live namespace: its description, the
 * SOA TTL of a DNS namespace, and the VPC a DNS namespace was created for. Shared by the observer
 * (which reads tags and creator ids only where these decide something) and the planner. Pure.
 */
import type { DesiredResourceOf, NamespaceSpec } from '../manifests/model.js';
import { asJson, contentHash } from './canonical.js';
import type { LiveNamespace } from './ports.js';

/** Whether the manifest states a description other than the live one. */
export function namespaceDescriptionDiffers(spec: NamespaceSpec, live: LiveNamespace): boolean {
  return spec.description !== undefined && spec.description !== (live.description ?? '');
}

/** The SOA TTL a DNS_PRIVATE manifest states, if any. */
export function statedSoaTtl(spec: NamespaceSpec): number | undefined {
  return spec.type === 'DNS_PRIVATE' ? spec.properties?.dnsProperties.soa.ttl : undefined;
}

/**
 * Whether the stated SOA TTL differs from the live one. Only on evidence: when ListNamespaces
 * returns no TTL (its model makes `Properties` optional), nothing differs.
 */
export function namespaceSoaDiffers(spec: NamespaceSpec, live: LiveNamespace): boolean {
  const ttl = statedSoaTtl(spec);
  return ttl !== undefined && live.soaTtl !== undefined && live.soaTtl !== ttl;
}

/** Whether the VPC a DNS namespace was created for has to be checked (its CreatorRequestId read). */
export function needsCreator(spec: NamespaceSpec, live: LiveNamespace): boolean {
  return spec.type === 'DNS_PRIVATE' && spec.vpc !== undefined && live.type === 'DNS_PRIVATE';
}

/**
 * The CreatorRequestId switchboard creates a namespace with: deterministic, so a retry after a
 * timeout cannot create a second namespace, and it records the VPC, which Cloud Map never returns
 * (https://docs.aws.amazon.com/cloud-map/latest/api/API_NamespaceSummary.html has no VPC).
 */
export function namespaceCreatorRequestId(controllerId: string, name: string, type: string, vpc: string | undefined): string {
  return `switchboard-${contentHash(asJson([controllerId, name, type, vpc ?? '']))}`;
}

/** Whether a namespace was created for the VPC its manifest states. */
export type VpcVerdict = 'same' | 'other' | 'unknown';

/**
 * Whether a DNS namespace was created for the VPC its manifest states, judged from its
 * CreatorRequestId (`creator`, null when it has none): `same` (ours, for this VPC; a retry after a
 * failed creation appends `-<suffix>`), `other` (ours, for another VPC or controller id), or
 * `unknown` (created by someone else: the VPC cannot be read). Undefined when there is nothing to
 * compare: no VPC stated, or the creator not read.
 */
export function vpcVerdict(r: DesiredResourceOf<'Namespace'>, controllerId: string, creator: string | null | undefined): VpcVerdict | undefined {
  if (r.spec.type !== 'DNS_PRIVATE' || r.spec.vpc === undefined || creator === undefined) return undefined;
  if (creator === null || !creator.startsWith('switchboard-')) return 'unknown';
  const expected = namespaceCreatorRequestId(controllerId, r.name, r.spec.type, r.spec.vpc);
  return creator === expected || creator.startsWith(`${expected}-`) ? 'same' : 'other';
}
