/**
 * Redeploys a pass owes. Servers that call each other's new endpoints are redeployed once their
 * rollouts are ready (plan-endpoints.ts, apply.ts), because tasks resolve only the endpoints that
 * existed when they started. That need is seen only in the pass that adds the endpoints: if the
 * UpdateService fails, or the pass ends first, the next pass finds nothing to change and the
 * server keeps tasks that cannot resolve its peers. So each owed redeploy is remembered here,
 * with the deployment whose tasks started too early, until another deployment is PRIMARY (ours,
 * or anyone's: its tasks started later) or the service is gone. Per process and bounded.
 */
import type { ResourceKey } from '../manifests/model.js';
import { BoundedMap } from '../util/bounded-map.js';
import { serviceKey } from './observed.js';
import type { LiveService } from './ports.js';

export interface OwedRedeploy {
  key: ResourceKey;
  cluster: string;
  service: string;
  /** The deployment whose tasks may have started before the endpoints existed. */
  deploymentId: string;
  /** The endpoints (`dnsName:port`) its tasks are to resolve. */
  endpoints: string[];
}

/** One entry per server of a cycle whose redeploy failed: the bound is only reached past this many. */
const MAX_OWED = 10_000;

export class RedeployTracker {
  private readonly owed = new BoundedMap<ResourceKey, OwedRedeploy>(MAX_OWED);

  /** Records a redeploy about to be made, before it is. */
  owe(r: OwedRedeploy): void {
    this.owed.set(r.key, r);
  }

  /** The redeploy was made. */
  paid(key: ResourceKey): void {
    this.owed.delete(key);
  }

  /**
   * The redeploys still owed, judged on this pass's reads: one whose service runs another PRIMARY
   * deployment, or is no longer ACTIVE, is forgotten; one whose service this pass did not read is
   * kept for a pass that does.
   */
  stillOwed(services: ReadonlyMap<string, LiveService>): OwedRedeploy[] {
    const out: OwedRedeploy[] = [];
    for (const [key, r] of this.owed.snapshot()) {
      const live = services.get(serviceKey(r.cluster, r.service));
      if (live === undefined) continue;
      const primary = live.deployments.find((d) => d.status === 'PRIMARY');
      if (live.status !== 'ACTIVE' || primary?.id !== r.deploymentId) this.owed.delete(key);
      else out.push(r);
    }
    return out;
  }
}
