import { CreateClusterCommand, CreateServiceCommand, NamespaceNotFoundException } from '@aws-sdk/client-ecs';
import {
  CreateHttpNamespaceCommand,
  DeleteNamespaceCommand,
  GetNamespaceCommand,
  GetOperationCommand,
  ListNamespacesCommand,
  ListServicesCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UpdateHttpNamespaceCommand,
} from '@aws-sdk/client-servicediscovery';
import { network, registerFargate } from './ecs-helpers.js';
import { createNamespace, eventually, useSimulator } from './helpers.js';

const env = useSimulator();
const owner = '210987654321';
let shared: { Id?: string; Arn?: string };

async function admin(method: string, body: unknown): Promise<Response> {
  return fetch(`${env.sim.url}/_sim/shared-namespaces`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

beforeAll(async () => {
  await createNamespace(env.c, 'own.local');
  const res = await admin('POST', { name: 'shared.local', ownerAccount: owner, description: 'platform team', tags: { team: 'platform' } });
  expect(res.status).toBe(200);
  shared = (await res.json()) as { Id?: string; Arn?: string };
});

// https://docs.aws.amazon.com/cloud-map/latest/dg/sharing-identify.html: ListNamespaces returns the
// account's own namespaces and those shared with it; ResourceOwner is the owner's account id.
test('ListNamespaces shows own and shared-in namespaces, each with its ResourceOwner, and filters by RESOURCE_OWNER', async () => {
  const all = await env.c.sd.send(new ListNamespacesCommand({}));
  const owners = Object.fromEntries((all.Namespaces ?? []).map((n) => [n.Name, n.ResourceOwner]));
  expect(owners).toEqual({ 'own.local': '123456789012', 'shared.local': owner });
  expect(shared.Arn).toMatch(new RegExp(`^arn:aws:servicediscovery:us-east-1:${owner}:namespace/ns-`));
  const others = await env.c.sd.send(new ListNamespacesCommand({ Filters: [{ Name: 'RESOURCE_OWNER', Values: ['OTHER_ACCOUNTS'], Condition: 'EQ' }] }));
  expect(others.Namespaces?.map((n) => n.Name)).toEqual(['shared.local']);
  const self = await env.c.sd.send(new ListNamespacesCommand({ Filters: [{ Name: 'RESOURCE_OWNER', Values: ['SELF'], Condition: 'EQ' }] }));
  expect(self.Namespaces?.map((n) => n.Name)).toEqual(['own.local']);
  const got = await env.c.sd.send(new GetNamespaceCommand({ Id: shared.Id }));
  expect(got.Namespace).toMatchObject({ Name: 'shared.local', ResourceOwner: owner, Description: 'platform team' });
});

test('a shared-in namespace cannot be updated, deleted or tagged, and its tags cannot be read', async () => {
  const denied = { name: 'AccessDeniedException' };
  await expect(env.c.sd.send(new DeleteNamespaceCommand({ Id: shared.Id }))).rejects.toMatchObject(denied);
  await expect(env.c.sd.send(new UpdateHttpNamespaceCommand({ Id: shared.Id, Namespace: { Description: 'mine now' } }))).rejects.toMatchObject(denied);
  await expect(env.c.sd.send(new TagResourceCommand({ ResourceARN: shared.Arn, Tags: [{ Key: 'a', Value: 'b' }] }))).rejects.toMatchObject(denied);
  await expect(env.c.sd.send(new ListTagsForResourceCommand({ ResourceARN: shared.Arn }))).rejects.toMatchObject(denied);
});

test('the account may create its own namespace of the same name; names resolve to its own', async () => {
  const op = await env.c.sd.send(new CreateHttpNamespaceCommand({ Name: 'shared.local' }));
  await eventually(async () => ((await env.c.sd.send(new GetOperationCommand({ OperationId: op.OperationId }))).Operation?.Status === 'SUCCESS' ? true : undefined));
  const mine = await env.c.sd.send(new ListNamespacesCommand({ Filters: [{ Name: 'NAME', Values: ['shared.local'], Condition: 'EQ' }, { Name: 'RESOURCE_OWNER', Values: ['SELF'], Condition: 'EQ' }] }));
  expect(mine.Namespaces).toHaveLength(1);
});

// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-shared-namespaces.html
test('ECS Service Connect uses a shared namespace by ARN, and the Cloud Map service it creates is the account\'s', async () => {
  await env.c.ecs.send(new CreateClusterCommand({ clusterName: 'sharing' }));
  const td = await registerFargate(env.c, 'sharing', 'app:1');
  await env.c.ecs.send(
    new CreateServiceCommand({
      cluster: 'sharing',
      serviceName: 'api',
      taskDefinition: td,
      desiredCount: 1,
      launchType: 'FARGATE',
      networkConfiguration: network,
      serviceConnectConfiguration: { enabled: true, namespace: shared.Arn, services: [{ portName: 'http', discoveryName: 'api' }] },
    }),
  );
  const services = await env.c.sd.send(new ListServicesCommand({ Filters: [{ Name: 'NAMESPACE_ID', Values: [shared.Id ?? ''], Condition: 'EQ' }] }));
  expect(services.Services?.map((s) => [s.Name, s.ResourceOwner, s.CreatedByAccount])).toEqual([['api', owner, '123456789012']]);
});

test('unsharing removes the namespace and its services from the account\'s view', async () => {
  const again = await admin('POST', { name: 'gone.local', ownerAccount: owner });
  const ns = (await again.json()) as { Id?: string; Arn?: string };
  expect((await admin('DELETE', { id: ns.Id })).status).toBe(200);
  await expect(env.c.sd.send(new GetNamespaceCommand({ Id: ns.Id }))).rejects.toMatchObject({ name: 'NamespaceNotFound' });
  const td = await registerFargate(env.c, 'sharing', 'app:2');
  const create = env.c.ecs.send(
    new CreateServiceCommand({
      cluster: 'sharing',
      serviceName: 'late',
      taskDefinition: td,
      desiredCount: 1,
      launchType: 'FARGATE',
      networkConfiguration: network,
      serviceConnectConfiguration: { enabled: true, namespace: ns.Arn },
    }),
  );
  await expect(create).rejects.toBeInstanceOf(NamespaceNotFoundException);
  expect((await admin('DELETE', { id: ns.Id })).status).toBe(404);
});

test('the admin API refuses a shared namespace without an owner account', async () => {
  expect((await admin('POST', { name: 'x.local' })).status).toBe(400);
  expect((await admin('POST', { name: 'x.local', ownerAccount: 'me' })).status).toBe(400);
});
