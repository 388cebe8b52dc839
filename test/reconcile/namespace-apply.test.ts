/**
 * Namespaces through the real SDK clients against the simulator: adopting one someone else created
 * (tagged as ours whether or not the manifest states tags of its own), and the fields of a DNS
 * namespace (description and SOA TTL updated in place, a VPC change refused).
 */
import {
  CreateHttpNamespaceCommand,
  CreatePrivateDnsNamespaceCommand,
  GetNamespaceCommand,
  GetOperationCommand,
  ListNamespacesCommand,
  ListTagsForResourceCommand,
  ServiceDiscoveryClient,
} from '@aws-sdk/client-servicediscovery';
import { connectAws } from '../../src/aws/index.js';
import { validateSnapshot } from '../../src/manifests/validate.js';
import { silentLogger } from '../../src/observe/logger.js';
import { applyPass, planPass, type PassOptions } from '../../src/reconcile/engine.js';
import type { AwsPorts } from '../../src/reconcile/ports.js';
import { ReconcileState } from '../../src/reconcile/state.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';

const options: PassOptions = { controllerId: 'switchboard', defaultCluster: 'default', prune: false, allowReplace: false, allowEmpty: false, maxPrune: 10, sourceHealthy: true, concurrency: 4 };

let sim: SimulatorHandle;
let ports: AwsPorts & { close(): void };
let cloudMap: ServiceDiscoveryClient;

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 1000 });
  ports = await connectAws({ endpoint: sim.url, region: 'us-east-1' });
  cloudMap = new ServiceDiscoveryClient({ endpoint: sim.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
});

afterAll(async () => {
  cloudMap.destroy();
  ports.close();
  await sim.close();
});

function load(yaml: string) {
  const result = validateSnapshot([{ path: 'namespace.yaml', content: Buffer.from(yaml) }]);
  expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
  return result.resources;
}

async function namespaceTags(name: string): Promise<Record<string, string>> {
  const listed = await cloudMap.send(new ListNamespacesCommand({}));
  const arn = listed.Namespaces?.find((n) => n.Name === name)?.Arn;
  if (arn === undefined) throw new Error(`no namespace ${name}`);
  const res = await cloudMap.send(new ListTagsForResourceCommand({ ResourceARN: arn }));
  return Object.fromEntries((res.Tags ?? []).map((t) => [t.Key, t.Value]));
}

async function waitForOperation(id: string | undefined): Promise<void> {
  for (;;) {
    const op = await cloudMap.send(new GetOperationCommand({ OperationId: id }));
    if (op.Operation?.Status === 'SUCCESS') return;
    if (op.Operation?.Status === 'FAIL') throw new Error(op.Operation.ErrorMessage);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const adopting = (name: string, spec: string) => `apiVersion: switchboard.dev/v1alpha1
kind: Namespace
metadata:
  name: ${name}
  annotations:
    switchboard.dev/adopt: "true"
spec: ${spec}
`;

test.each([
  ['no tags of its own', 'adopt-bare', '{type: HTTP}', {}],
  ['tags of its own', 'adopt-tagged', '{type: HTTP, tags: {team: web}}', { team: 'web' }],
])('an untagged namespace is adopted when the manifest states %s: tagged as ours, reported, and a second pass writes nothing', async (_what, name, spec, userTags) => {
  await waitForOperation((await cloudMap.send(new CreateHttpNamespaceCommand({ Name: name }))).OperationId);
  const resources = load(adopting(name, spec));

  const state = new ReconcileState();
  const { result } = await applyPass(resources, ports, state, { ...options, logger: silentLogger(), wait: false });
  const mine = result.results.find((r) => r.key === `Namespace/${name}`);
  expect(mine?.outcome).toBe('configured');
  expect(mine?.reason).toMatch(/adopt/);
  expect(await namespaceTags(name)).toEqual({ ...userTags, 'switchboard.dev/managed-by': 'switchboard', 'switchboard.dev/resource': `Namespace/${name}` });

  // A second pass, in the same process and in a new one, changes nothing.
  for (const next of [state, new ReconcileState()]) {
    sim.resetCalls();
    const again = await applyPass(resources, ports, next, { ...options, logger: silentLogger(), wait: false });
    expect(again.result.results.find((r) => r.key === `Namespace/${name}`)?.outcome).toBe('unchanged');
    expect(sim.calls().mutatingCalls).toBe(0);
  }
});

test('an untagged namespace the manifest does not adopt is a conflict, left untagged, when the manifest would change it', async () => {
  await waitForOperation((await cloudMap.send(new CreateHttpNamespaceCommand({ Name: 'not-adopted' }))).OperationId);
  const resources = load('apiVersion: switchboard.dev/v1alpha1\nkind: Namespace\nmetadata: {name: not-adopted}\nspec: {type: HTTP, tags: {team: web}}\n');
  const { result } = await applyPass(resources, ports, new ReconcileState(), { ...options, logger: silentLogger(), wait: false });
  const mine = result.results.find((r) => r.key === 'Namespace/not-adopted');
  expect(mine?.outcome).toBe('skipped');
  expect(mine?.reason).toMatch(/not managed by switchboard.*switchboard\.dev\/adopt/);
  expect(await namespaceTags('not-adopted')).toEqual({});
});

const dns = (spec: string, annotations = '') => `apiVersion: switchboard.dev/v1alpha1
kind: Namespace
metadata:
  name: internal.example${annotations}
spec: ${spec}
`;

async function getNamespace(name: string) {
  const listed = await cloudMap.send(new ListNamespacesCommand({ Filters: [{ Name: 'NAME', Values: [name], Condition: 'EQ' }] }));
  const id = listed.Namespaces?.[0]?.Id;
  return id === undefined ? undefined : (await cloudMap.send(new GetNamespaceCommand({ Id: id }))).Namespace;
}

async function applyYaml(yaml: string, state = new ReconcileState()) {
  sim.resetCalls();
  const { result } = await applyPass(load(yaml), ports, state, { ...options, logger: silentLogger(), wait: false });
  const writes = Object.entries(sim.calls().services.cloudmap.operations).filter(([op]) => !/^(List|Get)/.test(op)).map(([op, n]) => `${op} ${n.calls}`);
  return { result: result.results.find((r) => r.key === 'Namespace/internal.example'), writes };
}

test('a DNS namespace: created with its SOA TTL; the description and the TTL are updated in place; a VPC change is refused; each converges with no write after', async () => {
  const state = new ReconcileState();
  const created = await applyYaml(dns('{type: DNS_PRIVATE, vpc: vpc-0aaa, description: first, properties: {dnsProperties: {soa: {ttl: 60}}}}'), state);
  expect(created.result?.outcome).toBe('created');
  expect(await getNamespace('internal.example')).toMatchObject({ Description: 'first', Properties: { DnsProperties: { SOA: { TTL: 60 } } } });

  const edited = dns('{type: DNS_PRIVATE, vpc: vpc-0aaa, description: second, properties: {dnsProperties: {soa: {ttl: 300}}}}');
  const updated = await applyYaml(edited, state);
  expect(updated.result?.outcome).toBe('configured');
  expect(updated.writes).toEqual(['UpdatePrivateDnsNamespace 1']);
  expect(await getNamespace('internal.example')).toMatchObject({ Description: 'second', Properties: { DnsProperties: { SOA: { TTL: 300 } } } });
  for (const next of [state, new ReconcileState()]) expect(await applyYaml(edited, next)).toMatchObject({ result: { outcome: 'unchanged' }, writes: [] });

  const moved = await applyYaml(dns('{type: DNS_PRIVATE, vpc: vpc-0bbb, description: second}'));
  expect(moved.result).toMatchObject({ outcome: 'skipped', reason: expect.stringMatching(/created for another VPC than vpc-0bbb .*cannot move to another VPC/) });
  expect(moved.writes).toEqual([]);
});

test('the VPC of a DNS namespace created elsewhere is not compared when it is adopted, and the plan says so', async () => {
  const op = await cloudMap.send(new CreatePrivateDnsNamespaceCommand({ Name: 'elsewhere.example', Vpc: 'vpc-0ccc' }));
  await waitForOperation(op.OperationId);
  const yaml = 'apiVersion: switchboard.dev/v1alpha1\nkind: Namespace\nmetadata:\n  name: elsewhere.example\n  annotations: {switchboard.dev/adopt: "true"}\nspec: {type: DNS_PRIVATE, vpc: vpc-0ddd}\n';
  const { plan } = await planPass(load(yaml), ports, new ReconcileState(), options);
  const mine = plan.resources.find((r) => r.key === 'Namespace/elsewhere.example');
  expect(mine?.outcome).toBe('update');
  expect(mine?.notes).toEqual([expect.stringMatching(/^the VPC of namespace elsewhere.example cannot be read .*: vpc is not compared$/)]);
});
