import { epochSeconds, type OperationDef, type RequestContext } from '../context.js';
import { SimulatorError } from '../errors.js';
import type { Input } from '../input.js';
import { compact, type JsonObject } from '../json.js';
import type { CmServiceRecord, TagMap } from '../state.js';
import { cmPaginate, filterMatches, readCmTags, readFilters, renderCmTags } from './common.js';
import { createCmService, findServiceByName, ownerOf, requireOwnNamespace } from './store.js';

/** A Cloud Map service as GetService returns it (summary form omits NamespaceId/CreatorRequestId). */
function renderCmService(ctx: RequestContext, s: CmServiceRecord, full: boolean): JsonObject {
  const ns = ctx.state.cloudmap.namespaces[s.NamespaceId];
  return compact({
    Id: s.Id,
    Arn: s.Arn,
    Name: s.Name,
    NamespaceId: full ? s.NamespaceId : undefined,
    Type: s.Type,
    Description: s.Description,
    InstanceCount: 0,
    DnsConfig: s.DnsConfig,
    HealthCheckCustomConfig: s.HealthCheckCustomConfig,
    CreateDate: epochSeconds(s.CreateDate),
    CreatorRequestId: full ? s.CreatorRequestId : undefined,
    // The namespace's owner, and the account that created the service (the Service and
    // ServiceSummary shapes; https://docs.aws.amazon.com/cloud-map/latest/dg/sharing-identify.html).
    ResourceOwner: ns ? ownerOf(ctx, ns) : ctx.accountId,
    CreatedByAccount: ctx.accountId,
  });
}

function requireCmService(ctx: RequestContext, input: Input): CmServiceRecord {
  const id = input.str('Id');
  const s = ctx.state.cloudmap.services[id.startsWith('arn:') ? id.slice(id.lastIndexOf('/') + 1) : id];
  if (!s) throw new SimulatorError('ServiceNotFound', `Service ${id} not found.`);
  return s;
}

/** The tag map of the namespace or service an ARN designates, or ResourceNotFoundException. */
function tagsOf(ctx: RequestContext, input: Input, action: string): TagMap {
  const arn = input.str('ResourceARN');
  const id = arn.slice(arn.lastIndexOf('/') + 1);
  const ns = ctx.state.cloudmap.namespaces[id];
  if (ns && ns.Arn === arn) return requireOwnNamespace(ctx, ns, action).tags;
  const s = ctx.state.cloudmap.services[id];
  if (s && s.Arn === arn) return s.tags;
  throw new SimulatorError('ResourceNotFoundException', `Resource ${arn} not found.`);
}

/** Cloud Map service and tag operations. */
export const cmServiceOperations: Record<string, OperationDef> = {
  // https://docs.aws.amazon.com/cloud-map/latest/api/API_CreateService.html
  CreateService: {
    kind: 'write',
    category: 'cloudmap.write',
    handle(ctx, input) {
      const name = input.str('Name');
      const nsId = input.optStr('NamespaceId');
      if (nsId === undefined || !ctx.state.cloudmap.namespaces[nsId]) throw new SimulatorError('NamespaceNotFound', `Namespace ${String(nsId)} not found.`);
      const creatorRequestId = input.optStr('CreatorRequestId');
      const existing = findServiceByName(ctx, nsId, name);
      if (existing) {
        if (creatorRequestId !== undefined && existing.CreatorRequestId === creatorRequestId) return { Service: renderCmService(ctx, existing, true) };
        throw new SimulatorError('ServiceAlreadyExists', `Service ${name} already exists.`, undefined, compact({ CreatorRequestId: existing.CreatorRequestId, ServiceId: existing.Id, ServiceArn: existing.Arn }));
      }
      const dns = input.optObj('DnsConfig');
      const fields: Parameters<typeof createCmService>[1] = { Name: name, NamespaceId: nsId, Type: dns ? 'DNS_HTTP' : 'HTTP', tags: readCmTags(input) };
      const description = input.optStr('Description');
      if (description !== undefined) fields.Description = description;
      if (creatorRequestId !== undefined) fields.CreatorRequestId = creatorRequestId;
      const s = createCmService(ctx, fields);
      if (dns) s.DnsConfig = dns;
      const hc = input.optObj('HealthCheckCustomConfig');
      if (hc) s.HealthCheckCustomConfig = hc;
      return { Service: renderCmService(ctx, s, true) };
    },
  },
  // https://docs.aws.amazon.com/cloud-map/latest/api/API_DeleteService.html
  DeleteService: {
    kind: 'write',
    category: 'cloudmap.write',
    handle(ctx, input) {
      const s = requireCmService(ctx, input);
      delete ctx.state.cloudmap.services[s.Id];
      return {};
    },
  },
  // https://docs.aws.amazon.com/cloud-map/latest/api/API_GetService.html
  GetService: {
    kind: 'read',
    category: 'cloudmap.read',
    handle(ctx, input) {
      return { Service: renderCmService(ctx, requireCmService(ctx, input), true) };
    },
  },
  // https://docs.aws.amazon.com/cloud-map/latest/api/API_ListServices.html
  ListServices: {
    kind: 'read',
    category: 'cloudmap.read',
    handle(ctx, input) {
      const filters = readFilters(input);
      const all = Object.values(ctx.state.cloudmap.services)
        .filter((s) => filters.every((f) => (f.name === 'NAMESPACE_ID' ? filterMatches(f, s.NamespaceId) : true)))
        .sort((a, b) => a.CreateDate - b.CreateDate || a.Id.localeCompare(b.Id));
      const { page, NextToken } = cmPaginate(all, input);
      return compact({ Services: page.map((s) => renderCmService(ctx, s, false)), NextToken });
    },
  },
  // https://docs.aws.amazon.com/cloud-map/latest/api/API_TagResource.html
  TagResource: {
    kind: 'write',
    category: 'cloudmap.write',
    handle(ctx, input) {
      const tags = tagsOf(ctx, input, 'TagResource');
      const add = readCmTags(input);
      if (Object.keys({ ...tags, ...add }).length > 50) throw new SimulatorError('TooManyTagsException', 'The resource can have at most 50 tags.', undefined, { ResourceName: input.str('ResourceARN') });
      Object.assign(tags, add);
      return {};
    },
  },
  UntagResource: {
    kind: 'write',
    category: 'cloudmap.write',
    handle(ctx, input) {
      const tags = tagsOf(ctx, input, 'UntagResource');
      for (const k of input.optStrList('TagKeys') ?? []) delete tags[k];
      return {};
    },
  },
  ListTagsForResource: {
    kind: 'read',
    category: 'cloudmap.read',
    handle(ctx, input) {
      return { Tags: renderCmTags(tagsOf(ctx, input, 'ListTagsForResource')) };
    },
  },
};
