/**
 * A removal seen while the source's listing was incomplete is not pruned (deletion needs a view
 * proven complete); once a complete read follows, it is pruned at once, not at the next resync.
 */
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { useEngineSimulator } from '../helpers/engine.js';
import { startLoop, until } from '../helpers/loop.js';
import { MemorySource } from '../helpers/memory-source.js';

const env = useEngineSimulator();

const HEADER = 'apiVersion: switchboard.dev/v1alpha1\n';
const taskDefinition = `${HEADER}kind: TaskDefinition
metadata: {name: app}
spec:
  requiresCompatibilities: [FARGATE]
  networkMode: awsvpc
  cpu: "256"
  memory: "512"
  containerDefinitions: [{name: app, image: nginx:1}]
`;
const service = (name: string): string => `${HEADER}kind: Service
metadata: {name: ${name}}
spec:
  taskDefinition: app
  desiredCount: 1
  launchType: FARGATE
  networkConfiguration: {awsvpcConfiguration: {subnets: [subnet-1]}}
`;

const status = async (name: string): Promise<string | undefined> =>
  (await env.aws.ecs.send(new DescribeServicesCommand({ cluster: 'default', services: [name] })).catch(() => ({ services: [] }))).services?.[0]?.status;

test('a removal held back by an incomplete listing is pruned as soon as a complete one follows', async () => {
  const source = new MemorySource({ 'cluster.yaml': `${HEADER}kind: Cluster\nmetadata: {name: default}\nspec: {}\n`, 'td.yaml': taskDefinition, 'a.yaml': service('a'), 'b.yaml': service('b') });
  // A resync far away: only the complete read can bring the prune.
  const loop = await startLoop(source, env.sim.url, { prune: true, resyncIntervalMs: 600_000 });
  try {
    await until('both services created', async () => (await status('a')) === 'ACTIVE' && (await status('b')) === 'ACTIVE');
    await until('the first pass', () => loop.passes.length > 0);
    // b.yaml is missing from a listing the source says is incomplete: nothing is deleted.
    source.complete = false;
    source.set({ 'b.yaml': undefined });
    await until('the removal refused', () => loop.passes.some((p) => p.pruneRefused !== undefined));
    expect(await status('b')).toBe('ACTIVE');
    // The same files, now from a complete listing: b is pruned without waiting for a resync.
    source.complete = true;
    source.set({});
    await until('b pruned', async () => (await status('b')) !== 'ACTIVE', 10_000);
    expect(await status('a')).toBe('ACTIVE');
  } finally {
    await loop.stop();
  }
}, 30_000);
