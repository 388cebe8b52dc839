/**
 * Services this process deleted that may still hold their Service Connect discovery names: ECS
 * keeps a deleted service DRAINING, and its Cloud Map services (one per discovery name) go only
 * once it is INACTIVE, so a service created meanwhile with one of those names in that namespace is
 * refused ("The discoveryName ... is already in use"). A rename that keeps its discovery name is
 * the usual case. The tracker remembers what each deleted service published and, once per pass,
 * reads the remembered ones back until they are INACTIVE (or gone, or ACTIVE again: created anew).
 */
import { BoundedMap } from '../util/bounded-map.js';
import { serviceKey } from './observed.js';
import type { AwsPorts } from './ports.js';

/** Discovery names a service publishes in one namespace (by ARN). */
export interface Published {
  namespace: string;
  discoveryNames: string[];
}

/** A deleted service that still holds its discovery names. */
export interface DrainingPublisher extends Published {
  cluster: string;
  service: string;
}

/** One entry per deleted client-server service: the bound is only reached past this many. */
const MAX_TRACKED = 10_000;

export class DrainTracker {
  private readonly deleted = new BoundedMap<string, DrainingPublisher>(MAX_TRACKED);

  /** Records a service this process just deleted and what it published. */
  deletedService(cluster: string, service: string, published: Published): void {
    if (published.discoveryNames.length > 0) this.deleted.set(serviceKey(cluster, service), { cluster, service, ...published });
  }

  /**
   * The remembered services that still hold their names, read back now (DescribeServices, 10 names
   * a call); those INACTIVE or gone are forgotten. When a read fails they are all kept: a create
   * that waits one more pass costs less than one refused.
   */
  async stillDraining(ports: AwsPorts): Promise<DrainingPublisher[]> {
    const byCluster = new Map<string, DrainingPublisher[]>();
    for (const [, p] of this.deleted.snapshot()) byCluster.set(p.cluster, [...(byCluster.get(p.cluster) ?? []), p]);
    const out: DrainingPublisher[] = [];
    for (const [cluster, publishers] of byCluster) {
      try {
        const { services } = await ports.ecs.describeServices(cluster, publishers.map((p) => p.service));
        for (const p of publishers) {
          const s = services.find((x) => x.name === p.service);
          if (s?.status === 'DRAINING') out.push(p);
          else this.deleted.delete(serviceKey(cluster, p.service));
        }
      } catch {
        out.push(...publishers);
      }
    }
    return out;
  }
}
