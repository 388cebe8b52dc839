import { arnOf, type OperationDef, type RequestContext } from '../context.js';
import { SimulatorError } from '../errors.js';
import type { Input } from '../input.js';
import { compact, type JsonObject } from '../json.js';
import type { LogGroupRecord, TagMap } from '../state.js';

/** Retention values PutRetentionPolicy accepts (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html). */
const retentionDays = new Set([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]);

/** The log-group ARN without the trailing `:*` (the form the tagging APIs take). */
export function logGroupArn(ctx: RequestContext, name: string): string {
  return arnOf(ctx, 'logs', `log-group:${name}`);
}

/** The log group `logGroupName` names, or ResourceNotFoundException. */
export function requireGroup(ctx: RequestContext, input: Input, key = 'logGroupName'): LogGroupRecord {
  const name = input.str(key);
  const g = ctx.state.logs.groups[name];
  if (!g) throw new SimulatorError('ResourceNotFoundException', 'The specified log group does not exist.');
  return g;
}

/** A log group as DescribeLogGroups returns it. */
function renderGroup(ctx: RequestContext, g: LogGroupRecord): JsonObject {
  let storedBytes = 0;
  for (const s of Object.values(g.streams)) storedBytes += s.storedBytes;
  return compact({
    logGroupName: g.logGroupName,
    creationTime: g.creationTime,
    retentionInDays: g.retentionInDays,
    metricFilterCount: 0,
    arn: `${logGroupArn(ctx, g.logGroupName)}:*`,
    storedBytes,
    kmsKeyId: g.kmsKeyId,
    logGroupClass: g.logGroupClass,
    logGroupArn: logGroupArn(ctx, g.logGroupName),
  });
}

/**
 * Tags added to an existing log group: past 50 the tagging calls answer TooManyTagsException
 * (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_TagResource.html).
 */
function addTags(input: Input, resourceName: string, tags: TagMap, add: TagMap): void {
  if (Object.keys({ ...tags, ...add }).length > 50) throw new SimulatorError('TooManyTagsException', 'A resource can have no more than 50 tags.', undefined, { resourceName });
  checkTags(input, add);
  Object.assign(tags, add);
}

function checkTags(input: Input, tags: TagMap): TagMap {
  if (Object.keys(tags).length > 50) throw input.invalid('A log group can have at most 50 tags.');
  for (const [k, v] of Object.entries(tags)) {
    if (k.length < 1 || k.length > 128 || v.length > 256) throw input.invalid('Tag keys must be 1-128 and values at most 256 characters.');
  }
  return tags;
}

/** The tag map of the log group a (tagging-API) ARN designates. */
function tagsByArn(ctx: RequestContext, input: Input): TagMap {
  const arn = input.str('resourceArn');
  const m = /^arn:aws:logs:[^:]+:\d+:log-group:(.+?)(:\*)?$/.exec(arn);
  const g = m?.[1] !== undefined ? ctx.state.logs.groups[m[1]] : undefined;
  if (!g) throw new SimulatorError('ResourceNotFoundException', 'The specified resource does not exist.');
  return g.tags;
}

/** Log-group operations. */
export const groupOperations: Record<string, OperationDef> = {
  // https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html
  CreateLogGroup: {
    kind: 'write',
    category: 'logs.CreateLogGroup',
    handle(ctx, input) {
      const name = input.str('logGroupName');
      if (!/^[.\-_/#A-Za-z0-9]{1,512}$/.test(name)) throw input.invalid(`Invalid log group name: ${name}`);
      if (ctx.state.logs.groups[name]) throw new SimulatorError('ResourceAlreadyExistsException', 'The specified log group already exists');
      const g: LogGroupRecord = {
        logGroupName: name,
        creationTime: ctx.now,
        logGroupClass: input.optStr('logGroupClass') ?? 'STANDARD',
        tags: checkTags(input, input.optStrMap('tags') ?? {}),
        streams: {},
      };
      const kms = input.optStr('kmsKeyId');
      if (kms !== undefined) g.kmsKeyId = kms;
      ctx.state.logs.groups[name] = g;
      return {};
    },
  },
  // Sorted by name, at most 50 per page: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogGroups.html
  DescribeLogGroups: {
    kind: 'read',
    category: 'logs.DescribeLogGroups',
    handle(ctx, input) {
      const prefix = input.optStr('logGroupNamePrefix');
      const pattern = input.optStr('logGroupNamePattern');
      if (prefix !== undefined && pattern !== undefined) throw input.invalid('logGroupNamePrefix and logGroupNamePattern are mutually exclusive.');
      // `logGroupIdentifiers`: names (or, in a monitoring account, ARNs) of up to 50 groups; with it
      // "the only other filter that you can choose to specify is includeLinkedAccounts" (the API
      // reference above). A name that names no group is simply not returned.
      const identifiers = input.optStrList('logGroupIdentifiers');
      if (identifiers !== undefined) {
        if (prefix !== undefined || pattern !== undefined) throw input.invalid('logGroupIdentifiers cannot be combined with logGroupNamePrefix or logGroupNamePattern.');
        if (identifiers.length < 1 || identifiers.length > 50) throw input.invalid('logGroupIdentifiers must have between 1 and 50 members.');
      }
      const wanted = identifiers === undefined ? undefined : new Set(identifiers.map((id) => (id.startsWith('arn:') ? id.replace(/:\*$/, '').split(':log-group:')[1] ?? id : id)));
      const limit = input.optNum('limit') ?? 50;
      if (limit < 1 || limit > 50) throw input.invalid('limit must be between 1 and 50.');
      const token = input.optStr('nextToken');
      const after = token === undefined ? undefined : Buffer.from(token, 'base64url').toString('utf8');
      const names = Object.keys(ctx.state.logs.groups)
        .filter((n) => (prefix === undefined || n.startsWith(prefix)) && (pattern === undefined || n.toLowerCase().includes(pattern.toLowerCase())) && (wanted === undefined || wanted.has(n)))
        .filter((n) => after === undefined || n > after)
        .sort();
      const page = names.slice(0, limit);
      const last = page[page.length - 1];
      return compact({
        logGroups: page.map((n) => {
          const g = ctx.state.logs.groups[n];
          return g ? renderGroup(ctx, g) : {};
        }),
        nextToken: names.length > limit && last !== undefined ? Buffer.from(last).toString('base64url') : undefined,
      });
    },
  },
  DeleteLogGroup: {
    kind: 'write',
    category: 'logs.DeleteLogGroup',
    handle(ctx, input) {
      const g = requireGroup(ctx, input);
      delete ctx.state.logs.groups[g.logGroupName];
      return {};
    },
  },
  PutRetentionPolicy: {
    kind: 'write',
    category: 'logs.PutRetentionPolicy',
    handle(ctx, input) {
      const g = requireGroup(ctx, input);
      const days = input.optNum('retentionInDays');
      if (days === undefined || !retentionDays.has(days)) throw input.invalid(`Invalid retentionInDays: ${String(days)}`);
      g.retentionInDays = days;
      return {};
    },
  },
  DeleteRetentionPolicy: {
    kind: 'write',
    category: 'logs.PutRetentionPolicy',
    handle(ctx, input) {
      delete requireGroup(ctx, input).retentionInDays;
      return {};
    },
  },
  // https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_TagResource.html
  TagResource: {
    kind: 'write',
    category: 'logs.tags',
    handle(ctx, input) {
      addTags(input, input.str('resourceArn'), tagsByArn(ctx, input), input.optStrMap('tags') ?? {});
      return {};
    },
  },
  UntagResource: {
    kind: 'write',
    category: 'logs.tags',
    handle(ctx, input) {
      const tags = tagsByArn(ctx, input);
      for (const k of input.optStrList('tagKeys') ?? []) delete tags[k];
      return {};
    },
  },
  ListTagsForResource: {
    kind: 'read',
    category: 'logs.tags',
    handle(ctx, input) {
      return { tags: { ...tagsByArn(ctx, input) } };
    },
  },
  // The older log-group tagging calls, still used by many tools.
  TagLogGroup: {
    kind: 'write',
    category: 'logs.tags',
    handle(ctx, input) {
      const g = requireGroup(ctx, input);
      addTags(input, g.logGroupName, g.tags, input.optStrMap('tags') ?? {});
      return {};
    },
  },
  UntagLogGroup: {
    kind: 'write',
    category: 'logs.tags',
    handle(ctx, input) {
      const g = requireGroup(ctx, input);
      for (const k of input.optStrList('tags') ?? []) delete g.tags[k];
      return {};
    },
  },
  ListTagsLogGroup: {
    kind: 'read',
    category: 'logs.tags',
    handle(ctx, input) {
      return { tags: { ...requireGroup(ctx, input).tags } };
    },
  },
};
