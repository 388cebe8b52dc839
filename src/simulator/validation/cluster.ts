/**
 * CreateCluster, UpdateCluster and PutClusterCapacityProviders request validation: the model's
 * shapes, the default strategy's numbers, the cluster name rule and the tag limits. ECS answers `InvalidParameterException`.
 */
import { SimulatorError } from '../errors.js';
import type { JsonObject } from '../json.js';
import { shapeViolation } from './shape.js';
import { checkStrategyNumbers } from './service.js';
import { checkEcsTagList } from './tags.js';

function reject(message: string): never {
  throw new SimulatorError('InvalidParameterException', message);
}

/** The cluster operations whose requests are checked here. */
export type ClusterOperation = 'CreateCluster' | 'UpdateCluster' | 'PutClusterCapacityProviders';

/** Validates a cluster request; throws `InvalidParameterException` for what ECS refuses. */
export function validateClusterRequest(operation: ClusterOperation, raw: JsonObject): void {
  const violation = shapeViolation('ecs', `${operation}Request`, raw);
  if (violation !== undefined) reject(violation);
  checkStrategyNumbers(raw.defaultCapacityProviderStrategy, 'defaultCapacityProviderStrategy');
  if (operation !== 'CreateCluster') return;
  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCluster.html#ECS-CreateCluster-request-clusterName
  if (typeof raw.clusterName === 'string' && !/^[A-Za-z0-9_-]{1,255}$/.test(raw.clusterName)) reject('Cluster name must be 1-255 letters, numbers, hyphens and underscores.');
  checkEcsTagList(raw.tags, 'InvalidParameterException');
}
