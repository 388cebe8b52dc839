import { SimulatorError } from '../errors.js';
import type { Input } from '../input.js';
import { isJsonObject, jsonEqual, type JsonObject } from '../json.js';
import type { ClusterRecord, TaskDefinitionRecord } from '../state.js';
import { isFargateStrategy, resolveServiceStrategy } from './capacityProviders.js';

/** Where a service's tasks run: a launch type or a capacity provider strategy, never both. */
export interface Compute {
  launchType?: string;
  capacityProviderStrategy?: JsonObject[];
}

function invalid(message: string): SimulatorError {
  return new SimulatorError('InvalidParameterException', message);
}

/**
 * CreateService's compute: the launch type or strategy sent (a strategy checked against the
 * cluster's providers), else the cluster's default strategy, else the EC2 launch type
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html: "If no
 * capacityProviderStrategy or launchType is specified, the defaultCapacityProviderStrategy for the
 * cluster is used").
 */
export function computeForCreate(cluster: ClusterRecord, input: Input): Compute {
  const launchType = input.optStr('launchType');
  const strategy = input.optList('capacityProviderStrategy') ?? [];
  if (launchType !== undefined && strategy.length > 0) throw invalid('Specifying both a launch type and capacity provider strategy is not supported.');
  if (strategy.length > 0) return { capacityProviderStrategy: resolveServiceStrategy(cluster, strategy) };
  if (launchType !== undefined) return { launchType };
  if (cluster.defaultCapacityProviderStrategy.length > 0) return { capacityProviderStrategy: structuredClone(cluster.defaultCapacityProviderStrategy) };
  return { launchType: 'EC2' };
}

/**
 * UpdateService's `capacityProviderStrategy`: a strategy replaces the launch type; an empty list
 * goes back to a launch type — the one the service had before, else FARGATE after a Fargate
 * strategy and EC2 after an Auto Scaling one (AWS does not say which; the model's
 * UpdateServiceRequest says only "Pass an empty list"). Undefined when nothing changes.
 */
export function computeForUpdate(cluster: ClusterRecord, spec: JsonObject, strategy: readonly unknown[]): Compute | undefined {
  const current = Array.isArray(spec.capacityProviderStrategy) ? spec.capacityProviderStrategy.filter(isJsonObject) : [];
  if (strategy.length === 0) {
    if (current.length === 0) return undefined;
    const before = typeof spec.launchTypeBeforeStrategy === 'string' ? spec.launchTypeBeforeStrategy : isFargateStrategy(current) ? 'FARGATE' : 'EC2';
    return { launchType: before };
  }
  const resolved = resolveServiceStrategy(cluster, strategy.filter(isJsonObject));
  return jsonEqual(resolved, current) ? undefined : { capacityProviderStrategy: resolved };
}

/** Sets a service's compute on its spec (remembering the launch type a strategy replaces). */
export function applyCompute(spec: JsonObject, compute: Compute): void {
  if (compute.capacityProviderStrategy) {
    if (typeof spec.launchType === 'string') spec.launchTypeBeforeStrategy = spec.launchType;
    delete spec.launchType;
    spec.capacityProviderStrategy = compute.capacityProviderStrategy;
  } else {
    delete spec.capacityProviderStrategy;
    delete spec.launchTypeBeforeStrategy;
    spec.launchType = compute.launchType;
  }
}

/** True when the service runs on Fargate (the launch type, or FARGATE / FARGATE_SPOT providers). */
export function runsOnFargate(spec: JsonObject): boolean {
  if (spec.launchType === 'FARGATE') return true;
  return Array.isArray(spec.capacityProviderStrategy) && isFargateStrategy(spec.capacityProviderStrategy.filter(isJsonObject));
}

/**
 * The operating system a Fargate task definition runs on, as ECS reports it on services and
 * deployments: `Linux` unless `runtimePlatform.operatingSystemFamily` names a Windows family,
 * which is reported as named.
 */
export function platformFamilyOf(td: TaskDefinitionRecord): string {
  const rp = td.body.runtimePlatform;
  const family = isJsonObject(rp) && typeof rp.operatingSystemFamily === 'string' ? rp.operatingSystemFamily : 'LINUX';
  return family === 'LINUX' ? 'Linux' : family;
}

/**
 * The platform version a Fargate deployment runs: `LATEST` resolves to 1.4.0 on Linux and 1.0.0 on
 * Windows (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/platform-linux-fargate.html,
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/platform-windows-fargate.html); the
 * Service keeps what was asked for.
 */
export function resolvedPlatformVersion(requested: string | undefined, platformFamily: string): string {
  if (requested !== undefined && requested !== 'LATEST') return requested;
  return platformFamily === 'Linux' ? '1.4.0' : '1.0.0';
}
