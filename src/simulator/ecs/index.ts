import type { ServiceDef } from '../context.js';
import { capacityProviderOperations } from './capacityProviders.js';
import { clusterOperations } from './clusters.js';
import { ecsTarget } from './common.js';
import { serviceOperations, settleServices } from './services.js';
import { tagOperations } from './tags.js';
import { taskDefinitionOperations } from './taskDefinitions.js';

/** The simulated Amazon ECS API. */
export const ecsService: ServiceDef = {
  key: 'ecs',
  targetPrefix: ecsTarget,
  operations: { ...clusterOperations, ...capacityProviderOperations, ...taskDefinitionOperations, ...serviceOperations, ...tagOperations },
  settle: settleServices,
};
