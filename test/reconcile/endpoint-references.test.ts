/** What counts as a task definition naming a Service Connect endpoint, and the order of servers. */
import { endpointLabel, namesEndpoint, stronglyConnected } from '../../src/reconcile/endpoint-references.js';

const api = { dnsName: 'api', port: 8080 };

test.each([
  ['http://api:8080/v1', true],
  ['api:8080', true],
  ['API_HOST=api', true],
  ['api', true],
  ['grpc://api', true],
  ['http://api.shop:8080', true],
  ['api.shop', true],
  ['api:9090', false],
  ['api:80800', false],
  ['api.example.com', false],
  ['http://api.example.com:8080', false],
  ['my-api:8080', false],
  ['x.api:8080', false],
  ['api_v2', false],
  ['api-gateway', false],
  ['apix', false],
  ['', false],
])('%j names api:8080 (namespace shop): %s', (text, expected) => {
  expect(namesEndpoint(text, api, 'shop')).toBe(expected);
});

test('with requirePort only host:port counts', () => {
  expect(namesEndpoint('API_HOST=api', api, 'shop', true)).toBe(false);
  expect(namesEndpoint('http://api:8080', api, 'shop', true)).toBe(true);
});

test('an endpoint without a port (a discovery name without client aliases) is named with any port or none', () => {
  const e = { dnsName: 'worker' };
  expect(namesEndpoint('worker:50051', e)).toBe(true);
  expect(namesEndpoint('worker', e)).toBe(true);
  expect(namesEndpoint('worker.internal', e)).toBe(false);
  expect(endpointLabel(e)).toBe('worker');
  expect(endpointLabel(api)).toBe('api:8080');
});

test('DNS names with dots match literally, not as patterns', () => {
  expect(namesEndpoint('http://web.internal:80', { dnsName: 'web.internal', port: 80 })).toBe(true);
  expect(namesEndpoint('http://webXinternal:80', { dnsName: 'web.internal', port: 80 })).toBe(false);
});

test.each([
  ['no edges', ['a', 'b'], {}, [['a'], ['b']]],
  ['a chain comes out targets first', ['a', 'b', 'c'], { a: ['b'], b: ['c'] }, [['c'], ['b'], ['a']]],
  ['a cycle is one component', ['a', 'b'], { a: ['b'], b: ['a'] }, [['a', 'b']]],
  ['a cycle calling a third', ['a', 'b', 'c'], { a: ['b', 'c'], b: ['a'] }, [['c'], ['a', 'b']]],
  ['edges to unknown nodes are ignored', ['a'], { a: ['z'] }, [['a']]],
])('strongly connected components: %s', (_name, nodes, edges, expected) => {
  expect(stronglyConnected(nodes, new Map(Object.entries(edges)))).toEqual(expected);
});
