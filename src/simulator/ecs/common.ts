import { arnOf, type RequestContext } from '../context.js';
import { SimulatorError } from '../errors.js';
import type { Json, JsonObject } from '../json.js';
import type { ClusterRecord, ServiceRecord, TagMap } from '../state.js';
import type { Input } from '../input.js';
import { checkEcsTag, checkTagCount } from '../validation/tags.js';

/** The ECS X-Amz-Target prefix. */
export const ecsTarget = 'AmazonEC2ContainerServiceV20141113';

/** Short name from a cluster name or ARN (`arn:...:cluster/NAME`). */
export function clusterNameOf(ref: string): string {
  const i = ref.indexOf(':cluster/');
  return i >= 0 ? ref.slice(i + ':cluster/'.length) : ref;
}

/** The cluster a request names (default `default`), or ClusterNotFoundException. */
export function requireCluster(ctx: RequestContext, ref: string | undefined): ClusterRecord {
  const name = clusterNameOf(ref ?? 'default');
  const c = ctx.state.ecs.clusters[name];
  if (!c || c.status !== 'ACTIVE') throw new SimulatorError('ClusterNotFoundException', 'Cluster not found.');
  return c;
}

/** Cluster ARN for a name. */
export function clusterArn(ctx: RequestContext, name: string): string {
  return arnOf(ctx, 'ecs', `cluster/${name}`);
}

/** Short service name from a name or a (long- or short-format) service ARN. */
export function serviceNameOf(ref: string): string {
  const i = ref.indexOf(':service/');
  if (i < 0) return ref;
  const rest = ref.slice(i + ':service/'.length);
  const slash = rest.lastIndexOf('/');
  return slash >= 0 ? rest.slice(slash + 1) : rest;
}

/** The services of a cluster (created empty on first use). */
export function servicesOf(ctx: RequestContext, clusterName: string): Record<string, ServiceRecord> {
  let s = ctx.state.ecs.services[clusterName];
  if (!s) {
    s = {};
    ctx.state.ecs.services[clusterName] = s;
  }
  return s;
}

/** ECS tags on the wire: `[{key, value}]`. */
export function renderTags(tags: TagMap): Json[] {
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}

/** Reads ECS `tags` input, applying AWS's tag limits (validation/tags.ts). */
export function readTags(input: Input, key = 'tags'): TagMap {
  const out: TagMap = {};
  for (const t of input.optObjList(key) ?? []) {
    const k = typeof t.key === 'string' ? t.key : '';
    const v = typeof t.value === 'string' ? t.value : '';
    checkEcsTag(k, v, 'InvalidParameterException');
    out[k] = v;
  }
  checkTagCount({}, out, 'InvalidParameterException');
  return out;
}

/** Merges `add` into `tags`, enforcing the 50-tag limit. */
export function mergeTags(tags: TagMap, add: TagMap): void {
  checkTagCount(tags, add, 'InvalidParameterException');
  Object.assign(tags, add);
}

/** `include` contains `value` (e.g. TAGS). */
export function includes(input: Input, value: string): boolean {
  return (input.optStrList('include') ?? []).includes(value);
}

/** Offset-based pagination shared by the ECS list operations. */
export function paginate<T>(items: readonly T[], input: Input, defaultMax: number, maxMax: number): { page: T[]; nextToken?: string } {
  const max = input.optNum('maxResults') ?? defaultMax;
  if (max < 1 || max > maxMax) throw input.invalid(`maxResults must be between 1 and ${maxMax}.`);
  const token = input.optStr('nextToken');
  let start = 0;
  if (token !== undefined) {
    start = Number.parseInt(Buffer.from(token, 'base64url').toString('utf8'), 10);
    if (!Number.isInteger(start) || start < 0) throw input.invalid('Invalid nextToken.');
  }
  const page = items.slice(start, start + max);
  const next = start + max < items.length ? Buffer.from(String(start + max)).toString('base64url') : undefined;
  return next === undefined ? { page } : { page, nextToken: next };
}

/** An object's member as an object (for nested input), or undefined. */
export function objectMember(obj: JsonObject | undefined, key: string): JsonObject | undefined {
  const v = obj?.[key];
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;
}
