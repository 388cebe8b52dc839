/**
 * The planner: desired resources + observed state -> an ordered plan. Pure: no I/O, no clock.
 * Each kind is planned in its own module (plan-namespace, plan-cluster, plan-task-definition,
 * plan-service); what a pass adds to running services is plan-endpoints, deletions plan-prune.
 */
import type { DesiredResource, DesiredResourceOf, ResourceKey } from '../manifests/model.js';
import type { ObservedState } from './observed.js';
import { planCluster } from './plan-cluster.js';
import { planContext, type PlanContext, type PlanOptions } from './plan-context.js';
import { planNewEndpoints } from './plan-endpoints.js';
import { planNamespace } from './plan-namespace.js';
import { planPrune } from './plan-prune.js';
import { holdCreatesOnTakenNames, planService, type TakenNames } from './plan-service.js';
import { holdRegistrationsOfRefusedReplaces, planTaskDefinition } from './plan-task-definition.js';
import type { Plan, ResourcePlan } from './plan-types.js';

export type { PlanOptions } from './plan-context.js';

/** Plans the changes that take observed state to the desired resources (log groups come from `withLogGroups`). */
export function planChanges(desired: readonly DesiredResource[], observed: ObservedState, opts: PlanOptions): Plan {
  const ctx = planContext(desired, observed, opts);
  const plans = new Map<ResourceKey, ResourcePlan>();
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
  holdRegistrationsOfRefusedReplaces(plans, services, ctx);
  const notes: string[] = [];
  planNewEndpoints(services, plans, ctx, notes);
  let pruneRefused: string | undefined;
  const prune = planPrune(desired, ctx, notes, (reason) => (pruneRefused = reason));
  holdCreatesOnTakenNames(services, plans, takenNames(prune, ctx), ctx);
  const resources = [...plans.values(), ...prune];
  resources.sort((a, b) => a.phase - b.phase || a.key.localeCompare(b.key));
  return { resources, notes, ...(pruneRefused !== undefined ? { pruneRefused } : {}) };
}

/** Discovery names held by the services this plan deletes and by those this process deleted that still drain. */
function takenNames(prune: readonly ResourcePlan[], ctx: PlanContext): TakenNames[] {
  const out: TakenNames[] = ctx.observed.draining.map((d) => ({ namespace: d.namespace, discoveryNames: d.discoveryNames, by: `service ${d.cluster}/${d.service}, deleted and still DRAINING` }));
  for (const p of prune) {
    for (const s of p.steps) if (s.op === 'deleteService' && s.published) out.push({ ...s.published, by: `${p.key}, which this pass deletes` });
  }
  return out;
}
