import type { OperationDef, RequestContext } from '../context.js';
import { SimulatorError } from '../errors.js';
import type { Input } from '../input.js';
import type { TagMap } from '../state.js';
import { clusterNameOf, mergeTags, readTags, renderTags } from './common.js';
import { serviceByArn } from './services.js';
import { findTaskDefinition } from './taskDefinitions.js';

/**
 * The tag map of the cluster, service or task definition an ARN designates. ECS answers with the
 * resource's own not-found error (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TagResource.html).
 */
function tagsOf(ctx: RequestContext, input: Input): TagMap {
  const arn = input.str('resourceArn');
  if (!arn.startsWith('arn:')) throw input.invalid('Invalid resourceArn.');
  if (arn.includes(':cluster/')) {
    const c = ctx.state.ecs.clusters[clusterNameOf(arn)];
    if (!c || c.clusterArn !== arn) throw new SimulatorError('ClusterNotFoundException', 'Cluster not found.');
    return c.tags;
  }
  if (arn.includes(':service/')) {
    const svc = serviceByArn(ctx, arn);
    if (!svc || svc.serviceArn !== arn || svc.status === 'INACTIVE') throw new SimulatorError('ServiceNotFoundException', 'Service not found.');
    return svc.tags;
  }
  if (arn.includes(':task-definition/')) {
    const td = findTaskDefinition(ctx, arn);
    if (!td || td.arn !== arn) throw new SimulatorError('ClientException', 'Unable to describe task definition.');
    return td.tags;
  }
  throw input.invalid(`The ARN ${arn} is not a taggable ECS resource.`);
}

/** ECS tagging operations. */
export const tagOperations: Record<string, OperationDef> = {
  TagResource: {
    kind: 'write',
    category: 'ecs.tagWrite',
    handle(ctx, input) {
      const tags = tagsOf(ctx, input);
      const add = readTags(input);
      if (Object.keys(add).length === 0) throw input.invalid('tags must be specified.');
      mergeTags(tags, add);
      return {};
    },
  },
  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UntagResource.html
  UntagResource: {
    kind: 'write',
    category: 'ecs.tagWrite',
    handle(ctx, input) {
      const tags = tagsOf(ctx, input);
      const keys = input.optStrList('tagKeys');
      if (!keys) throw input.invalid('tagKeys must be specified.');
      for (const k of keys) delete tags[k];
      return {};
    },
  },
  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTagsForResource.html
  ListTagsForResource: {
    kind: 'read',
    category: 'ecs.tagRead',
    handle(ctx, input) {
      return { tags: renderTags(tagsOf(ctx, input)) };
    },
  },
};
