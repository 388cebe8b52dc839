import type { ServiceDef } from '../context.js';
import { namespaceOperations, settleOperations } from './namespaces.js';
import { cmServiceOperations } from './services.js';
import { cloudMapTarget } from './store.js';

/** The simulated AWS Cloud Map (Route 53 Auto Naming) API. */
export const cloudMapService: ServiceDef = {
  key: 'cloudmap',
  targetPrefix: cloudMapTarget,
  operations: { ...namespaceOperations, ...cmServiceOperations },
  settle: settleOperations,
};
