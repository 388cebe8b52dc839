/**
 * What the controller remembers across passes within one process. Task definition revisions are
 * immutable, so a described revision is never described again; everything else is a hint that a
 * later read corrects.
 */
import { BoundedMap } from '../util/bounded-map.js';
import { familyOf, revisionNumber } from '../util/arn.js';
import type { JsonObject, LiveCluster, LiveLogGroup, LiveTaskDefinition, TagMap } from './ports.js';

const MAX_DESCRIBED = 1024;
const MAX_CONTENTS = 4096;

/** What a content hash stands for: the canonical definition and the tags a registration carries. */
export interface KnownContent {
  definition: JsonObject;
  tags: TagMap;
}


export class ObserverCache {
  /** Content hash by task definition ARN, for revisions whose hash is known. */
  readonly hashByArn = new Map<string, string>();
  /** family -> hash -> newest revision with that hash. */
  private readonly byFamily = new Map<string, Map<string, { arn: string; revision: number }>>();
  /** Described revisions by ARN (bounded; oldest dropped first). */
  private readonly described = new BoundedMap<string, LiveTaskDefinition>(MAX_DESCRIBED);
  /** Namespace tags by ARN, as last read or written. */
  readonly namespaceTags = new Map<string, TagMap>();
  /** The CreatorRequestId of each namespace read (never changes), by namespace id; null for none. */
  readonly namespaceCreators = new Map<string, string | null>();
  /** Log groups known to exist, with their retention (undefined = never expire) and, once read, their tags. */
  readonly logGroups = new Map<string, Omit<LiveLogGroup, 'name'>>();
  /** Clusters as last described, by name: a pass that only needs a cluster to exist reuses them. */
  readonly clusters = new Map<string, LiveCluster>();
  /**
   * The newest ACTIVE revision of each family, as this process last listed or registered it. A
   * revision registered since by someone else is missed: the next registration then adds one
   * revision more, which is all that assumption can cost.
   */
  private readonly latest = new Map<string, string>();
  /** Content by hash, for hashes whose content this process has seen (bounded; oldest first). */
  private readonly contents = new BoundedMap<string, KnownContent>(MAX_CONTENTS);

  latestRevision(family: string): string | undefined {
    return this.latest.get(family);
  }

  rememberLatest(arn: string): void {
    this.latest.set(familyOf(arn), arn);
  }

  /** What a hash stands for, when this process has seen that content. */
  contentOf(hash: string): KnownContent | undefined {
    return this.contents.get(hash);
  }

  rememberContent(hash: string, content: KnownContent): void {
    this.contents.set(hash, content);
  }

  /** Forgets a deregistered revision, so it is never taken for a live one. */
  forgetTaskDefinition(arn: string): void {
    this.described.delete(arn);
    const hash = this.hashByArn.get(arn);
    this.hashByArn.delete(arn);
    const family = familyOf(arn);
    if (this.latest.get(family) === arn) this.latest.delete(family);
    const byHash = this.byFamily.get(family);
    if (hash !== undefined && byHash?.get(hash)?.arn === arn) byHash.delete(hash);
  }

  /** A described revision, if this process has seen it. */
  describedTaskDefinition(arn: string): LiveTaskDefinition | undefined {
    return this.described.get(arn);
  }

  /** Remembers a described (or just registered) revision. */
  rememberTaskDefinition(td: LiveTaskDefinition, hash?: string): void {
    this.described.set(td.arn, td);
    if (hash !== undefined) this.rememberHash(td.arn, hash);
  }

  /** Updates the tags of a described revision after this process changed them. */
  retagged(arn: string, add: TagMap, remove: readonly string[]): void {
    const td = this.described.get(arn);
    if (!td) return;
    const tags = { ...td.tags, ...add };
    for (const k of remove) delete tags[k];
    this.described.set(arn, { ...td, tags });
  }

  /** Remembers that a revision has a given content hash. */
  rememberHash(arn: string, hash: string): void {
    this.hashByArn.set(arn, hash);
    const family = familyOf(arn);
    const revision = revisionNumber(arn);
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
