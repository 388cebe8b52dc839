/**
 * The daemon's once-per-resync checks (issue 11 item 12): a log group another writer deleted is
 * created again on a later resync, and the re-reads that find it happen at most once per resync
 * interval, never on the first pass.
 */
import { DeleteLogGroupCommand, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { useEngineSimulator } from '../helpers/engine.js';
import { loggingTaskDefinition, service } from '../reconcile/plan-fixtures.js';
import { startLoop, until } from '../helpers/loop.js';
import { MemorySource } from '../helpers/memory-source.js';

const env = useEngineSimulator();

const HEADER = 'apiVersion: switchboard.dev/v1alpha1\n';
const files = {
  'namespace.yaml': `${HEADER}kind: Namespace\nmetadata: {name: apps}\nspec: {type: HTTP}\n`,
  'web.yaml': `${HEADER}${loggingTaskDefinition('web')}---\n${HEADER}${service('web', { server: true })}`,
};

const listTaskDefinitions = (): number => env.sim.calls().services.ecs?.operations.ListTaskDefinitions?.calls ?? 0;
const logGroupExists = async (): Promise<boolean> => ((await env.aws.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/web' }))).logGroups ?? []).length === 1;

test('a log group deleted out of band comes back on a resync; the re-reads run at most once per resync interval', async () => {
  const resyncIntervalMs = 1_000;
  const loop = await startLoop(new MemorySource(files), env.sim.url, { resyncIntervalMs });
  try {
    await until('the first pass', () => loop.passes.length > 0 && loop.passes[0]?.counts.failed === 0);
    expect(await logGroupExists()).toBe(true);
    // The first pass knows every revision it registered: it re-reads none.
    expect(listTaskDefinitions()).toBeLessThanOrEqual(1);
    env.sim.resetCalls();
    const started = Date.now();
    await env.aws.logs.send(new DeleteLogGroupCommand({ logGroupName: '/ecs/web' }));
    await until('the log group is created again', logGroupExists, 15_000);
    // Let a few more resyncs run, then count: one family, so one ListTaskDefinitions per check.
    await new Promise((r) => setTimeout(r, 2_500));
    const elapsed = Date.now() - started;
    const checks = listTaskDefinitions();
    expect(checks).toBeGreaterThanOrEqual(1);
    expect(checks).toBeLessThanOrEqual(Math.floor(elapsed / (resyncIntervalMs * 0.9)) + 1);
    expect(loop.passes.at(-1)?.counts.failed).toBe(0);
  } finally {
    await loop.stop();
  }
}, 30_000);
