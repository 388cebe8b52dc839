import {
  CreateHttpNamespaceCommand,
  CreatePrivateDnsNamespaceCommand,
  UpdatePrivateDnsNamespaceCommand,
  CreateServiceCommand,
  DeleteNamespaceCommand,
  DeleteServiceCommand,
  DuplicateRequest,
  GetNamespaceCommand,
  GetOperationCommand,
  GetServiceCommand,
  ListNamespacesCommand,
  ListOperationsCommand,
  ListTagsForResourceCommand,
  NamespaceAlreadyExists,
  NamespaceNotFound,
  OperationNotFound,
  ResourceInUse,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateHttpNamespaceCommand,
} from '@aws-sdk/client-servicediscovery';
import { createNamespace, eventually, testTimeScale, useSimulator } from './helpers.js';

const env = useSimulator();



function statusOf(operationId: string | undefined): Promise<string | undefined> {
  return env.c.sd.send(new GetOperationCommand({ OperationId: operationId })).then((o) => o.Operation?.Status);
}

// Namespace creation is asynchronous: CreateHttpNamespace returns only an OperationId and
// GetOperation moves SUBMITTED -> PENDING -> SUCCESS:
// https://docs.aws.amazon.com/cloud-map/latest/api/API_CreateHttpNamespace.html
// https://docs.aws.amazon.com/cloud-map/latest/api/API_GetOperation.html
test('a namespace becomes visible only when its operation succeeds', async () => {
  // A slower clock for this test, so the intermediate states are observable even on a busy machine.
  env.sim.setTimeScale(4);
  const out = await env.c.sd.send(new CreateHttpNamespaceCommand({ Name: 'async.local', CreatorRequestId: 'req-async' }));
  expect(Object.keys(out).filter((k) => k !== '$metadata')).toEqual(['OperationId']);
  expect(['SUBMITTED', 'PENDING']).toContain(await statusOf(out.OperationId));
  const listed = await env.c.sd.send(new ListNamespacesCommand({}));
  expect(listed.Namespaces?.map((n) => n.Name)).not.toContain('async.local');
  const op = await eventually(async () => {
    const o = await env.c.sd.send(new GetOperationCommand({ OperationId: out.OperationId }));
    return o.Operation?.Status === 'SUCCESS' ? o.Operation : undefined;
  });
  const id = op.Targets?.NAMESPACE ?? '';
  expect(id).toMatch(/^ns-[a-z0-9]{16}$/);
  const ns = await env.c.sd.send(new GetNamespaceCommand({ Id: id }));
  expect(ns.Namespace).toMatchObject({ Id: id, Name: 'async.local', Type: 'HTTP', Arn: `arn:aws:servicediscovery:us-east-1:123456789012:namespace/${id}`, CreatorRequestId: 'req-async' });
  expect(ns.Namespace?.CreateDate).toBeInstanceOf(Date);
  env.sim.setTimeScale(testTimeScale);
});

test('retrying with the same CreatorRequestId returns the first operation instead of creating twice', async () => {
  const a = await env.c.sd.send(new CreateHttpNamespaceCommand({ Name: 'retry.local', CreatorRequestId: 'req-retry' }));
  const b = await env.c.sd.send(new CreateHttpNamespaceCommand({ Name: 'retry.local', CreatorRequestId: 'req-retry' }));
  expect(b.OperationId).toBe(a.OperationId);
});

test('a second creation of a name still in flight is a DuplicateRequest naming the first operation', async () => {
  // At the fast test clock the operation can finish between the two calls on a loaded machine,
  // and the second call then rightly answers NamespaceAlreadyExists; a real-time clock keeps it in flight.
  env.sim.setTimeScale(1);
  try {
    const a = await env.c.sd.send(new CreateHttpNamespaceCommand({ Name: 'inflight.local', CreatorRequestId: 'req-1' }));
    const err: unknown = await env.c.sd.send(new CreateHttpNamespaceCommand({ Name: 'inflight.local', CreatorRequestId: 'req-2' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DuplicateRequest);
    expect((err as DuplicateRequest).DuplicateOperationId).toBe(a.OperationId);
  } finally {
    env.sim.setTimeScale(testTimeScale);
  }
});

test('creating a name that exists is NamespaceAlreadyExists', async () => {
  const ns = await createNamespace(env.c, 'exists.local');
  const err: unknown = await env.c.sd.send(new CreateHttpNamespaceCommand({ Name: 'exists.local', CreatorRequestId: 'other' })).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(NamespaceAlreadyExists);
  expect((err as NamespaceAlreadyExists).NamespaceId).toBe(ns.id);
});

// https://docs.aws.amazon.com/cloud-map/latest/api/API_CreatePrivateDnsNamespace.html
test('a private DNS namespace needs a VPC', async () => {
  await expect(env.c.sd.send(new CreatePrivateDnsNamespaceCommand({ Name: 'dns.internal', Vpc: undefined as unknown as string }))).rejects.toThrow(/Vpc/);
  const out = await env.c.sd.send(new CreatePrivateDnsNamespaceCommand({ Name: 'dns.internal', Vpc: 'vpc-1' }));
  expect(await eventually(async () => ((await statusOf(out.OperationId)) === 'SUCCESS' ? true : undefined))).toBe(true);
});

test('an operation failure injected through a fault hook ends in FAIL with an ErrorCode and no namespace', async () => {
  env.sim.addFault({ operation: 'CreateHttpNamespace', resource: 'broken.local', effect: { type: 'operationFailure', errorCode: 'CANNOT_CREATE_HOSTED_ZONE' } });
  const out = await env.c.sd.send(new CreateHttpNamespaceCommand({ Name: 'broken.local' }));
  const op = await eventually(async () => {
    const o = await env.c.sd.send(new GetOperationCommand({ OperationId: out.OperationId }));
    return o.Operation?.Status === 'FAIL' ? o.Operation : undefined;
  });
  expect(op.ErrorCode).toBe('CANNOT_CREATE_HOSTED_ZONE');
  const listed = await env.c.sd.send(new ListNamespacesCommand({ Filters: [{ Name: 'NAME', Values: ['broken.local'], Condition: 'EQ' }] }));
  expect(listed.Namespaces).toEqual([]);
});

test('an unknown operation id is OperationNotFound and an unknown namespace is NamespaceNotFound', async () => {
  await expect(env.c.sd.send(new GetOperationCommand({ OperationId: 'nope' }))).rejects.toBeInstanceOf(OperationNotFound);
  await expect(env.c.sd.send(new GetNamespaceCommand({ Id: 'ns-aaaaaaaaaaaaaaaa' }))).rejects.toBeInstanceOf(NamespaceNotFound);
});

// https://docs.aws.amazon.com/cloud-map/latest/api/API_ListNamespaces.html
test('ListNamespaces paginates with NextToken and filters by type and name', async () => {
  for (const n of ['page-a', 'page-b', 'page-c']) await createNamespace(env.c, n);
  const names: string[] = [];
  let token: string | undefined;
  do {
    const out = await env.c.sd.send(new ListNamespacesCommand({ MaxResults: 2, NextToken: token, Filters: [{ Name: 'NAME', Values: ['page-'], Condition: 'BEGINS_WITH' }] }));
    expect((out.Namespaces ?? []).length).toBeLessThanOrEqual(2);
    names.push(...(out.Namespaces ?? []).map((n) => n.Name ?? ''));
    token = out.NextToken;
  } while (token);
  expect(names.sort()).toEqual(['page-a', 'page-b', 'page-c']);
  const dns = await env.c.sd.send(new ListNamespacesCommand({ Filters: [{ Name: 'TYPE', Values: ['DNS_PRIVATE'], Condition: 'EQ' }] }));
  expect(dns.Namespaces?.map((n) => n.Name)).toEqual(['dns.internal']);
});

// https://docs.aws.amazon.com/cloud-map/latest/api/API_DeleteNamespace.html
test('a namespace with services cannot be deleted (ResourceInUse); once empty it is deleted asynchronously', async () => {
  const ns = await createNamespace(env.c, 'busy.local');
  const svc = await env.c.sd.send(new CreateServiceCommand({ Name: 'api', NamespaceId: ns.id }));
  const got = await env.c.sd.send(new GetServiceCommand({ Id: svc.Service?.Id }));
  expect(got.Service).toMatchObject({ Name: 'api', NamespaceId: ns.id, Type: 'HTTP' });
  await expect(env.c.sd.send(new DeleteNamespaceCommand({ Id: ns.id }))).rejects.toBeInstanceOf(ResourceInUse);
  await env.c.sd.send(new DeleteServiceCommand({ Id: svc.Service?.Id }));
  // At a real-time clock, so a loaded machine cannot finish the deletion before the next read.
  env.sim.setTimeScale(1);
  const del = await env.c.sd.send(new DeleteNamespaceCommand({ Id: ns.id }));
  await env.c.sd.send(new GetNamespaceCommand({ Id: ns.id }));
  env.sim.setTimeScale(testTimeScale);
  await eventually(async () => ((await statusOf(del.OperationId)) === 'SUCCESS' ? true : undefined));
  await expect(env.c.sd.send(new GetNamespaceCommand({ Id: ns.id }))).rejects.toBeInstanceOf(NamespaceNotFound);
});

// https://docs.aws.amazon.com/cloud-map/latest/api/API_UpdateHttpNamespace.html
test('UpdateHttpNamespace changes the description when its operation succeeds', async () => {
  const ns = await createNamespace(env.c, 'upd.local');
  const op = await env.c.sd.send(new UpdateHttpNamespaceCommand({ Id: ns.id, Namespace: { Description: 'new' } }));
  await eventually(async () => ((await statusOf(op.OperationId)) === 'SUCCESS' ? true : undefined));
  expect((await env.c.sd.send(new GetNamespaceCommand({ Id: ns.id }))).Namespace?.Description).toBe('new');
  const ops = await env.c.sd.send(new ListOperationsCommand({ Filters: [{ Name: 'NAMESPACE_ID', Values: [ns.id], Condition: 'EQ' }] }));
  expect(ops.Operations?.length).toBe(2);
});

// https://docs.aws.amazon.com/cloud-map/latest/api/API_TagResource.html
test('namespace tags are Key/Value pairs managed by TagResource and UntagResource', async () => {
  const ns = await createNamespace(env.c, 'tags.local');
  await env.c.sd.send(new TagResourceCommand({ ResourceARN: ns.arn, Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }] }));
  await env.c.sd.send(new UntagResourceCommand({ ResourceARN: ns.arn, TagKeys: ['a'] }));
  const out = await env.c.sd.send(new ListTagsForResourceCommand({ ResourceARN: ns.arn }));
  expect(out.Tags).toEqual([{ Key: 'b', Value: '2' }]);
});

// https://docs.aws.amazon.com/cloud-map/latest/api/API_PrivateDnsNamespaceProperties.html, API_NamespaceSummary.html
test('CreatePrivateDnsNamespace sets the SOA TTL of Properties, which ListNamespaces returns; a TTL out of range is InvalidInput', async () => {
  const created = await env.c.sd.send(new CreatePrivateDnsNamespaceCommand({ Name: 'soa-create.internal', Vpc: 'vpc-1', Properties: { DnsProperties: { SOA: { TTL: 120 } } } }));
  await eventually(async () => ((await statusOf(created.OperationId)) === 'SUCCESS' ? true : undefined));
  const listed = await env.c.sd.send(new ListNamespacesCommand({ Filters: [{ Name: 'NAME', Values: ['soa-create.internal'], Condition: 'EQ' }] }));
  expect(listed.Namespaces?.[0]?.Properties?.DnsProperties?.SOA).toEqual({ TTL: 120 });
  await expect(
    env.c.sd.send(new CreatePrivateDnsNamespaceCommand({ Name: 'soa-bad.internal', Vpc: 'vpc-1', Properties: { DnsProperties: { SOA: { TTL: -1 } } } })),
  ).rejects.toMatchObject({ name: 'InvalidInput' });
});

// https://docs.aws.amazon.com/cloud-map/latest/api/API_UpdatePrivateDnsNamespace.html
test('UpdatePrivateDnsNamespace changes the description and the SOA TTL; a retry with the same UpdaterRequestId returns the first operation', async () => {
  const created = await env.c.sd.send(new CreatePrivateDnsNamespaceCommand({ Name: 'soa.internal', Vpc: 'vpc-1' }));
  const id = await eventually(async () => {
    const op = await env.c.sd.send(new GetOperationCommand({ OperationId: created.OperationId }));
    return op.Operation?.Status === 'SUCCESS' ? op.Operation.Targets?.NAMESPACE : undefined;
  });
  const change = { Description: 'internal names', Properties: { DnsProperties: { SOA: { TTL: 60 } } } };
  const first = await env.c.sd.send(new UpdatePrivateDnsNamespaceCommand({ Id: id, UpdaterRequestId: 'soa-1', Namespace: change }));
  const retry = await env.c.sd.send(new UpdatePrivateDnsNamespaceCommand({ Id: id, UpdaterRequestId: 'soa-1', Namespace: change }));
  expect(retry.OperationId).toBe(first.OperationId);
  await eventually(async () => ((await statusOf(first.OperationId)) === 'SUCCESS' ? true : undefined));
  const ns = (await env.c.sd.send(new GetNamespaceCommand({ Id: id }))).Namespace;
  expect(ns?.Description).toBe('internal names');
  expect(ns?.Properties?.DnsProperties?.SOA).toEqual({ TTL: 60 });
  const http = await createNamespace(env.c, 'not-dns.local');
  await expect(env.c.sd.send(new UpdatePrivateDnsNamespaceCommand({ Id: http.id, Namespace: change }))).rejects.toMatchObject({ name: 'InvalidInput' });
});
