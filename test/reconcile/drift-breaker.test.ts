/**
 * The persistent-drift breaker, through the engine as the daemon runs it (one process state across
 * passes) against the simulator: a field that still differs after our writes, read after read, for
 * the same manifest, stops the writes (Stalled, PersistentDrift) until the manifest changes.
 */
import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import type { DesiredResource } from '../../src/manifests/model.js';
import { applyPass } from '../../src/reconcile/engine.js';
import { ReconcileState } from '../../src/reconcile/state.js';
import { ENGINE_PASS, useEngineSimulator } from '../helpers/engine.js';
import { CLUSTER, manifests, service, taskDefinition } from './plan-fixtures.js';

const env = useEngineSimulator();
const options = ENGINE_PASS;

const NS = 'kind: Namespace\nmetadata: {name: apps}\nspec: {type: HTTP}\n';
const world = (count: number): DesiredResource[] => manifests(NS, CLUSTER, taskDefinition('web'), service('web', { server: true }).replace('desiredCount: 1', `desiredCount: ${count}`));

async function pass(state: ReconcileState, desired: DesiredResource[]): Promise<{ outcome: string; reason: string; decision: { type: string; reason?: string } }> {
  const { result } = await applyPass(desired, env.ports, state, options);
  const r = result.results.find((x) => x.key === 'Service/web');
  if (!r) throw new Error('no result for Service/web');
  return { outcome: r.outcome, reason: r.reason, decision: r.decision.type === 'terminal' || r.decision.type === 'recheck' ? { type: r.decision.type, reason: r.decision.reason } : { type: r.decision.type } };
}

/** Someone (or something) keeps the service at 3 tasks whatever we write. */
const setBack = (): Promise<unknown> => env.aws.ecs.send(new UpdateServiceCommand({ cluster: 'default', service: 'web', desiredCount: 3 }));

test('a field AWS keeps reporting otherwise is written twice, then held with its path, values and a hint, until the manifest changes', async () => {
  const state = new ReconcileState();
  expect((await pass(state, world(1))).outcome).toBe('created');
  await setBack();
  expect((await pass(state, world(1))).outcome).toBe('configured');
  await setBack();
  // The first read after a write that still differs: written again.
  expect((await pass(state, world(1))).outcome).toBe('configured');
  await setBack();
  env.sim.resetCalls();
  // The second: the breaker trips; nothing is written.
  const held = await pass(state, world(1));
  expect(held).toMatchObject({ outcome: 'skipped', decision: { type: 'terminal', reason: 'PersistentDrift' } });
  expect(held.reason).toMatch(/^desiredCount still differs after 2 writes of it: the manifest states 1, AWS reports 3; .*state it the way AWS returns it/);
  expect(env.sim.calls().mutatingCalls).toBe(0);
  // Held on later passes too.
  expect((await pass(state, world(1))).decision).toMatchObject({ type: 'terminal', reason: 'PersistentDrift' });
  // A manifest change clears it.
  expect((await pass(state, world(2))).outcome).toBe('configured');
});

test('a write that then reads as the manifest states clears the count', async () => {
  const state = new ReconcileState();
  const desired = world(1);
  await pass(state, desired);
  for (let i = 0; i < 3; i++) {
    await setBack();
    // One setback at a time, each repaired and read back in sync in between: never held.
    expect((await pass(state, desired)).outcome).toBe('configured');
    expect((await pass(state, desired)).outcome).toBe('unchanged');
  }
});
