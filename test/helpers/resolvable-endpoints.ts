/**
 * What a service's running tasks resolve, read from the simulator's state (`GET /_sim/state`): the
 * Service Connect endpoints that existed when its PRIMARY deployment started. AWS shows this
 * nowhere; the simulator keeps it off the wire.
 */
import type { SimState } from '../../src/simulator/index.js';

export async function resolvableEndpoints(simUrl: string, cluster: string, service: string, region = 'us-east-1'): Promise<string[] | undefined> {
  const res = await fetch(`${simUrl}/_sim/state`);
  if (res.status !== 200) throw new Error(`GET /_sim/state answered ${res.status}`);
  const state = (await res.json()) as SimState;
  const svc = state.regions[region]?.ecs.services[cluster]?.[service];
  return svc?.deployments.find((d) => d.status === 'PRIMARY')?.resolvableEndpoints;
}
