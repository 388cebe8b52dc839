/**
 * The planner: desired resources + observed state -> an ordered plan. Pure: no I/O, no clock.
 * Each kind is planned in its own module (plan-namespace, plan-cluster, plan-task-definition,
 * plan-service); what a pass adds to running services is plan-endpoints, deletions plan-prune.
 */
import type { DesiredResource, DesiredResourceOf } from '../manifests/model.js';
import type { ObservedState } from './observed.js';
import { planCluster } from './plan-cluster.js';
import { planContext, type PlanOptions } from './plan-context.js';
import { planNewEndpoints } from './plan-endpoints.js';
import { planNamespace } from './plan-namespace.js';
import { planPrune } from './plan-prune.js';
import { planService } from './plan-service.js';
import { planTaskDefinition } from './plan-task-definition.js';
import type { Plan, ResourcePlan } from './plan-types.js';

export type { PlanOptions } from './plan-context.js';

/** Plans the changes that take observed state to the desired resources (log groups come from `withLogGroups`). */
export function planChanges(desired: readonly DesiredResource[], observed: ObservedState, opts: PlanOptions): Plan {
  const ctx = planContext(desired, observed, opts);
  const plans = new Map<string, ResourcePlan>();
  const services: DesiredResourceOf<'Service'>[] = [];
  for (const r of desired) {
    switch (r.kind) {
      case 'Namespace':
        plans.set(r.key, planNamespace(r, ctx));
        break;
      case 'Cluster':
        plans.set(r.key, planCluster(r, ctx));
        break;
      case 'TaskDefinition': {
        const td = ctx.taskDefinitions.get(r.name);
        if (td) plans.set(r.key, planTaskDefinition(td, ctx));
        break;
      }
      case 'Service':
        services.push(r);
        plans.set(r.key, planService(r, ctx));
        break;
      default: {
        const never: never = r;
        throw new Error(`unknown kind ${String(never)}`);
      }
    }
  }
  const notes: string[] = [];
  planNewEndpoints(services, plans, ctx, notes);
  let pruneRefused: string | undefined;
  const resources = [...plans.values(), ...planPrune(desired, ctx, notes, (reason) => (pruneRefused = reason))];
  resources.sort((a, b) => a.phase - b.phase || a.key.localeCompare(b.key));
  return { resources, notes, ...(pruneRefused !== undefined ? { pruneRefused } : {}) };
}
