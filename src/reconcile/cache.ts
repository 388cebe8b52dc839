/**
 * What the controller remembers across passes within one process. Task definition revisions are
 * immutable, so a described revision is never described again; everything else is a hint that a
 * later read corrects.
 */
import type { LiveTaskDefinition, TagMap } from './ports.js';

const MAX_DESCRIBED = 4096;

export class ObserverCache {
  /** Content hash by task definition ARN, for revisions whose hash is known. */
  readonly hashByArn = new Map<string, string>();
  /** family -> hash -> newest revision with that hash. */
  private readonly byFamily = new Map<string, Map<string, { arn: string; revision: number }>>();
  /** Described revisions by ARN (bounded; oldest dropped first). */
  private readonly described = new Map<string, LiveTaskDefinition>();
  /** Namespace tags by ARN, as last read or written. */
  readonly namespaceTags = new Map<string, TagMap>();
  /**
   * Rollouts the deployment circuit breaker failed, by `cluster/service`: the task definition they
   * tried and what the service events said. The same spec is not rolled out again until its
   * manifest changes; AWS drops the failed deployment from the service soon, so it is remembered.
   */
  readonly failedRollouts = new Map<string, { taskDefinition: string; message: string }>();
  /** Deployments this process started and has not seen finish, by `cluster/service`. */
  readonly pendingRollouts = new Map<string, { deploymentId: string; taskDefinition: string }>();
  /** Log groups known to exist, with their retention (undefined = never expire). */
  readonly logGroups = new Map<string, { retentionInDays?: number }>();

  /** A described revision, if this process has seen it. */
  describedTaskDefinition(arn: string): LiveTaskDefinition | undefined {
    return this.described.get(arn);
  }

  /** Remembers a described (or just registered) revision. */
  rememberTaskDefinition(td: LiveTaskDefinition, hash?: string): void {
    if (this.described.size >= MAX_DESCRIBED) {
      const oldest = this.described.keys().next().value;
      if (oldest !== undefined) this.described.delete(oldest);
    }
    this.described.set(td.arn, td);
    if (hash !== undefined) this.rememberHash(td.arn, hash);
  }

  /** Remembers that a revision has a given content hash. */
  rememberHash(arn: string, hash: string): void {
    this.hashByArn.set(arn, hash);
    const tail = arn.slice(arn.lastIndexOf('/') + 1);
    const colon = tail.lastIndexOf(':');
    const family = tail.slice(0, colon);
    const revision = Number(tail.slice(colon + 1));
    let byHash = this.byFamily.get(family);
    if (!byHash) {
      byHash = new Map();
      this.byFamily.set(family, byHash);
    }
    const known = byHash.get(hash);
    if (!known || known.revision < revision) byHash.set(hash, { arn, revision });
  }

  /** The newest known revision ARN of `family` whose hash is `hash`. */
  findRevision(family: string, hash: string): string | undefined {
    return this.byFamily.get(family)?.get(hash)?.arn;
  }
}
