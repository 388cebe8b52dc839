import { arnOf, type RequestContext } from '../context.js';
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
  fields: { Name: string; Type: NamespaceRecord['Type']; Description?: string; CreatorRequestId?: string; vpc?: string; tags?: TagMap },
): NamespaceRecord {
  const Id = newNamespaceId();
  const Properties =
    fields.Type === 'HTTP'
      ? { DnsProperties: { SOA: {} }, HttpProperties: { HttpName: fields.Name } }
      : { DnsProperties: { HostedZoneId: `Z${randomAlnum(20).toUpperCase()}`, SOA: { TTL: 15 } }, HttpProperties: { HttpName: fields.Name } };
  const rec: NamespaceRecord = {
    Id,
    Arn: arnOf(ctx, 'servicediscovery', `namespace/${Id}`),
    Name: fields.Name,
    Type: fields.Type,
    CreateDate: ctx.now,
    Properties,
    tags: { ...fields.tags },
  };
  if (fields.Description !== undefined) rec.Description = fields.Description;
  if (fields.CreatorRequestId !== undefined) rec.CreatorRequestId = fields.CreatorRequestId;
  return rec;
}

/** The visible namespace named by id, ARN or name, if any. */
export function findNamespace(ctx: RequestContext, ref: string): NamespaceRecord | undefined {
  const all = ctx.state.cloudmap.namespaces;
  if (ref.startsWith('ns-')) return all[ref];
  if (ref.startsWith('arn:')) {
    const id = ref.slice(ref.lastIndexOf('/') + 1);
    const ns = all[id];
    return ns && ns.Arn === ref ? ns : undefined;
  }
  for (const ns of Object.values(all)) if (ns.Name === ref) return ns;
  return undefined;
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
