/**
 * The daemon's map of Service Connect: the last good definition of every declared resource, the
 * page that draws it with live state, and the status rows of log groups no manifest needs any more
 * (a pruned task definition's group stays in AWS, but its row would name a resource nothing uses).
 */
import { LastGoodResources } from '../graph/last-good.js';
import { buildServiceMap } from '../graph/model.js';
import type { DesiredResource } from '../manifests/model.js';
import { MapPage } from '../graph/page.js';
import { kindOf } from '../observe/pass.js';
import type { StatusStore } from '../observe/status.js';
import { logGroupsOf } from '../reconcile/log-groups.js';

export interface DaemonMapOptions {
  status: StatusStore;
  /** The cluster of Services that name none (`run --cluster`). */
  defaultCluster: string;
  /** The Region log groups are created in (others are not this controller's). */
  region: string;
  /** The clock the page's recomputation interval is measured with; tests inject one. */
  now?: () => number;
}

export class DaemonMap {
  readonly page: MapPage;
  private readonly resources = new LastGoodResources();
  private readonly status: StatusStore;
  private readonly region: string;

  constructor(options: DaemonMapOptions) {
    this.status = options.status;
    this.region = options.region;
    const resources = this.resources;
    this.page = new MapPage({
      status: options.status,
      map: {
        get version() {
          return resources.version;
        },
        current: () => buildServiceMap(resources.list(), options.defaultCluster),
      },
      ...(options.now ? { now: options.now } : {}),
    });
  }

  /** Takes a snapshot's desired set (the controller's onDesired hook). */
  onDesired(valid: ReadonlyMap<string, DesiredResource>, stalled: ReadonlySet<string>): void {
    this.resources.update(valid, stalled);
    const needed = new Set(this.resources.list().flatMap((r) => logGroupsOf(r, this.region).map((g) => `LogGroup/${g}`)));
    for (const key of this.status.keys()) if (kindOf(key) === 'LogGroup' && !needed.has(key)) this.status.remove(key);
  }
}
