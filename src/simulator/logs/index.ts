import type { ServiceDef } from '../context.js';
import { eventOperations } from './events.js';
import { groupOperations } from './groups.js';

/** The CloudWatch Logs X-Amz-Target prefix. */
export const logsTarget = 'Logs_20140328';

/** The simulated Amazon CloudWatch Logs API. */
export const logsService: ServiceDef = {
  key: 'logs',
  targetPrefix: logsTarget,
  operations: { ...groupOperations, ...eventOperations },
  settle: () => undefined,
};
