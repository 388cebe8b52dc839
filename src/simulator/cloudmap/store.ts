import { arnOf, type RequestContext } from '../context.js';
import { SimulatorError } from '../errors.js';
import { randomAlnum } from '../ids.js';
import type { CmServiceRecord, NamespaceRecord, TagMap } from '../state.js';

/** The Cloud Map X-Amz-Target prefix. */
export const cloudMapTarget = 'Route53AutoNaming_v20170314';

/** A new namespace id: `ns-` plus 16 lower-case alphanumerics, as Cloud Map issues them. */
export function newNamespaceId(): string {
  return `ns-${randomAlnum(16)}`;
}

/** A new Cloud Map service id (`srv-...`). */
export function newServiceId(): string {
  return `srv-${randomAlnum(16)}`;
}

/** Builds (without storing) a namespace record. */
export function namespaceRecord(
  ctx: RequestContext,
  fields: { Name: string; Type: NamespaceRecord['Type']; Description?: string; CreatorRequestId?: string; vpc?: string; soaTtl?: number; tags?: TagMap; owner?: string },
): NamespaceRecord {
  const owner = fields.owner ?? ctx.accountId;
  const Id = newNamespaceId();
  const Properties =
    fields.Type === 'HTTP'
      ? { DnsProperties: { SOA: {} }, HttpProperties: { HttpName: fields.Name } }
      : { DnsProperties: { HostedZoneId: `Z${randomAlnum(20).toUpperCase()}`, SOA: { TTL: fields.soaTtl ?? 15 } }, HttpProperties: { HttpName: fields.Name } };
  const rec: NamespaceRecord = {
    Id,
    Arn: arnOf({ region: ctx.region, accountId: owner }, 'servicediscovery', `namespace/${Id}`),
    Name: fields.Name,
    Type: fields.Type,
    CreateDate: ctx.now,
    Properties,
    tags: { ...fields.tags },
    ResourceOwner: owner,
  };
  if (fields.Description !== undefined) rec.Description = fields.Description;
  if (fields.CreatorRequestId !== undefined) rec.CreatorRequestId = fields.CreatorRequestId;
  return rec;
}

/** The account that owns a namespace. */
export function ownerOf(ctx: RequestContext, ns: NamespaceRecord): string {
  return ns.ResourceOwner ?? ctx.accountId;
}

/** True when the namespace belongs to this account (not shared in from another one). */
export function isOwn(ctx: RequestContext, ns: NamespaceRecord): boolean {
  return ownerOf(ctx, ns) === ctx.accountId;
}

/**
 * The visible namespace named by id, ARN or name, if any. A name resolves among the account's own
 * namespaces only: a namespace shared in from another account is named by its ARN
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-shared-namespaces.html).
 */
export function findNamespace(ctx: RequestContext, ref: string): NamespaceRecord | undefined {
  const all = ctx.state.cloudmap.namespaces;
  if (ref.startsWith('ns-')) return all[ref];
  if (ref.startsWith('arn:')) {
    const id = ref.slice(ref.lastIndexOf('/') + 1);
    const ns = all[id];
    return ns && ns.Arn === ref ? ns : undefined;
  }
  for (const ns of Object.values(all)) if (ns.Name === ref && isOwn(ctx, ns)) return ns;
  return undefined;
}

/**
 * A namespace shared with this account from `owner`'s, through AWS RAM: it exists already (it was
 * created in the owner's account), ListNamespaces and GetNamespace show it with the owner as
 * `ResourceOwner`, and the account may create services in it, but not change, tag or delete it
 * (https://docs.aws.amazon.com/cloud-map/latest/dg/sharing-namespaces.html,
 * https://docs.aws.amazon.com/cloud-map/latest/dg/sharing-identify.html).
 */
export function addSharedNamespace(ctx: RequestContext, fields: { Name: string; Type: NamespaceRecord['Type']; owner: string; Description?: string; vpc?: string; tags?: TagMap }): NamespaceRecord {
  const ns = namespaceRecord(ctx, fields);
  ctx.state.cloudmap.namespaces[ns.Id] = ns;
  return ns;
}

/**
 * Stops sharing a namespace in: it and the services in it are no longer visible to this account
 * (https://docs.aws.amazon.com/cloud-map/latest/dg/sharing-unshare.html). False when `id` is not a
 * shared-in namespace.
 */
export function unshareNamespace(ctx: RequestContext, id: string): boolean {
  const ns = ctx.state.cloudmap.namespaces[id];
  if (!ns || isOwn(ctx, ns)) return false;
  for (const s of servicesInNamespace(ctx, id)) delete ctx.state.cloudmap.services[s.Id];
  delete ctx.state.cloudmap.namespaces[id];
  return true;
}

/**
 * Refuses a change of a namespace another account owns: the shared permission grants no
 * namespace writes or tagging, and an action no resource-based policy allows is AccessDeniedException.
 */
export function requireOwnNamespace(ctx: RequestContext, ns: NamespaceRecord, action: string): NamespaceRecord {
  if (isOwn(ctx, ns)) return ns;
  throw new SimulatorError(
    'AccessDeniedException',
    `User: arn:aws:iam::${ctx.accountId}:root is not authorized to perform: servicediscovery:${action} on resource: ${ns.Arn} because no resource-based policy allows the servicediscovery:${action} action`,
  );
}

/** The Cloud Map services in a namespace. */
export function servicesInNamespace(ctx: RequestContext, namespaceId: string): CmServiceRecord[] {
  return Object.values(ctx.state.cloudmap.services).filter((s) => s.NamespaceId === namespaceId);
}

/** The Cloud Map service named `name` in a namespace, if any. */
export function findServiceByName(ctx: RequestContext, namespaceId: string, name: string): CmServiceRecord | undefined {
  for (const s of Object.values(ctx.state.cloudmap.services)) if (s.NamespaceId === namespaceId && s.Name === name) return s;
  return undefined;
}

/** Creates and stores a Cloud Map service. */
export function createCmService(
  ctx: RequestContext,
  fields: { Name: string; NamespaceId: string; Type: CmServiceRecord['Type']; Description?: string; CreatorRequestId?: string; tags?: TagMap; ecsServiceArn?: string },
): CmServiceRecord {
  const Id = newServiceId();
  const rec: CmServiceRecord = {
    Id,
    Arn: arnOf(ctx, 'servicediscovery', `service/${Id}`),
    Name: fields.Name,
    NamespaceId: fields.NamespaceId,
    Type: fields.Type,
    CreateDate: ctx.now,
    tags: { ...fields.tags },
  };
  if (fields.Description !== undefined) rec.Description = fields.Description;
  if (fields.CreatorRequestId !== undefined) rec.CreatorRequestId = fields.CreatorRequestId;
  if (fields.ecsServiceArn !== undefined) rec.ecsServiceArn = fields.ecsServiceArn;
  ctx.state.cloudmap.services[Id] = rec;
  return rec;
}
