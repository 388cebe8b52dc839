import { CreateLogGroupCommand, TagResourceCommand as TagLogsCommand, TooManyTagsException as LogsTooManyTags } from '@aws-sdk/client-cloudwatch-logs';
import {
  AttributeLimitExceededException,
  BlockedException,
  ClientException,
  CreateClusterCommand,
  ECSClient,
  ListClustersCommand,
  NamespaceNotFoundException,
  RegisterTaskDefinitionCommand,
  ServiceNotFoundException,
  DescribeServicesCommand,
} from '@aws-sdk/client-ecs';
import {
  DuplicateRequest,
  GetNamespaceCommand,
  NamespaceNotFound,
  ServiceDiscoveryClient,
  TagResourceCommand as TagCmCommand,
  TooManyTagsException as CmTooManyTags,
} from '@aws-sdk/client-servicediscovery';
import { clientConfig, createNamespace, useSimulator } from './helpers.js';

const env = useSimulator();
/** Clients that never retry, so each injected error surfaces exactly as answered. */
let ecs: ECSClient;
let sd: ServiceDiscoveryClient;

beforeAll(() => {
  ecs = new ECSClient({ ...clientConfig(env.sim.url), maxAttempts: 1 });
  sd = new ServiceDiscoveryClient({ ...clientConfig(env.sim.url), maxAttempts: 1 });
});

afterEach(() => env.sim.clearFaults());

afterAll(() => {
  ecs.destroy();
  sd.destroy();
});

/** The error a call fails with (its modelled members included); fails the test when the call succeeds. */
async function failure(call: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  const err: unknown = await call.then(() => undefined, (e: unknown) => e);
  if (!(err instanceof Error)) throw new Error('the call succeeded');
  return err as Error & Record<string, unknown>;
}

// Error shapes, statuses and members as the models declare them (botocore ecs/2014-11-13,
// servicediscovery/2017-03-14, logs/2014-03-28 service-2.json).
describe('a targeted fault raises the named AWS error as the SDK models it', () => {
  test.each([
    ['NamespaceNotFoundException', NamespaceNotFoundException],
    ['BlockedException', BlockedException],
    ['AttributeLimitExceededException', AttributeLimitExceededException],
    ['ServiceNotFoundException', ServiceNotFoundException],
  ])('ECS %s, HTTP 400', async (errorType, cls) => {
    env.sim.addFault({ operation: 'ListClusters', effect: { type: 'error', errorType } });
    const err = await failure(ecs.send(new ListClustersCommand({})));
    expect(err).toBeInstanceOf(cls);
    expect(err).toMatchObject({ $metadata: { httpStatusCode: 400 } });
  });

  test('ECS ClientException with the message of a concurrent revision registration', async () => {
    const message = 'Too many concurrent attempts to create a new revision of the specified family.';
    env.sim.addFault({ operation: 'RegisterTaskDefinition', resource: 'busy-family', effect: { type: 'error', errorType: 'ClientException', message } });
    const err = await failure(ecs.send(new RegisterTaskDefinitionCommand({ family: 'busy-family', containerDefinitions: [{ name: 'a', image: 'x', memory: 64 }] })));
    expect(err).toBeInstanceOf(ClientException);
    expect(err.message).toBe(message);
  });

  test('ECS ServiceNotFoundException from DescribeServices, as documented for purged services', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'errors' }));
    env.sim.addFault({ operation: 'DescribeServices', resource: 'purged', effect: { type: 'error', errorType: 'ServiceNotFoundException' } });
    const err = await failure(ecs.send(new DescribeServicesCommand({ cluster: 'errors', services: ['purged'] })));
    expect(err).toBeInstanceOf(ServiceNotFoundException);
  });

  test('Cloud Map TooManyTagsException carries ResourceName; the modelled 404 and 409 statuses', async () => {
    const ns = await createNamespace(env.c, 'errors.local');
    env.sim.addFault({ operation: 'TagResource', service: 'cloudmap', effect: { type: 'error', errorType: 'TooManyTagsException' } });
    const tags = await failure(sd.send(new TagCmCommand({ ResourceARN: ns.arn, Tags: [{ Key: 'a', Value: 'b' }] })));
    expect(tags).toBeInstanceOf(CmTooManyTags);
    expect(tags).toMatchObject({ ResourceName: ns.arn, $metadata: { httpStatusCode: 400 } });
    env.sim.addFault({ operation: 'GetNamespace', effect: { type: 'error', errorType: 'NamespaceNotFound' } });
    expect(await failure(sd.send(new GetNamespaceCommand({ Id: ns.id })))).toMatchObject({ name: 'NamespaceNotFound', $metadata: { httpStatusCode: 404 } });
    env.sim.addFault({ operation: 'GetNamespace', effect: { type: 'error', errorType: 'DuplicateRequest', members: { DuplicateOperationId: 'op-1' } } });
    const dup = await failure(sd.send(new GetNamespaceCommand({ Id: ns.id })));
    expect(dup).toBeInstanceOf(DuplicateRequest);
    expect(dup).toMatchObject({ DuplicateOperationId: 'op-1', $metadata: { httpStatusCode: 409 } });
    await expect(sd.send(new GetNamespaceCommand({ Id: 'ns-0000000000000000' }))).rejects.toBeInstanceOf(NamespaceNotFound);
  });

  test('CloudWatch Logs TooManyTagsException carries resourceName', async () => {
    await env.c.logs.send(new CreateLogGroupCommand({ logGroupName: '/errors/tags' }));
    const resourceArn = 'arn:aws:logs:us-east-1:123456789012:log-group:/errors/tags';
    env.sim.addFault({ operation: 'TagResource', service: 'logs', effect: { type: 'error', errorType: 'TooManyTagsException' } });
    const err = await failure(env.c.logs.send(new TagLogsCommand({ resourceArn, tags: { a: 'b' } })));
    expect(err).toBeInstanceOf(LogsTooManyTags);
    expect(err).toMatchObject({ resourceName: resourceArn });
  });

  test('the admin API takes members for the error', async () => {
    const res = await fetch(`${env.sim.url}/_sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ targeted: [{ operation: 'GetNamespace', error: 'DuplicateRequest', members: { DuplicateOperationId: 'op-2' } }] }),
    });
    expect(res.status).toBe(200);
    expect(await failure(sd.send(new GetNamespaceCommand({ Id: 'ns-0000000000000000' })))).toMatchObject({ DuplicateOperationId: 'op-2' });
  });
});

describe('the same errors where the simulator raises them itself', () => {
  test('Cloud Map and CloudWatch Logs answer a 51st tag with TooManyTagsException', async () => {
    const ns = await createNamespace(env.c, 'many-tags.local');
    const fifty = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await sd.send(new TagCmCommand({ ResourceARN: ns.arn, Tags: fifty }));
    const cm = await failure(sd.send(new TagCmCommand({ ResourceARN: ns.arn, Tags: [{ Key: 'one-more', Value: 'v' }] })));
    expect(cm).toBeInstanceOf(CmTooManyTags);
    expect(cm).toMatchObject({ ResourceName: ns.arn });
    await env.c.logs.send(new CreateLogGroupCommand({ logGroupName: '/errors/many', tags: Object.fromEntries(fifty.map((t) => [t.Key, t.Value])) }));
    const resourceArn = 'arn:aws:logs:us-east-1:123456789012:log-group:/errors/many';
    await expect(env.c.logs.send(new TagLogsCommand({ resourceArn, tags: { extra: 'v' } }))).rejects.toBeInstanceOf(LogsTooManyTags);
  });
});
