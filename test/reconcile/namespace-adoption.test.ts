/**
 * Adopting a Cloud Map namespace someone else created, through the real SDK clients against the
 * simulator: the namespace is tagged as ours whether or not the manifest states tags of its own.
 */
import { CreateHttpNamespaceCommand, ListNamespacesCommand, ListTagsForResourceCommand, ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';
import { connectAws } from '../../src/aws/index.js';
import { validateSnapshot } from '../../src/manifests/validate.js';
import { silentLogger } from '../../src/observe/logger.js';
import { applyPass, type PassOptions } from '../../src/reconcile/engine.js';
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
  await cloudMap.send(new CreateHttpNamespaceCommand({ Name: name }));
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
  await cloudMap.send(new CreateHttpNamespaceCommand({ Name: 'not-adopted' }));
  const resources = load('apiVersion: switchboard.dev/v1alpha1\nkind: Namespace\nmetadata: {name: not-adopted}\nspec: {type: HTTP, tags: {team: web}}\n');
  const { result } = await applyPass(resources, ports, new ReconcileState(), { ...options, logger: silentLogger(), wait: false });
  const mine = result.results.find((r) => r.key === 'Namespace/not-adopted');
  expect(mine?.outcome).toBe('skipped');
  expect(mine?.reason).toMatch(/not managed by switchboard.*switchboard\.dev\/adopt/);
  expect(await namespaceTags('not-adopted')).toEqual({});
});
