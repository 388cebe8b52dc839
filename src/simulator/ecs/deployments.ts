import { epochSeconds, type RequestContext } from '../context.js';
import { randomDigits, uuid } from '../ids.js';
import { compact, isJsonObject, type JsonObject } from '../json.js';
import type { DeploymentRecord, ServiceRecord } from '../state.js';
import { releaseUnusedEndpoints, resolvableEndpointsNow } from './serviceConnect.js';

/** How many events a service keeps (AWS shows the most recent 100). */
const maxEvents = 100;

/** A new ECS deployment id (`ecs-svc/` and 19 digits, as AWS issues them). */
export function newDeploymentId(): string {
  return `ecs-svc/${randomDigits(19)}`;
}

/** Adds a service event (newest first), stamped at `at`. */
export function addEvent(svc: ServiceRecord, at: number, message: string): void {
  svc.events.unshift({ id: uuid(), createdAt: at, message });
  if (svc.events.length > maxEvents) svc.events.length = maxEvents;
}

/** The running count of a deployment at instant `t`, interpolated along its current ramp. */
export function runningAt(d: DeploymentRecord, rampTo: number, t: number): number {
  if (t >= d.rampEndAt || d.rampEndAt <= d.rampStartAt) return rampTo;
  if (t <= d.rampStartAt) return d.rampFrom;
  const f = (t - d.rampStartAt) / (d.rampEndAt - d.rampStartAt);
  return Math.round(d.rampFrom + (rampTo - d.rampFrom) * f);
}

/** Where a deployment's ramp heads: its desired count, or 0 once it has failed or its tasks keep failing. */
function rampTarget(d: DeploymentRecord): number {
  return d.rolloutState === 'FAILED' || d.failing === true ? 0 : d.desiredCount;
}

/** Restarts a deployment's ramp from its count at `at` towards a new target, ending at `endAt`. */
export function retarget(d: DeploymentRecord, at: number, endAt: number): void {
  d.rampFrom = runningAt(d, rampTarget(d), at);
  d.runningCount = d.rampFrom;
  d.rampStartAt = at;
  d.rampEndAt = endAt;
}

/** The circuit-breaker threshold: half the desired count, clamped to [3, 200]. */
export function failureThreshold(desired: number): number {
  return Math.min(200, Math.max(3, Math.ceil(desired / 2)));
}

function circuitBreaker(svc: ServiceRecord): { enable: boolean; rollback: boolean } {
  const dc = svc.spec.deploymentConfiguration;
  const cb = isJsonObject(dc) ? dc.deploymentCircuitBreaker : undefined;
  return { enable: isJsonObject(cb) && cb.enable === true, rollback: isJsonObject(cb) && cb.rollback === true };
}

function primaryOf(svc: ServiceRecord): DeploymentRecord | undefined {
  return svc.deployments.find((d) => d.status === 'PRIMARY');
}

/** Members a deployment carries that a rollback restores on the service. */
const deploymentScoped = ['launchType', 'capacityProviderStrategy', 'networkConfiguration', 'volumeConfigurations', 'vpcLatticeConfigurations'] as const;

/**
 * Tasks of a deployment start failing at `at`. Without the circuit breaker ECS keeps launching
 * them and the rollout never completes. With it the deployment fails once the failed tasks reach
 * the threshold (half the desired count, clamped to [3, 200]); with rollback enabled ECS starts a
 * new deployment of the last COMPLETED one, and the service takes that deployment's configuration
 * back (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html,
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentCircuitBreaker.html).
 */
function trip(ctx: RequestContext, svc: ServiceRecord, failed: DeploymentRecord, at: number): void {
  retarget(failed, at, at);
  delete failed.failAt;
  const breaker = circuitBreaker(svc);
  if (!breaker.enable) {
    failed.failing = true;
    failed.failedTasks = failureThreshold(failed.desiredCount);
    failed.runningCount = 0;
    failed.rampFrom = 0;
    failed.updatedAt = at;
    addEvent(svc, at, `(service ${svc.serviceName}) is unable to consistently start tasks successfully. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.`);
    return;
  }
  failed.rolloutState = 'FAILED';
  failed.rolloutStateReason = 'ECS deployment circuit breaker: tasks failed to start.';
  failed.failedTasks = failureThreshold(failed.desiredCount);
  failed.runningCount = 0;
  failed.rampFrom = 0;
  failed.updatedAt = at;
  addEvent(svc, at, `(service ${svc.serviceName}) (deployment ${failed.id}) deployment failed: tasks failed to start.`);
  const target = svc.deployments.find((d) => d !== failed && d.rolloutState === 'COMPLETED');
  if (!breaker.rollback || !target) return;
  failed.status = 'ACTIVE';
  const end = at + ctx.clock.real(ctx.clock.timings.deploymentMs);
  const rollback: DeploymentRecord = {
    ...structuredClone(target),
    id: newDeploymentId(),
    status: 'PRIMARY',
    desiredCount: svc.desiredCount,
    runningCount: 0,
    pendingCount: 0,
    failedTasks: 0,
    createdAt: at,
    updatedAt: at,
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: `ECS deployment circuit breaker: rolling back to deploymentId ${target.id}.`,
    rampFrom: 0,
    rampStartAt: at,
    rampEndAt: end,
  };
  delete rollback.failAt;
  delete rollback.failing;
  // The rollback's tasks start now: they resolve the endpoints that exist now.
  const resolvable = resolvableEndpointsNow(ctx, rollback.serviceConnectConfiguration);
  if (resolvable) rollback.resolvableEndpoints = resolvable;
  else delete rollback.resolvableEndpoints;
  target.status = 'ACTIVE';
  target.desiredCount = 0;
  retarget(target, at, end);
  svc.deployments.unshift(rollback);
  svc.taskDefinition = rollback.taskDefinition;
  for (const m of deploymentScoped) {
    const v = rollback[m];
    if (v === undefined) delete svc.spec[m];
    else svc.spec[m] = structuredClone(v);
  }
  addEvent(svc, at, `(service ${svc.serviceName}) rolling back to deployment ${target.id}.`);
}

function complete(ctx: RequestContext, svc: ServiceRecord, primary: DeploymentRecord, at: number): void {
  primary.rolloutState = 'COMPLETED';
  primary.rolloutStateReason = `ECS deployment ${primary.id} completed.`;
  primary.updatedAt = at;
  svc.deployments = [primary];
  releaseUnusedEndpoints(ctx, svc);
  addEvent(svc, at, `(service ${svc.serviceName}) (deployment ${primary.id}) deployment completed.`);
}

/**
 * Applies every transition of a service that is due by `ctx.now`, in time order (circuit-breaker
 * trips, rollout completion, DRAINING -> INACTIVE), then refreshes the running counts.
 */
export function settleService(ctx: RequestContext, svc: ServiceRecord): void {
  if (!svc.busy) return;
  const now = ctx.now;
  for (let guard = 0; guard < 100; guard++) {
    if (svc.status === 'DRAINING' && svc.inactiveAt !== undefined && svc.inactiveAt <= now) {
      svc.status = 'INACTIVE';
      svc.purgeAt = svc.inactiveAt + ctx.clock.real(ctx.clock.timings.purgeMs);
      svc.deployments = [];
      releaseUnusedEndpoints(ctx, svc);
      svc.busy = false;
      return;
    }
    const primary = primaryOf(svc);
    if (!primary || primary.rolloutState !== 'IN_PROGRESS' || svc.status !== 'ACTIVE') break;
    if (primary.failAt !== undefined && primary.failAt <= now) {
      trip(ctx, svc, primary, primary.failAt);
      continue;
    }
    if (primary.failAt === undefined && primary.failing !== true && primary.rampEndAt <= now) {
      complete(ctx, svc, primary, primary.rampEndAt);
      continue;
    }
    break;
  }
  let quiet = svc.status !== 'DRAINING';
  let rampsEnded = true;
  for (const d of svc.deployments) {
    d.runningCount = runningAt(d, rampTarget(d), now);
    d.pendingCount = d.rampEndAt > now ? Math.max(0, rampTarget(d) - d.runningCount) : 0;
    if (d.rampEndAt > now || d.failAt !== undefined) rampsEnded = false;
    if (d.status === 'PRIMARY' && d.rolloutState === 'IN_PROGRESS') quiet = false;
  }
  if (quiet && rampsEnded) {
    svc.busy = false;
    // A service that stops changing reports it once, as AWS does after a rollout or scaling.
    if (primaryOf(svc)?.rolloutState === 'COMPLETED') {
      addEvent(svc, Math.max(...svc.deployments.map((d) => d.rampEndAt)), `(service ${svc.serviceName}) has reached a steady state.`);
    }
  }
}

/** A deployment as DescribeServices returns it. */
export function renderDeployment(d: DeploymentRecord): JsonObject {
  return compact({
    id: d.id,
    status: d.status,
    taskDefinition: d.taskDefinition,
    desiredCount: d.desiredCount,
    pendingCount: d.pendingCount,
    runningCount: d.runningCount,
    failedTasks: d.failedTasks,
    createdAt: epochSeconds(d.createdAt),
    updatedAt: epochSeconds(d.updatedAt),
    capacityProviderStrategy: d.capacityProviderStrategy,
    launchType: d.launchType,
    platformVersion: d.platformVersion,
    platformFamily: d.platformFamily,
    networkConfiguration: d.networkConfiguration,
    rolloutState: d.rolloutState,
    rolloutStateReason: d.rolloutStateReason,
    serviceConnectConfiguration: d.serviceConnectConfiguration,
    serviceConnectResources: d.serviceConnectResources?.map((r) => ({ discoveryName: r.discoveryName, discoveryArn: r.discoveryArn })),
    volumeConfigurations: d.volumeConfigurations,
    vpcLatticeConfigurations: d.vpcLatticeConfigurations,
  });
}
