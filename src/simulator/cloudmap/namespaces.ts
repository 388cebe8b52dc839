import { epochSeconds, type OperationDef, type RequestContext } from '../context.js';
import { SimulatorError } from '../errors.js';
import { randomAlnum } from '../ids.js';
import type { Input } from '../input.js';
import { compact, isJsonObject, type JsonObject } from '../json.js';
import type { NamespaceRecord, OperationRecord } from '../state.js';
import { cmPaginate, filterMatches, readCmTags, readFilters } from './common.js';
import { findNamespace, isOwn, namespaceRecord, ownerOf, requireOwnNamespace, servicesInNamespace } from './store.js';
import { validateCloudMapRequest } from '../validation/cloudmap.js';

/** Namespaces per Region (https://docs.aws.amazon.com/cloud-map/latest/dg/cloud-map-limits.html). */
const namespaceQuota = 50;

/** A namespace as GetNamespace returns it. */
export function renderNamespace(ctx: RequestContext, ns: NamespaceRecord, full: boolean): JsonObject {
  return compact({
    Id: ns.Id,
    Arn: ns.Arn,
    Name: ns.Name,
    Type: ns.Type,
    Description: ns.Description,
    ServiceCount: servicesInNamespace(ctx, ns.Id).length,
    Properties: ns.Properties,
    CreateDate: epochSeconds(ns.CreateDate),
    CreatorRequestId: full ? ns.CreatorRequestId : undefined,
    ResourceOwner: ownerOf(ctx, ns),
  });
}

/** The account owning the namespace an operation is about (the Operation shape's `OwnerAccount`). */
function ownerOfOperation(ctx: RequestContext, op: OperationRecord): string {
  const ns = ctx.state.cloudmap.namespaces[op.namespaceId] ?? op.namespace;
  return ns ? ownerOf(ctx, ns) : ctx.accountId;
}

/** The status of an operation at `t`: SUBMITTED, then PENDING, then its outcome. */
export function operationStatus(op: OperationRecord, t: number): string {
  if (t < op.pendingAt) return 'SUBMITTED';
  if (t < op.doneAt) return 'PENDING';
  return op.outcome;
}

/** Submits an asynchronous namespace operation; an `operationFailure` fault makes it end in FAIL. */
function submit(ctx: RequestContext, fields: Pick<OperationRecord, 'Type' | 'namespaceId'> & Partial<OperationRecord>): OperationRecord {
  const duration = ctx.clock.timings.namespaceOperationMs;
  const op: OperationRecord = {
    ...fields,
    Id: `${randomAlnum(32)}-${randomAlnum(8)}`,
    createdAt: ctx.now,
    pendingAt: ctx.clock.after(duration * 0.2),
    doneAt: ctx.clock.after(duration),
    outcome: 'SUCCESS',
    applied: false,
  };
  const failure = ctx.effects.find((e) => e.type === 'operationFailure');
  if (failure && failure.type === 'operationFailure') {
    op.outcome = 'FAIL';
    op.errorCode = failure.errorCode ?? 'INTERNAL_FAILURE';
    op.errorMessage = failure.message ?? 'The operation failed.';
  }
  ctx.state.cloudmap.operations[op.Id] = op;
  return op;
}

/** Applies the operations that finished by `ctx.now`, in completion order. */
export function settleOperations(ctx: RequestContext): void {
  const due = Object.values(ctx.state.cloudmap.operations).filter((op) => !op.applied && op.doneAt <= ctx.now);
  if (due.length === 0) return;
  due.sort((a, b) => a.doneAt - b.doneAt);
  const namespaces = ctx.state.cloudmap.namespaces;
  for (const op of due) {
    op.applied = true;
    if (op.outcome !== 'SUCCESS') continue;
    if (op.Type === 'CREATE_NAMESPACE' && op.namespace) {
      namespaces[op.namespace.Id] = { ...op.namespace, CreateDate: op.doneAt };
    } else if (op.Type === 'UPDATE_NAMESPACE') {
      const ns = namespaces[op.namespaceId];
      if (ns && op.description !== undefined) ns.Description = op.description;
      const dns = ns?.Properties.DnsProperties;
      if (op.soaTtl !== undefined && isJsonObject(dns)) dns.SOA = { TTL: op.soaTtl };
    } else if (op.Type === 'DELETE_NAMESPACE') {
      delete namespaces[op.namespaceId];
    }
  }
}

function inFlight(ctx: RequestContext): OperationRecord[] {
  return Object.values(ctx.state.cloudmap.operations).filter((op) => !op.applied);
}

/** The SOA TTL a CreatePrivateDnsNamespace request sets, if any (the model requires TTL once SOA is sent). */
function soaTtlOf(input: Input): number | undefined {
  const props = input.optObj('Properties');
  if (props === undefined) return undefined;
  const dns = isJsonObject(props.DnsProperties) ? props.DnsProperties : undefined;
  const soa = isJsonObject(dns?.SOA) ? dns.SOA : undefined;
  if (soa === undefined || typeof soa.TTL !== 'number' || !Number.isInteger(soa.TTL) || soa.TTL < 0 || soa.TTL > 2147483647) {
    throw input.invalid('Properties.DnsProperties.SOA.TTL must be an integer from 0 to 2147483647.');
  }
  return soa.TTL;
}

/**
 * Shared by CreateHttpNamespace and CreatePrivateDnsNamespace: CreatorRequestId makes a retry
 * return the first operation; an existing name is NamespaceAlreadyExists; a creation of the same
 * name still in flight is DuplicateRequest
 * (https://docs.aws.amazon.com/cloud-map/latest/api/API_CreateHttpNamespace.html).
 */
function createNamespace(ctx: RequestContext, input: Input, type: NamespaceRecord['Type']): JsonObject {
  validateCloudMapRequest(type === 'HTTP' ? 'CreateHttpNamespace' : 'CreatePrivateDnsNamespace', input.raw);
  const name = input.str('Name');
  const creatorRequestId = input.optStr('CreatorRequestId');
  if (creatorRequestId !== undefined && creatorRequestId.length > 64) throw input.invalid('CreatorRequestId must be at most 64 characters.');
  const vpc = type === 'DNS_PRIVATE' ? input.str('Vpc') : undefined;
  if (creatorRequestId !== undefined) {
    const same = Object.values(ctx.state.cloudmap.operations).find((op) => op.Type === 'CREATE_NAMESPACE' && op.creatorRequestId === creatorRequestId);
    if (same) return { OperationId: same.Id };
  }
  const own = Object.values(ctx.state.cloudmap.namespaces).filter((ns) => isOwn(ctx, ns));
  const existing = own.find((ns) => ns.Name === name);
  if (existing) {
    throw new SimulatorError('NamespaceAlreadyExists', `Namespace ${name} already exists.`, undefined, compact({ CreatorRequestId: existing.CreatorRequestId, NamespaceId: existing.Id }));
  }
  const pending = inFlight(ctx).find((op) => op.Type === 'CREATE_NAMESPACE' && op.namespace?.Name === name);
  if (pending) {
    throw new SimulatorError('DuplicateRequest', `Another operation creating namespace ${name} is in progress.`, undefined, { DuplicateOperationId: pending.Id });
  }
  const creating = inFlight(ctx).filter((op) => op.Type === 'CREATE_NAMESPACE').length;
  if (own.length + creating >= namespaceQuota) {
    throw new SimulatorError('ResourceLimitExceeded', `The namespace quota of ${namespaceQuota} per Region has been reached.`);
  }
  const fields: Parameters<typeof namespaceRecord>[1] = { Name: name, Type: type, tags: readCmTags(input) };
  const description = input.optStr('Description');
  if (description !== undefined) fields.Description = description;
  if (creatorRequestId !== undefined) fields.CreatorRequestId = creatorRequestId;
  if (vpc !== undefined) fields.vpc = vpc;
  // CreatePrivateDnsNamespace `Properties.DnsProperties.SOA.TTL`: https://docs.aws.amazon.com/cloud-map/latest/api/API_PrivateDnsNamespaceProperties.html
  const ttl = type === 'DNS_PRIVATE' ? soaTtlOf(input) : undefined;
  if (ttl !== undefined) fields.soaTtl = ttl;
  const ns = namespaceRecord(ctx, fields);
  const op = submit(ctx, { Type: 'CREATE_NAMESPACE', namespaceId: ns.Id, namespace: ns, ...(creatorRequestId === undefined ? {} : { creatorRequestId }) });
  return { OperationId: op.Id };
}

/**
 * Submits a namespace update; a retry with the same `UpdaterRequestId` returns the first
 * operation instead of running it twice (the UpdateHttpNamespace/UpdatePrivateDnsNamespace models).
 */
function updateNamespace(ctx: RequestContext, input: Input, ns: NamespaceRecord, description: string | undefined, soaTtl: number | undefined): JsonObject {
  const updaterRequestId = input.optStr('UpdaterRequestId');
  if (updaterRequestId !== undefined) {
    const same = Object.values(ctx.state.cloudmap.operations).find((op) => op.Type === 'UPDATE_NAMESPACE' && op.namespaceId === ns.Id && op.updaterRequestId === updaterRequestId);
    if (same) return { OperationId: same.Id };
  }
  const fields: Pick<OperationRecord, 'Type' | 'namespaceId'> & Partial<OperationRecord> = { Type: 'UPDATE_NAMESPACE', namespaceId: ns.Id };
  if (description !== undefined) fields.description = description;
  if (soaTtl !== undefined) fields.soaTtl = soaTtl;
  if (updaterRequestId !== undefined) fields.updaterRequestId = updaterRequestId;
  return { OperationId: submit(ctx, fields).Id };
}

function requireNamespace(ctx: RequestContext, input: Input): NamespaceRecord {
  const id = input.str('Id');
  const ns = findNamespace(ctx, id);
  if (!ns || (!id.startsWith('ns-') && !id.startsWith('arn:'))) throw new SimulatorError('NamespaceNotFound', `Namespace ${id} not found.`);
  return ns;
}

/** Cloud Map namespace and operation operations. */
export const namespaceOperations: Record<string, OperationDef> = {
  CreateHttpNamespace: { kind: 'write', category: 'cloudmap.write', handle: (ctx, input) => createNamespace(ctx, input, 'HTTP') },
  // A private DNS namespace needs a VPC: https://docs.aws.amazon.com/cloud-map/latest/api/API_CreatePrivateDnsNamespace.html
  CreatePrivateDnsNamespace: { kind: 'write', category: 'cloudmap.write', handle: (ctx, input) => createNamespace(ctx, input, 'DNS_PRIVATE') },
  // https://docs.aws.amazon.com/cloud-map/latest/api/API_UpdateHttpNamespace.html
  UpdateHttpNamespace: {
    kind: 'write',
    category: 'cloudmap.write',
    handle(ctx, input) {
      validateCloudMapRequest('UpdateHttpNamespace', input.raw);
      const ns = requireOwnNamespace(ctx, requireNamespace(ctx, input), 'UpdateHttpNamespace');
      if (ns.Type !== 'HTTP') throw input.invalid(`Namespace ${ns.Id} is not an HTTP namespace.`);
      const change = input.optObj('Namespace');
      if (!change || typeof change.Description !== 'string') throw input.invalid('Namespace.Description must be specified.');
      return updateNamespace(ctx, input, ns, change.Description, undefined);
    },
  },
  // Description and the SOA record's TTL: https://docs.aws.amazon.com/cloud-map/latest/api/API_UpdatePrivateDnsNamespace.html
  UpdatePrivateDnsNamespace: {
    kind: 'write',
    category: 'cloudmap.write',
    handle(ctx, input) {
      validateCloudMapRequest('UpdatePrivateDnsNamespace', input.raw);
      const ns = requireOwnNamespace(ctx, requireNamespace(ctx, input), 'UpdatePrivateDnsNamespace');
      if (ns.Type !== 'DNS_PRIVATE') throw input.invalid(`Namespace ${ns.Id} is not a private DNS namespace.`);
      const change = input.optObj('Namespace');
      if (!change) throw input.invalid('Namespace must be specified.');
      const description = typeof change.Description === 'string' ? change.Description : undefined;
      const props = isJsonObject(change.Properties) ? change.Properties : undefined;
      const dns = isJsonObject(props?.DnsProperties) ? props.DnsProperties : undefined;
      const soa = isJsonObject(dns?.SOA) ? dns.SOA : undefined;
      if (soa !== undefined && (typeof soa.TTL !== 'number' || !Number.isInteger(soa.TTL) || soa.TTL < 0 || soa.TTL > 2147483647)) throw input.invalid('Namespace.Properties.DnsProperties.SOA.TTL must be an integer from 0 to 2147483647.');
      const ttl = typeof soa?.TTL === 'number' ? soa.TTL : undefined;
      if (description === undefined && ttl === undefined) throw input.invalid('Namespace must change the description or the SOA TTL.');
      return updateNamespace(ctx, input, ns, description, ttl);
    },
  },
  // ResourceInUse while the namespace has services: https://docs.aws.amazon.com/cloud-map/latest/api/API_DeleteNamespace.html
  DeleteNamespace: {
    kind: 'write',
    category: 'cloudmap.write',
    handle(ctx, input) {
      const ns = requireOwnNamespace(ctx, requireNamespace(ctx, input), 'DeleteNamespace');
      if (servicesInNamespace(ctx, ns.Id).length > 0) throw new SimulatorError('ResourceInUse', `Namespace ${ns.Id} has services and cannot be deleted.`);
      const pending = inFlight(ctx).find((op) => op.Type === 'DELETE_NAMESPACE' && op.namespaceId === ns.Id);
      if (pending) throw new SimulatorError('DuplicateRequest', `Namespace ${ns.Id} is already being deleted.`, undefined, { DuplicateOperationId: pending.Id });
      const op = submit(ctx, { Type: 'DELETE_NAMESPACE', namespaceId: ns.Id });
      return { OperationId: op.Id };
    },
  },
  // https://docs.aws.amazon.com/cloud-map/latest/api/API_GetNamespace.html
  GetNamespace: {
    kind: 'read',
    category: 'cloudmap.read',
    handle(ctx, input) {
      return { Namespace: renderNamespace(ctx, requireNamespace(ctx, input), true) };
    },
  },
  // https://docs.aws.amazon.com/cloud-map/latest/api/API_ListNamespaces.html
  ListNamespaces: {
    kind: 'read',
    category: 'cloudmap.read',
    handle(ctx, input) {
      const filters = readFilters(input);
      const all = Object.values(ctx.state.cloudmap.namespaces)
        .filter((ns) =>
          filters.every((f) => {
            if (f.name === 'TYPE') return filterMatches(f, ns.Type);
            if (f.name === 'NAME') return filterMatches(f, ns.Name);
            if (f.name === 'HTTP_NAME') return filterMatches(f, ns.Name);
            // SELF: the account's own; OTHER_ACCOUNTS: shared in (the model's NamespaceFilter).
            if (f.name === 'RESOURCE_OWNER') return f.values.includes(isOwn(ctx, ns) ? 'SELF' : 'OTHER_ACCOUNTS');
            throw input.invalid(`Unsupported filter name: ${f.name}`);
          }),
        )
        .sort((a, b) => a.CreateDate - b.CreateDate || a.Id.localeCompare(b.Id));
      const { page, NextToken } = cmPaginate(all, input);
      return compact({ Namespaces: page.map((ns) => renderNamespace(ctx, ns, false)), NextToken });
    },
  },
  // https://docs.aws.amazon.com/cloud-map/latest/api/API_GetOperation.html
  GetOperation: {
    kind: 'read',
    category: 'cloudmap.read',
    handle(ctx, input) {
      const id = input.str('OperationId');
      const op = ctx.state.cloudmap.operations[id];
      if (!op) throw new SimulatorError('OperationNotFound', `Operation ${id} not found.`);
      const status = operationStatus(op, ctx.now);
      const updated = status === 'SUBMITTED' ? op.createdAt : status === 'PENDING' ? op.pendingAt : op.doneAt;
      return {
        Operation: compact({
          Id: op.Id,
          Type: op.Type,
          Status: status,
          ErrorMessage: status === 'FAIL' ? op.errorMessage : undefined,
          ErrorCode: status === 'FAIL' ? op.errorCode : undefined,
          CreateDate: epochSeconds(op.createdAt),
          UpdateDate: epochSeconds(updated),
          Targets: { NAMESPACE: op.namespaceId },
          OwnerAccount: ownerOfOperation(ctx, op),
        }),
      };
    },
  },
  // https://docs.aws.amazon.com/cloud-map/latest/api/API_ListOperations.html
  ListOperations: {
    kind: 'read',
    category: 'cloudmap.read',
    handle(ctx, input) {
      const filters = readFilters(input);
      const ops = Object.values(ctx.state.cloudmap.operations)
        .filter((op) =>
          filters.every((f) => {
            if (f.name === 'NAMESPACE_ID') return filterMatches(f, op.namespaceId);
            if (f.name === 'STATUS') return filterMatches(f, operationStatus(op, ctx.now));
            if (f.name === 'TYPE') return filterMatches(f, op.Type);
            return true;
          }),
        )
        .sort((a, b) => a.createdAt - b.createdAt);
      const { page, NextToken } = cmPaginate(ops, input);
      return compact({ Operations: page.map((op) => ({ Id: op.Id, Status: operationStatus(op, ctx.now) })), NextToken });
    },
  },
};
