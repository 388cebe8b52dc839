// The wire protocol: AWS JSON 1.1 as documented for every service the simulator speaks
// (https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html) — nothing SDK-specific.
import { CreateClusterCommand, DescribeClustersCommand, ECSClient } from '@aws-sdk/client-ecs';
import { clientConfig, useSimulator } from './helpers.js';

const env = useSimulator();



async function rawCall(target: string, body: string, authorization?: string): Promise<{ status: number; json: Record<string, unknown>; requestId: string | null; type: string | null }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target };
  if (authorization) headers.authorization = authorization;
  const res = await fetch(`${env.sim.url}/`, { method: 'POST', headers, body });
  return { status: res.status, json: (await res.json()) as Record<string, unknown>, requestId: res.headers.get('x-amzn-requestid'), type: res.headers.get('content-type') };
}

test('a plain JSON 1.1 POST (as the AWS CLI sends it) is answered with the JSON content type and a request id', async () => {
  const res = await rawCall('AmazonEC2ContainerServiceV20141113.ListClusters', '{}');
  expect(res.status).toBe(200);
  expect(res.type).toBe('application/x-amz-json-1.1');
  expect(res.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(res.json).toEqual({ clusterArns: [] });
});

test('an unknown operation is an UnknownOperationException with HTTP 400', async () => {
  const res = await rawCall('AmazonEC2ContainerServiceV20141113.NoSuchThing', '{}');
  expect(res.status).toBe(400);
  expect(res.json.__type).toBe('UnknownOperationException');
});

test('a malformed body is a SerializationException', async () => {
  const res = await rawCall('Logs_20140328.DescribeLogGroups', '{not json');
  expect(res.status).toBe(400);
  expect(res.json.__type).toBe('SerializationException');
});

test('the SDK exposes the response request id as $metadata.requestId', async () => {
  const out = await env.c.ecs.send(new DescribeClustersCommand({ clusters: ['nope'] }));
  expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(out.failures).toEqual([{ arn: 'arn:aws:ecs:us-east-1:123456789012:cluster/nope', reason: 'MISSING' }]);
});

test('the region comes from the SigV4 credential scope and scopes all state and ARNs', async () => {
  const west = new ECSClient(clientConfig(env.sim.url, 'eu-west-1'));
  try {
    const created = await west.send(new CreateClusterCommand({ clusterName: 'regional' }));
    expect(created.cluster?.clusterArn).toBe('arn:aws:ecs:eu-west-1:123456789012:cluster/regional');
    const east = await env.c.ecs.send(new DescribeClustersCommand({ clusters: ['regional'] }));
    expect(east.clusters).toEqual([]);
    const raw = await rawCall('AmazonEC2ContainerServiceV20141113.DescribeClusters', '{"clusters":["regional"]}', 'AWS4-HMAC-SHA256 Credential=AKID/20261125/eu-west-1/ecs/aws4_request, SignedHeaders=host, Signature=00');
    expect((raw.json.clusters as unknown[]).length).toBe(1);
  } finally {
    west.destroy();
  }
});
