/**
 * Servers that call each other are redeployed once their rollouts are ready (issue 11 item 9). When
 * that redeploy fails, the process owes it: a later pass makes it, although nothing in the
 * manifests or in AWS differs, and then writes nothing more.
 */
import type { DesiredResource } from '../../src/manifests/model.js';
import { applyPass } from '../../src/reconcile/engine.js';
import { ENGINE_PASS, useEngineSimulator } from '../helpers/engine.js';
import { ReconcileState } from '../../src/reconcile/state.js';
import { resolvableEndpoints } from '../helpers/resolvable-endpoints.js';
import { callingTaskDefinition, CLUSTER, manifests, service } from './plan-fixtures.js';

const env = useEngineSimulator();
const options = ENGINE_PASS;

const world = (): DesiredResource[] =>
  manifests(
    'kind: Namespace\nmetadata: {name: apps}\nspec: {type: HTTP}\n',
    CLUSTER,
    callingTaskDefinition('alpha', 'http://bravo-http.apps:80/'),
    service('alpha', { server: true }),
    callingTaskDefinition('bravo', 'http://alpha-http.apps:80/'),
    service('bravo', { server: true }),
  );

async function pass(state: ReconcileState): Promise<Map<string, { outcome: string; reason: string }>> {
  const { result } = await applyPass(world(), env.ports, state, options);
  return new Map(result.results.map((r) => [r.key, { outcome: r.outcome, reason: r.reason }]));
}

test('a redeploy of servers calling each other that failed is made by the next pass, which then leaves them alone', async () => {
  const state = new ReconcileState();
  env.sim.addFault({ operation: 'UpdateService', resource: 'alpha', count: 1, effect: { type: 'error', errorType: 'InvalidParameterException', message: 'refused' } });
  const first = await pass(state);
  expect(first.get('Service/alpha')?.outcome).toBe('failed');
  expect(await resolvableEndpoints(env.sim.url, 'default', 'alpha')).not.toContain('bravo-http');
  expect(await resolvableEndpoints(env.sim.url, 'default', 'bravo')).toContain('alpha-http');

  // Nothing in the manifests or in AWS differs; the owed redeploy is made.
  const second = await pass(state);
  expect(second.get('Service/alpha')).toMatchObject({ outcome: 'configured' });
  expect(second.get('Service/alpha')?.reason).toMatch(/redeploying so its tasks resolve bravo-http.apps:80/);
  expect(second.get('Service/bravo')?.outcome).toBe('unchanged');
  expect(await resolvableEndpoints(env.sim.url, 'default', 'alpha')).toContain('bravo-http');

  env.sim.resetCalls();
  await pass(state);
  expect(env.sim.calls().mutatingCalls).toBe(0);
});
