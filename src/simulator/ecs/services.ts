import { arnOf, epochSeconds, type OperationDef, type RequestContext } from '../context.js';
import { SimulatorError } from '../errors.js';
import type { Input } from '../input.js';
import { canonical, compact, isJsonObject, jsonEqual, type Json, type JsonObject } from '../json.js';
import type { ClusterRecord, DeploymentRecord, ServiceRecord, TaskDefinitionRecord } from '../state.js';
import { findNamespace } from '../cloudmap/store.js';
import { includes, paginate, readTags, renderTags, requireCluster, serviceNameOf, servicesOf } from './common.js';
import { newDeploymentId, renderDeployment, retarget, settleService } from './deployments.js';
import { registerEndpoints, releaseUnusedEndpoints, resolvableEndpointsNow, resolveServiceConnect, type ResolvedServiceConnect } from './serviceConnect.js';
import { applyCompute, computeForCreate, computeForUpdate, platformFamilyOf, resolvedPlatformVersion, runsOnFargate } from './compute.js';
import { findTaskDefinition, settleTaskDefinitionDeletes } from './taskDefinitions.js';
import { checkLaunchCompatibility, validateCreateService, validateUpdateService } from '../validation/service.js';

/** Members of CreateService echoed back on the Service object as sent (defaults filled in below). */
const echoed = [
  'loadBalancers',
  'serviceRegistries',
  'launchType',
  'capacityProviderStrategy',
  'platformVersion',
  'deploymentConfiguration',
  'placementConstraints',
  'placementStrategy',
  'networkConfiguration',
  'healthCheckGracePeriodSeconds',
  'schedulingStrategy',
  'deploymentController',
  'enableECSManagedTags',
  'propagateTags',
  'enableExecuteCommand',
  'availabilityZoneRebalancing',
  'volumeConfigurations',
  'vpcLatticeConfigurations',
] as const;

/**
 * Members of UpdateService whose change starts a new deployment (besides taskDefinition and SC).
 * `capacityProviderStrategy` is not one: "This parameter doesn't trigger a new service deployment"
 * (the model's UpdateServiceRequest); the next deployment uses it.
 */
const deploymentMembers = ['networkConfiguration', 'platformVersion', 'loadBalancers', 'serviceRegistries', 'volumeConfigurations', 'vpcLatticeConfigurations'] as const;

function invalid(message: string): SimulatorError {
  return new SimulatorError('InvalidParameterException', message);
}

/** AWS's answer to a desiredCount sent for a DAEMON service (kayac/ecspresso#20, eagletmt/hako#65). */
const daemonDesiredCount = 'The daemon scheduling strategy does not support a desired count for services. Remove the desired count value and try again';

/** Resolves the task definition a service names; ECS answers ClientException when it is unknown. */
function requireTaskDefinition(ctx: RequestContext, ref: string): TaskDefinitionRecord {
  const td = findTaskDefinition(ctx, ref);
  if (!td) throw new SimulatorError('ClientException', 'TaskDefinition not found.');
  if (td.status !== 'ACTIVE') throw new SimulatorError('ClientException', 'TaskDefinition is inactive');
  return td;
}

/**
 * Fills the deployment configuration defaults AWS returns: 200/100 % for a REPLICA service, 100/0 %
 * for a DAEMON one (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html).
 */
function deploymentConfiguration(sent: Json | undefined, daemon: boolean): JsonObject {
  const dc = isJsonObject(sent) ? sent : {};
  const cb = isJsonObject(dc.deploymentCircuitBreaker) ? dc.deploymentCircuitBreaker : {};
  return compact({
    ...dc,
    // Every member sent is kept (resetOnHealthyTask, thresholdConfiguration): the Service returns the
    // same DeploymentConfiguration shape (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentCircuitBreaker.html).
    deploymentCircuitBreaker: { ...cb, enable: cb.enable ?? false, rollback: cb.rollback ?? false },
    maximumPercent: dc.maximumPercent ?? (daemon ? 100 : 200),
    minimumHealthyPercent: dc.minimumHealthyPercent ?? (daemon ? 0 : 100),
  });
}

function deploymentControllerType(svc: ServiceRecord): string {
  const dc = svc.spec.deploymentController;
  return isJsonObject(dc) && typeof dc.type === 'string' ? dc.type : 'ECS';
}

function serviceArnOf(ctx: RequestContext, cluster: string, name: string): string {
  return arnOf(ctx, 'ecs', `service/${cluster}/${name}`);
}

/** A service as DescribeServices returns it: Service Connect only inside `deployments[]`. */
export function renderService(svc: ServiceRecord, withTags: boolean): JsonObject {
  const running = svc.deployments.reduce((n, d) => n + d.runningCount, 0);
  const pending = svc.deployments.reduce((n, d) => n + d.pendingCount, 0);
  const s = svc.spec;
  return compact({
    serviceArn: svc.serviceArn,
    serviceName: svc.serviceName,
    clusterArn: svc.clusterArn,
    loadBalancers: s.loadBalancers ?? [],
    serviceRegistries: s.serviceRegistries ?? [],
    status: svc.status,
    desiredCount: svc.desiredCount,
    runningCount: running,
    pendingCount: pending,
    launchType: s.launchType,
    capacityProviderStrategy: s.capacityProviderStrategy,
    platformVersion: s.platformVersion,
    platformFamily: s.platformFamily,
    taskDefinition: svc.taskDefinition,
    deploymentConfiguration: s.deploymentConfiguration,
    deployments: svc.deployments.map(renderDeployment),
    roleArn: s.role,
    events: svc.events.map((e) => ({ id: e.id, createdAt: epochSeconds(e.createdAt), message: e.message })),
    createdAt: epochSeconds(svc.createdAt),
    placementConstraints: s.placementConstraints ?? [],
    placementStrategy: s.placementStrategy ?? [],
    networkConfiguration: s.networkConfiguration,
    healthCheckGracePeriodSeconds: s.healthCheckGracePeriodSeconds,
    schedulingStrategy: s.schedulingStrategy,
    deploymentController: s.deploymentController,
    tags: withTags ? renderTags(svc.tags) : undefined,
    createdBy: s.createdBy,
    enableECSManagedTags: s.enableECSManagedTags,
    propagateTags: s.propagateTags,
    enableExecuteCommand: s.enableExecuteCommand,
    availabilityZoneRebalancing: s.availabilityZoneRebalancing,
  });
}

/** Starts a new PRIMARY deployment; the previous ones become ACTIVE and drain while it rolls out. */
function startDeployment(ctx: RequestContext, svc: ServiceRecord, td: TaskDefinitionRecord, sc: ResolvedServiceConnect | undefined, previousSc: DeploymentRecord | undefined): void {
  const end = ctx.clock.after(ctx.clock.timings.deploymentMs);
  for (const d of svc.deployments) {
    d.status = 'ACTIVE';
    d.desiredCount = 0;
    d.updatedAt = ctx.now;
    retarget(d, ctx.now, end);
  }
  const id = newDeploymentId();
  const dep: DeploymentRecord = {
    id,
    status: 'PRIMARY',
    taskDefinition: td.arn,
    desiredCount: svc.desiredCount,
    runningCount: 0,
    pendingCount: 0,
    failedTasks: 0,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: `ECS deployment ${id} in progress.`,
    rampFrom: 0,
    rampStartAt: ctx.now,
    rampEndAt: end,
  };
  const s = svc.spec;
  if (typeof s.launchType === 'string') dep.launchType = s.launchType;
  if (runsOnFargate(s)) {
    // The Service keeps the version asked for (LATEST); the deployment reports what it resolved to.
    const family = platformFamilyOf(td);
    s.platformFamily = family;
    dep.platformFamily = family;
    dep.platformVersion = resolvedPlatformVersion(typeof s.platformVersion === 'string' ? s.platformVersion : undefined, family);
  } else {
    delete s.platformFamily;
    if (typeof s.platformVersion === 'string') dep.platformVersion = s.platformVersion;
  }
  if (Array.isArray(s.capacityProviderStrategy)) dep.capacityProviderStrategy = s.capacityProviderStrategy.filter(isJsonObject);
  if (isJsonObject(s.networkConfiguration)) dep.networkConfiguration = s.networkConfiguration;
  // AWS returns these two on the deployment only (botocore ecs 2014-11-13 shapes `Deployment` and
  // `Service`); an empty list (UpdateService removing them) is not returned.
  if (Array.isArray(s.volumeConfigurations) && s.volumeConfigurations.length > 0) dep.volumeConfigurations = s.volumeConfigurations.filter(isJsonObject);
  if (Array.isArray(s.vpcLatticeConfigurations) && s.vpcLatticeConfigurations.length > 0) dep.vpcLatticeConfigurations = s.vpcLatticeConfigurations.filter(isJsonObject);
  if (sc) {
    dep.serviceConnectConfiguration = sc.config;
    dep.serviceConnectResources = registerEndpoints(ctx, svc, sc);
  } else if (previousSc?.serviceConnectConfiguration) {
    // Omitting serviceConnectConfiguration on UpdateService keeps the current one.
    dep.serviceConnectConfiguration = previousSc.serviceConnectConfiguration;
    if (previousSc.serviceConnectResources) dep.serviceConnectResources = previousSc.serviceConnectResources;
  }
  const resolvable = resolvableEndpointsNow(ctx, dep.serviceConnectConfiguration);
  if (resolvable) dep.resolvableEndpoints = resolvable;
  if (ctx.effects.some((e) => e.type === 'rolloutFailure')) {
    dep.failAt = ctx.now + (end - ctx.now) / 2;
  }
  svc.deployments.unshift(dep);
  svc.taskDefinition = td.arn;
  svc.busy = true;
  releaseUnusedEndpoints(ctx, svc);
}

function findService(ctx: RequestContext, cluster: ClusterRecord, ref: string): ServiceRecord | undefined {
  return ctx.state.ecs.services[cluster.clusterName]?.[serviceNameOf(ref)];
}

function requireActiveService(ctx: RequestContext, cluster: ClusterRecord, ref: string): ServiceRecord {
  const svc = findService(ctx, cluster, ref);
  if (!svc) throw new SimulatorError('ServiceNotFoundException', 'Service not found.');
  if (svc.status !== 'ACTIVE') throw new SimulatorError('ServiceNotActiveException', 'Service was not ACTIVE.');
  return svc;
}

/**
 * The first answer a `clientToken` got, replayed when the same input comes again: AWS returns the
 * result of the original request without acting again, even if the service has since been deleted
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/ECS_Idempotency.html). The same token
 * with other input is refused. Tokens are scoped to the cluster and expire.
 */
function replayClientToken(ctx: RequestContext, cluster: ClusterRecord, token: string, fingerprint: string): JsonObject | undefined {
  const tokens = (ctx.state.ecs.clientTokens ??= {});
  const key = `${cluster.clusterName}/${token}`;
  const seen = tokens[key];
  if (!seen) return undefined;
  if (seen.expiresAt <= ctx.now) {
    delete tokens[key];
    return undefined;
  }
  if (seen.fingerprint !== fingerprint) throw invalid('Creation of service was not idempotent.');
  return structuredClone(seen.response);
}

function rememberClientToken(ctx: RequestContext, cluster: ClusterRecord, token: string, fingerprint: string, response: JsonObject): void {
  const tokens = (ctx.state.ecs.clientTokens ??= {});
  for (const [key, t] of Object.entries(tokens)) if (t.expiresAt <= ctx.now) delete tokens[key];
  tokens[`${cluster.clusterName}/${token}`] = { fingerprint, response: structuredClone(response), expiresAt: ctx.clock.after(ctx.clock.timings.clientTokenTtlMs) };
}

function createService(ctx: RequestContext, input: Input): JsonObject {
  validateCreateService(input.raw);
  const cluster = requireCluster(ctx, input.optStr('cluster'));
  const name = input.str('serviceName');
  const clientToken = input.optStr('clientToken');
  if (clientToken !== undefined && (clientToken.length > 36 || !/^[\x20-\x7e]*$/.test(clientToken))) {
    throw invalid('clientToken must be at most 36 ASCII characters.');
  }
  const fingerprint = canonical(input.raw);
  const replayed = clientToken === undefined ? undefined : replayClientToken(ctx, cluster, clientToken, fingerprint);
  if (replayed) return replayed;
  const services = servicesOf(ctx, cluster.clusterName);
  const existing = services[name];
  // A name in use by an ACTIVE or DRAINING service cannot be created again; an INACTIVE one's can
  // (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteService.html). The
  // DRAINING message is AWS's own (spinnaker/spinnaker#5476, ewilde/faas-fargate#13).
  if (existing?.status === 'ACTIVE') throw invalid('Creation of service was not idempotent.');
  if (existing?.status === 'DRAINING') throw invalid('Unable to Start a service that is still Draining.');
  const strategy = input.optStr('schedulingStrategy') ?? 'REPLICA';
  const desiredCount = input.optNum('desiredCount');
  if (desiredCount === undefined && strategy === 'REPLICA') throw invalid('desiredCount must be specified for a REPLICA service.');
  if (desiredCount !== undefined && strategy === 'DAEMON') throw invalid(daemonDesiredCount);
  if (desiredCount !== undefined && (desiredCount < 0 || !Number.isInteger(desiredCount))) throw invalid('desiredCount must be a non-negative integer.');
  const compute = computeForCreate(cluster, input);
  const td = requireTaskDefinition(ctx, input.str('taskDefinition'));
  checkLaunchCompatibility({ launchType: compute.launchType, capacityProviderStrategy: compute.capacityProviderStrategy }, td.body);
  if (td.body.networkMode === 'awsvpc' && !input.optObj('networkConfiguration')) {
    throw invalid('Network Configuration must be provided when networkMode \'awsvpc\' is specified.');
  }
  const spec: JsonObject = {};
  for (const m of echoed) if (input.raw[m] !== undefined && input.raw[m] !== null) spec[m] = input.raw[m];
  applyCompute(spec, compute);
  spec.schedulingStrategy = strategy;
  spec.deploymentController = input.optObj('deploymentController') ?? { type: 'ECS' };
  spec.deploymentConfiguration = deploymentConfiguration(spec.deploymentConfiguration, strategy === 'DAEMON');
  spec.enableECSManagedTags = spec.enableECSManagedTags ?? false;
  spec.propagateTags = spec.propagateTags ?? 'NONE';
  spec.enableExecuteCommand = spec.enableExecuteCommand ?? false;
  if (runsOnFargate(spec) && spec.platformVersion === undefined) spec.platformVersion = 'LATEST';
  // ENABLED unless asked otherwise on CreateService (the model's CreateServiceRequest and UpdateServiceRequest).
  spec.availabilityZoneRebalancing = spec.availabilityZoneRebalancing ?? 'ENABLED';
  const role = input.optStr('role');
  if (role !== undefined) spec.role = role.startsWith('arn:') ? role : `arn:aws:iam::${ctx.accountId}:role/${role}`;
  spec.createdBy = `arn:aws:iam::${ctx.accountId}:root`;
  const svc: ServiceRecord = {
    serviceName: name,
    serviceArn: serviceArnOf(ctx, cluster.clusterName, name),
    clusterName: cluster.clusterName,
    clusterArn: cluster.clusterArn,
    status: 'ACTIVE',
    desiredCount: desiredCount ?? 0,
    taskDefinition: td.arn,
    createdAt: ctx.now,
    spec,
    deployments: [],
    events: [],
    tags: readTags(input),
    busy: true,
  };
  const scIn = input.optObj('serviceConnectConfiguration');
  const sc = scIn ? resolveServiceConnect(ctx, scIn, td, cluster, deploymentControllerType(svc), svc.serviceArn) : undefined;
  services[name] = svc;
  startDeployment(ctx, svc, td, sc, undefined);
  const response = { service: renderService(svc, false) };
  if (clientToken !== undefined) rememberClientToken(ctx, cluster, clientToken, fingerprint, response);
  return response;
}

function updateService(ctx: RequestContext, input: Input): JsonObject {
  validateUpdateService(input.raw);
  const cluster = requireCluster(ctx, input.optStr('cluster'));
  const svc = requireActiveService(ctx, cluster, input.str('service'));
  const primary = svc.deployments.find((d) => d.status === 'PRIMARY');
  const tdRef = input.optStr('taskDefinition');
  const td = tdRef !== undefined ? requireTaskDefinition(ctx, tdRef) : findTaskDefinition(ctx, svc.taskDefinition);
  if (!td) throw new SimulatorError('ClientException', 'TaskDefinition not found.');
  checkLaunchCompatibility({ ...svc.spec, ...input.raw }, td.body);
  let redeploy = input.optBool('forceNewDeployment') === true || td.arn !== svc.taskDefinition;
  const desiredCount = input.optNum('desiredCount');
  if (desiredCount !== undefined && svc.spec.schedulingStrategy === 'DAEMON') throw invalid(daemonDesiredCount);
  if (desiredCount !== undefined && (desiredCount < 0 || !Number.isInteger(desiredCount))) throw invalid('desiredCount must be a non-negative integer.');
  const scIn = input.optObj('serviceConnectConfiguration');
  const sc = scIn ? resolveServiceConnect(ctx, scIn, td, cluster, deploymentControllerType(svc), svc.serviceArn) : undefined;
  if (sc && !jsonEqual(sc.config, primary?.serviceConnectConfiguration)) redeploy = true;
  if (!sc && tdRef !== undefined && primary?.serviceConnectConfiguration?.enabled === true) {
    // The kept Service Connect configuration must still match the new task definition's ports.
    resolveServiceConnect(ctx, primary.serviceConnectConfiguration, td, cluster, deploymentControllerType(svc), svc.serviceArn);
  }
  for (const m of deploymentMembers) {
    const v = input.raw[m];
    if (v !== undefined && v !== null && !jsonEqual(v, svc.spec[m])) {
      svc.spec[m] = v;
      redeploy = true;
    }
  }
  const strategyIn = input.optList('capacityProviderStrategy');
  const compute = strategyIn === undefined ? undefined : computeForUpdate(cluster, svc.spec, strategyIn);
  if (compute) {
    applyCompute(svc.spec, compute);
    if (runsOnFargate(svc.spec) && svc.spec.platformVersion === undefined) svc.spec.platformVersion = 'LATEST';
  }
  const dc = input.optObj('deploymentConfiguration');
  if (dc) svc.spec.deploymentConfiguration = deploymentConfiguration({ ...(isJsonObject(svc.spec.deploymentConfiguration) ? svc.spec.deploymentConfiguration : {}), ...dc }, svc.spec.schedulingStrategy === 'DAEMON');
  // UpdateService changes these in place (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html).
  for (const m of ['placementConstraints', 'placementStrategy', 'healthCheckGracePeriodSeconds', 'enableExecuteCommand', 'enableECSManagedTags', 'propagateTags', 'availabilityZoneRebalancing', 'deploymentController'] as const) {
    const v = input.raw[m];
    if (v !== undefined && v !== null) svc.spec[m] = v;
  }
  if (desiredCount !== undefined && desiredCount !== svc.desiredCount) {
    svc.desiredCount = desiredCount;
    if (!redeploy && primary) {
      // A desiredCount-only change scales the current deployment; it starts no new one.
      primary.desiredCount = desiredCount;
      primary.updatedAt = ctx.now;
      retarget(primary, ctx.now, Math.max(primary.rampEndAt, ctx.clock.after(ctx.clock.timings.scalingMs)));
      svc.busy = true;
    }
  }
  if (redeploy) startDeployment(ctx, svc, td, sc, primary);
  return { service: renderService(svc, false) };
}

function deleteService(ctx: RequestContext, input: Input): JsonObject {
  const cluster = requireCluster(ctx, input.optStr('cluster'));
  const svc = findService(ctx, cluster, input.str('service'));
  if (!svc) throw new SimulatorError('ServiceNotFoundException', 'Service not found.');
  // Deleting a DRAINING or INACTIVE service again answers it as it is (aws/aws-cli#1334,
  // aws/aws-sdk-js#4189).
  if (svc.status !== 'ACTIVE') return { service: renderService(svc, false) };
  // `force` is "only necessary ... if the service uses the REPLICA scheduling strategy": a DAEMON
  // service is deleted as it is (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteService.html).
  if (svc.spec.schedulingStrategy !== 'DAEMON' && svc.desiredCount > 0 && input.optBool('force') !== true) {
    throw invalid('The service cannot be stopped while it is scaled above 0.');
  }
  const end = ctx.clock.after(ctx.clock.timings.drainMs);
  svc.status = 'DRAINING';
  svc.desiredCount = 0;
  svc.inactiveAt = end;
  svc.busy = true;
  for (const d of svc.deployments) {
    d.desiredCount = 0;
    retarget(d, ctx.now, end);
  }
  return { service: renderService(svc, false) };
}

/** ECS service operations. */
export const serviceOperations: Record<string, OperationDef> = {
  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html
  CreateService: { kind: 'write', category: 'ecs.serviceWrite', handle: createService },
  // New deployment only when the deployment-relevant configuration changes or forceNewDeployment:
  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html
  UpdateService: { kind: 'write', category: 'ecs.serviceWrite', handle: updateService },
  DeleteService: { kind: 'write', category: 'ecs.serviceWrite', handle: deleteService },
  // At most 10 names; missing ones in failures[]: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServices.html
  DescribeServices: {
    kind: 'read',
    category: 'ecs.serviceRead',
    handle(ctx, input) {
      const cluster = requireCluster(ctx, input.optStr('cluster'));
      const refs = input.optStrList('services');
      if (!refs || refs.length === 0) throw invalid('services must be specified.');
      if (refs.length > 10) throw invalid('service names can have at most 10 items.');
      const withTags = includes(input, 'TAGS');
      const services: JsonObject[] = [];
      const failures: JsonObject[] = [];
      for (const ref of refs) {
        const svc = findService(ctx, cluster, ref);
        if (svc) services.push(renderService(svc, withTags));
        else failures.push({ arn: ref.startsWith('arn:') ? ref : serviceArnOf(ctx, cluster.clusterName, ref), reason: 'MISSING' });
      }
      return { services, failures };
    },
  },
  // DRAINING and INACTIVE services are not listed:
  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteService.html
  ListServices: {
    kind: 'read',
    category: 'ecs.serviceRead',
    handle(ctx, input) {
      const cluster = requireCluster(ctx, input.optStr('cluster'));
      const launchType = input.optStr('launchType');
      const strategy = input.optStr('schedulingStrategy');
      const arns = Object.values(ctx.state.ecs.services[cluster.clusterName] ?? {})
        .filter((s) => s.status === 'ACTIVE')
        .filter((s) => launchType === undefined || s.spec.launchType === launchType)
        .filter((s) => strategy === undefined || s.spec.schedulingStrategy === strategy)
        .map((s) => s.serviceArn);
      const { page, nextToken } = paginate(arns, input, 10, 100);
      return compact({ serviceArns: page, nextToken });
    },
  },
  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListServicesByNamespace.html
  ListServicesByNamespace: {
    kind: 'read',
    category: 'ecs.listServicesByNamespace',
    handle(ctx, input) {
      const ref = input.str('namespace');
      const ns = findNamespace(ctx, ref);
      if (!ns) throw new SimulatorError('NamespaceNotFoundException', `The specified namespace ${ref} was not found.`);
      const arns: string[] = [];
      for (const byName of Object.values(ctx.state.ecs.services)) {
        for (const svc of Object.values(byName)) {
          if (svc.status === 'INACTIVE') continue;
          if (svc.deployments.some((d) => d.serviceConnectConfiguration?.enabled === true && d.serviceConnectConfiguration.namespace === ns.Arn)) arns.push(svc.serviceArn);
        }
      }
      const { page, nextToken } = paginate(arns, input, 10, 100);
      return compact({ serviceArns: page, nextToken });
    },
  },
};

/** Settles every busy service of the Region, and forgets INACTIVE services whose purge time came. */
export function settleServices(ctx: RequestContext): void {
  for (const byName of Object.values(ctx.state.ecs.services)) {
    for (const svc of Object.values(byName)) {
      settleService(ctx, svc);
      if (svc.status === 'INACTIVE' && svc.purgeAt !== undefined && svc.purgeAt <= ctx.now) delete byName[svc.serviceName];
    }
  }
  settleTaskDefinitionDeletes(ctx);
}

/** The service an ECS service ARN designates, if any. */
export function serviceByArn(ctx: RequestContext, arn: string): ServiceRecord | undefined {
  const m = /:service\/([^/]+)\/([^/]+)$/.exec(arn);
  if (!m || m[1] === undefined || m[2] === undefined) return undefined;
  return ctx.state.ecs.services[m[1]]?.[m[2]];
}
