import { arnOf, type OperationDef, type RequestContext } from '../context.js';
import { SimulatorError } from '../errors.js';
import type { Input } from '../input.js';
import { compact, isJsonObject, type Json, type JsonObject } from '../json.js';
import type { CapacityProviderRecord, ClusterRecord } from '../state.js';
import { includes, readTags, renderTags } from './common.js';

/**
 * The Fargate capacity providers every account has; they need only be associated with a cluster
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html).
 */
const fargateProviders: readonly string[] = ['FARGATE', 'FARGATE_SPOT'];

/** True for FARGATE and FARGATE_SPOT. */
export function isFargateProvider(name: string): boolean {
  return fargateProviders.includes(name);
}

function invalid(message: string): SimulatorError {
  return new SimulatorError('InvalidParameterException', message);
}

/** AWS's answer to a strategy naming a provider the cluster lacks (dask/dask-cloudprovider#328). */
const notAssociated =
  'The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.';

function providersOf(ctx: RequestContext): Record<string, CapacityProviderRecord> {
  return (ctx.state.ecs.capacityProviders ??= {});
}

/** The short name of a capacity provider named by name or ARN. */
function providerNameOf(ref: string): string {
  const i = ref.indexOf(':capacity-provider/');
  return i >= 0 ? ref.slice(i + ':capacity-provider/'.length) : ref;
}

/** True when `name` is a provider the account can associate: FARGATE, FARGATE_SPOT or one of its ACTIVE Auto Scaling providers. */
function providerExists(ctx: RequestContext, name: string): boolean {
  return isFargateProvider(name) || providersOf(ctx)[name]?.status === 'ACTIVE';
}

/**
 * A strategy with AWS's defaults filled in (`base` 0, `weight` 0), every provider checked against
 * `associated` (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html).
 */
function resolveStrategy(strategy: readonly Json[], associated: readonly string[]): JsonObject[] {
  return strategy.map((item) => {
    if (!isJsonObject(item) || typeof item.capacityProvider !== 'string' || item.capacityProvider === '') throw invalid('capacityProviderStrategy.capacityProvider must be specified.');
    if (!associated.includes(item.capacityProvider)) throw invalid(notAssociated);
    return { capacityProvider: item.capacityProvider, weight: item.weight ?? 0, base: item.base ?? 0 };
  });
}

/**
 * Validates a cluster's providers and default strategy (CreateCluster, PutClusterCapacityProviders):
 * each provider exists, the default strategy names only providers of the list
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PutClusterCapacityProviders.html).
 */
export function resolveClusterProviders(ctx: RequestContext, providers: readonly string[], strategy: readonly Json[]): { capacityProviders: string[]; defaultCapacityProviderStrategy: JsonObject[] } {
  const names = providers.map(providerNameOf);
  for (const name of names) {
    if (!providerExists(ctx, name)) throw invalid(`The specified capacity provider ${name} was not found. Specify a valid capacity provider and try again.`);
  }
  return { capacityProviders: [...new Set(names)], defaultCapacityProviderStrategy: resolveStrategy(strategy, names) };
}

/**
 * Validates a service's strategy against its cluster: only providers associated with the cluster,
 * and not Fargate and Auto Scaling providers mixed
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html).
 */
export function resolveServiceStrategy(cluster: ClusterRecord, strategy: readonly Json[]): JsonObject[] {
  const resolved = resolveStrategy(strategy, cluster.capacityProviders);
  const fargate = resolved.filter((s) => isFargateProvider(String(s.capacityProvider))).length;
  if (fargate > 0 && fargate < resolved.length) {
    throw invalid('The capacity provider strategy cannot contain a mix of capacity providers using Auto Scaling groups and Fargate providers. Specify one or the other and try again.');
  }
  return resolved;
}

/** True when a strategy runs on Fargate (FARGATE / FARGATE_SPOT). */
export function isFargateStrategy(strategy: readonly JsonObject[]): boolean {
  return strategy.length > 0 && strategy.every((s) => isFargateProvider(String(s.capacityProvider)));
}

function renderProvider(ctx: RequestContext, name: string, withTags: boolean): JsonObject {
  const p = providersOf(ctx)[name];
  if (!p) return { capacityProviderArn: arnOf(ctx, 'ecs', `capacity-provider/${name}`), name, status: 'ACTIVE', tags: withTags ? [] : undefined };
  return compact({
    capacityProviderArn: p.arn,
    name: p.name,
    status: p.status,
    autoScalingGroupProvider: p.autoScalingGroupProvider,
    updateStatus: p.updateStatus,
    tags: withTags ? renderTags(p.tags) : undefined,
  });
}

/** Fills the Auto Scaling provider defaults AWS returns (managed scaling and termination protection off). */
function autoScalingGroupProvider(input: Input): JsonObject {
  const asg = input.optObj('autoScalingGroupProvider');
  if (!asg || typeof asg.autoScalingGroupArn !== 'string') throw input.invalid('autoScalingGroupProvider.autoScalingGroupArn must be specified.');
  const scaling = isJsonObject(asg.managedScaling) ? asg.managedScaling : {};
  return compact({
    ...asg,
    managedScaling: { status: 'DISABLED', targetCapacity: 100, minimumScalingStepSize: 1, maximumScalingStepSize: 10000, instanceWarmupPeriod: 300, ...scaling },
    managedTerminationProtection: asg.managedTerminationProtection ?? 'DISABLED',
    managedDraining: asg.managedDraining ?? 'ENABLED',
  });
}

/** The clusters a provider is associated with. */
function clustersUsing(ctx: RequestContext, name: string): ClusterRecord[] {
  return Object.values(ctx.state.ecs.clusters).filter((c) => c.status === 'ACTIVE' && c.capacityProviders.includes(name));
}

/** Capacity provider operations. */
export const capacityProviderOperations: Record<string, OperationDef> = {
  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCapacityProvider.html
  CreateCapacityProvider: {
    kind: 'write',
    category: 'ecs.clusterWrite',
    handle(ctx, input) {
      const name = input.str('name');
      if (/^(aws|ecs|fargate)/i.test(name)) throw new SimulatorError('ClientException', 'The capacity provider name cannot be prefixed with "aws", "ecs", or "fargate".');
      const existing = providersOf(ctx)[name];
      if (existing?.status === 'ACTIVE') {
        throw new SimulatorError('ClientException', 'The specified capacity provider already exists. To change the configuration of an existing capacity provider, update the capacity provider.');
      }
      const asg = autoScalingGroupProvider(input);
      const taken = Object.values(providersOf(ctx)).find((p) => p.status === 'ACTIVE' && p.autoScalingGroupProvider.autoScalingGroupArn === asg.autoScalingGroupArn);
      if (taken) throw new SimulatorError('ClientException', 'The specified Auto Scaling group ARN is already being used by another capacity provider. Specify a unique Auto Scaling group ARN and try again.');
      const p: CapacityProviderRecord = { name, arn: arnOf(ctx, 'ecs', `capacity-provider/${name}`), status: 'ACTIVE', autoScalingGroupProvider: asg, tags: readTags(input) };
      providersOf(ctx)[name] = p;
      return { capacityProvider: renderProvider(ctx, name, true) };
    },
  },
  // FARGATE and FARGATE_SPOT are always there: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeCapacityProviders.html
  DescribeCapacityProviders: {
    kind: 'read',
    category: 'ecs.clusterRead',
    handle(ctx, input) {
      const withTags = includes(input, 'TAGS');
      const refs = input.optStrList('capacityProviders');
      const all = [...fargateProviders, ...Object.values(providersOf(ctx)).filter((p) => p.status === 'ACTIVE').map((p) => p.name)];
      if (refs === undefined) return { capacityProviders: all.map((n) => renderProvider(ctx, n, withTags)), failures: [] };
      const found: JsonObject[] = [];
      const failures: JsonObject[] = [];
      for (const ref of refs) {
        const name = providerNameOf(ref);
        if (all.includes(name)) found.push(renderProvider(ctx, name, withTags));
        else failures.push({ arn: ref.startsWith('arn:') ? ref : arnOf(ctx, 'ecs', `capacity-provider/${name}`), reason: 'MISSING' });
      }
      return { capacityProviders: found, failures };
    },
  },
  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteCapacityProvider.html
  DeleteCapacityProvider: {
    kind: 'write',
    category: 'ecs.clusterWrite',
    handle(ctx, input) {
      const name = providerNameOf(input.str('capacityProvider'));
      if (isFargateProvider(name)) throw new SimulatorError('ClientException', 'The Fargate capacity providers cannot be deleted.');
      const p = providersOf(ctx)[name];
      if (p?.status !== 'ACTIVE') throw new SimulatorError('ClientException', 'The specified capacity provider does not exist. Specify a valid name or ARN and try again.');
      const using = clustersUsing(ctx, name);
      if (using.length > 0) {
        throw new SimulatorError('ResourceInUseException', `The specified capacity provider is in use by cluster ${using[0]?.clusterName ?? ''}. Remove it from the cluster with PutClusterCapacityProviders and try again.`);
      }
      p.status = 'INACTIVE';
      p.updateStatus = 'DELETE_COMPLETE';
      return { capacityProvider: renderProvider(ctx, name, false) };
    },
  },
};
