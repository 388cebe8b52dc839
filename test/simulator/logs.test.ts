import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  LimitExceededException,
  ListTagsForResourceCommand,
  ListTagsLogGroupCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { useSimulator } from './helpers.js';

const env = useSimulator();



// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html
test('creating a log group twice is a ResourceAlreadyExistsException', async () => {
  await env.c.logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/dup', tags: { app: 'dup' } }));
  await expect(env.c.logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/dup' }))).rejects.toBeInstanceOf(ResourceAlreadyExistsException);
  const tags = await env.c.logs.send(new ListTagsLogGroupCommand({ logGroupName: '/ecs/dup' }));
  expect(tags.tags).toEqual({ app: 'dup' });
});

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogGroups.html
test('log groups are described by prefix, sorted by name, in pages of at most 50', async () => {
  for (let i = 0; i < 55; i++) await env.c.logs.send(new CreateLogGroupCommand({ logGroupName: `/page/g${String(i).padStart(2, '0')}` }));
  const first = await env.c.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/page/' }));
  expect(first.logGroups?.length).toBe(50);
  expect(first.logGroups?.[0]).toMatchObject({ logGroupName: '/page/g00', arn: 'arn:aws:logs:us-east-1:123456789012:log-group:/page/g00:*', storedBytes: 0 });
  const second = await env.c.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/page/', nextToken: first.nextToken }));
  expect(second.logGroups?.map((g) => g.logGroupName)).toEqual(['/page/g50', '/page/g51', '/page/g52', '/page/g53', '/page/g54']);
  expect(second.nextToken).toBeUndefined();
  await expect(env.c.logs.send(new DescribeLogGroupsCommand({ limit: 51 }))).rejects.toThrow(/limit/);
});

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogGroups.html
test('log groups are described by name with logGroupIdentifiers: up to 50, missing names left out, no other filter', async () => {
  await env.c.logs.send(new CreateLogGroupCommand({ logGroupName: '/ids/a' }));
  await env.c.logs.send(new CreateLogGroupCommand({ logGroupName: '/ids/b' }));
  await env.c.logs.send(new CreateLogGroupCommand({ logGroupName: '/ids/ab' }));
  const out = await env.c.logs.send(new DescribeLogGroupsCommand({ logGroupIdentifiers: ['/ids/b', '/ids/missing', 'arn:aws:logs:us-east-1:123456789012:log-group:/ids/a:*'] }));
  expect(out.logGroups?.map((g) => g.logGroupName)).toEqual(['/ids/a', '/ids/b']);
  await expect(env.c.logs.send(new DescribeLogGroupsCommand({ logGroupIdentifiers: ['/ids/a'], logGroupNamePrefix: '/ids/' }))).rejects.toThrow(/logGroupIdentifiers/);
  const tooMany = Array.from({ length: 51 }, (_, i) => `/ids/${i}`);
  await expect(env.c.logs.send(new DescribeLogGroupsCommand({ logGroupIdentifiers: tooMany }))).rejects.toThrow(/logGroupIdentifiers/);
});

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
test('a retention policy is set on the group and only documented values are accepted', async () => {
  await env.c.logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/ret' }));
  await env.c.logs.send(new PutRetentionPolicyCommand({ logGroupName: '/ecs/ret', retentionInDays: 14 }));
  const out = await env.c.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/ret' }));
  expect(out.logGroups?.[0]?.retentionInDays).toBe(14);
  await expect(env.c.logs.send(new PutRetentionPolicyCommand({ logGroupName: '/ecs/ret', retentionInDays: 13 }))).rejects.toThrow(/retentionInDays/);
});

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DeleteLogGroup.html
test('deleting a missing log group is a ResourceNotFoundException', async () => {
  await env.c.logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/del' }));
  await env.c.logs.send(new DeleteLogGroupCommand({ logGroupName: '/ecs/del' }));
  await expect(env.c.logs.send(new DeleteLogGroupCommand({ logGroupName: '/ecs/del' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
});

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_TagResource.html
test('log-group tags are a map managed by TagResource and UntagResource on the group ARN', async () => {
  await env.c.logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/tags' }));
  const resourceArn = 'arn:aws:logs:us-east-1:123456789012:log-group:/ecs/tags';
  await env.c.logs.send(new TagResourceCommand({ resourceArn, tags: { a: '1', b: '2' } }));
  await env.c.logs.send(new UntagResourceCommand({ resourceArn, tagKeys: ['a'] }));
  expect((await env.c.logs.send(new ListTagsForResourceCommand({ resourceArn }))).tags).toEqual({ b: '2' });
});

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html
test('events written with PutLogEvents are read back with GetLogEvents and FilterLogEvents', async () => {
  await env.c.logs.send(new CreateLogGroupCommand({ logGroupName: '/switchboard' }));
  await env.c.logs.send(new CreateLogStreamCommand({ logGroupName: '/switchboard', logStreamName: 'controller/1' }));
  const t = Date.now();
  await env.c.logs.send(
    new PutLogEventsCommand({
      logGroupName: '/switchboard',
      logStreamName: 'controller/1',
      logEvents: [
        { timestamp: t, message: '{"msg":"pass","changed":0}' },
        { timestamp: t + 1, message: '{"msg":"change","resource":"Service/orders"}' },
      ],
    }),
  );
  const got = await env.c.logs.send(new GetLogEventsCommand({ logGroupName: '/switchboard', logStreamName: 'controller/1', startFromHead: true }));
  expect(got.events?.map((e) => e.message)).toEqual(['{"msg":"pass","changed":0}', '{"msg":"change","resource":"Service/orders"}']);
  const filtered = await env.c.logs.send(new FilterLogEventsCommand({ logGroupName: '/switchboard', filterPattern: '"Service/orders"' }));
  expect(filtered.events?.map((e) => [e.logStreamName, e.message])).toEqual([['controller/1', '{"msg":"change","resource":"Service/orders"}']]);
  await expect(
    env.c.logs.send(new PutLogEventsCommand({ logGroupName: '/switchboard', logStreamName: 'controller/1', logEvents: [{ timestamp: t + 5, message: 'b' }, { timestamp: t, message: 'a' }] })),
  ).rejects.toThrow(/chronological/);
});

// The SDK treats LimitExceededException as throttling and retries it (3 attempts by default), so
// it surfaces only when every attempt fails.
test('a LimitExceededException injected as a targeted fault surfaces as the SDK exception class', async () => {
  env.sim.resetCalls();
  env.sim.addFault({ operation: 'CreateLogGroup', resource: '/ecs/quota', count: 3, effect: { type: 'error', errorType: 'LimitExceededException', message: 'Resource limit exceeded.' } });
  await expect(env.c.logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/quota' }))).rejects.toBeInstanceOf(LimitExceededException);
  expect(env.sim.calls().services.logs.operations.CreateLogGroup).toMatchObject({ calls: 3, faults: 3 });
  await env.c.logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/quota' }));
});
