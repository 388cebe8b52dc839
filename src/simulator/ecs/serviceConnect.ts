import type { RequestContext } from '../context.js';
import { SimulatorError } from '../errors.js';
import { compact, isJsonObject, type JsonObject } from '../json.js';
import type { ClusterRecord, ServiceConnectResource, ServiceRecord, TaskDefinitionRecord } from '../state.js';
import { createCmService, findNamespace, findServiceByName } from '../cloudmap/store.js';
import { portNames } from './taskDefinitions.js';

/** A validated Service Connect configuration as a deployment stores it. */
export interface ResolvedServiceConnect {
  /** As sent, with `namespace` replaced by the namespace ARN (AWS returns the ARN). */
  config: JsonObject;
  namespaceId?: string;
  discoveryNames: string[];
}

function invalid(message: string): SimulatorError {
  return new SimulatorError('InvalidParameterException', message);
}

/**
 * Validates `serviceConnectConfiguration` against the task definition, the namespace and the other
 * services, as CreateService/UpdateService do
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectConfiguration.html,
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectService.html,
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-concepts.html).
 */
export function resolveServiceConnect(
  ctx: RequestContext,
  sc: JsonObject,
  td: TaskDefinitionRecord,
  cluster: ClusterRecord,
  deploymentControllerType: string,
  serviceArn: string,
): ResolvedServiceConnect {
  if (!sc.enabled) return { config: compact({ ...sc, enabled: false }), discoveryNames: [] };
  if (deploymentControllerType !== 'ECS') {
    throw invalid('Service Connect is only supported with the ECS deployment controller.');
  }
  const nsRef = typeof sc.namespace === 'string' && sc.namespace !== '' ? sc.namespace : cluster.serviceConnectNamespaceArn;
  if (nsRef === undefined) {
    throw invalid('A Service Connect namespace must be specified, either in the service or as the cluster default.');
  }
  const ns = findNamespace(ctx, nsRef);
  // ECS answers an unknown namespace with its own exception type (CreateService/UpdateService
  // errors: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html#API_CreateService_Errors).
  if (!ns) throw new SimulatorError('NamespaceNotFoundException', `The specified namespace ${nsRef} was not found.`);
  const ports = portNames(td);
  const services = Array.isArray(sc.services) ? sc.services : [];
  const discoveryNames: string[] = [];
  for (const s of services) {
    if (!isJsonObject(s)) throw invalid('serviceConnectConfiguration.services must be a list of structures.');
    const portName = s.portName;
    if (typeof portName !== 'string' || portName === '') throw invalid('serviceConnectConfiguration.services.portName must be specified.');
    const pm = ports.get(portName);
    if (!pm) throw invalid(`The portName '${portName}' does not match a named port mapping in task definition ${td.arn}.`);
    // Names, aliases and timeouts on their own are checked with the request (validation/service.ts).
    const discoveryName = typeof s.discoveryName === 'string' && s.discoveryName !== '' ? s.discoveryName : portName;
    const timeout = s.timeout;
    if (isJsonObject(timeout) && timeout.perRequestTimeoutSeconds !== undefined && pm.appProtocol === undefined) {
      throw invalid('perRequestTimeoutSeconds can not be set when the appProtocol of the port mapping is not set.');
    }
    const taken = findServiceByName(ctx, ns.Id, discoveryName);
    if (taken && taken.ecsServiceArn !== serviceArn) {
      throw invalid(`The discoveryName '${discoveryName}' is already in use in namespace ${ns.Name} by another service.`);
    }
    discoveryNames.push(discoveryName);
  }
  return { config: compact({ ...sc, namespace: ns.Arn }), namespaceId: ns.Id, discoveryNames };
}

/** Ensures a Cloud Map service exists for each discovery name and returns `serviceConnectResources`. */
export function registerEndpoints(ctx: RequestContext, svc: ServiceRecord, resolved: ResolvedServiceConnect): ServiceConnectResource[] {
  const nsId = resolved.namespaceId;
  if (nsId === undefined) return [];
  return resolved.discoveryNames.map((name) => {
    const existing = findServiceByName(ctx, nsId, name);
    const cm =
      existing ??
      createCmService(ctx, {
        Name: name,
        NamespaceId: nsId,
        Type: 'HTTP',
        tags: { AmazonECSManaged: 'true' },
        ecsServiceArn: svc.serviceArn,
      });
    return { discoveryName: name, discoveryArn: cm.Arn };
  });
}

/**
 * The endpoints tasks of a deployment starting now resolve: the discovery names ECS has registered
 * in its Service Connect namespace at this instant. Tasks resolve only the endpoints that existed
 * when they started; later ones need a new deployment
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-concepts-deploy.html).
 * Undefined when the deployment has Service Connect off.
 */
export function resolvableEndpointsNow(ctx: RequestContext, config: JsonObject | undefined): string[] | undefined {
  if (!config || config.enabled !== true || typeof config.namespace !== 'string') return undefined;
  const ns = findNamespace(ctx, config.namespace);
  if (!ns) return [];
  const names = Object.values(ctx.state.cloudmap.services).filter((s) => s.NamespaceId === ns.Id && s.ecsServiceArn !== undefined).map((s) => s.Name);
  return [...new Set(names)].sort();
}

/**
 * Deletes the Cloud Map services this ECS service registered that no live deployment uses any
 * more (after a rollout drains the old deployment, or when the service becomes INACTIVE).
 */
export function releaseUnusedEndpoints(ctx: RequestContext, svc: ServiceRecord): void {
  const used = new Set<string>();
  for (const d of svc.deployments) for (const r of d.serviceConnectResources ?? []) used.add(r.discoveryArn);
  for (const [id, cm] of Object.entries(ctx.state.cloudmap.services)) {
    if (cm.ecsServiceArn === svc.serviceArn && !used.has(cm.Arn)) delete ctx.state.cloudmap.services[id];
  }
}
