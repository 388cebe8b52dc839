/**
 * CreateService and UpdateService request validation that needs nothing but the request: what ECS
 * refuses with `InvalidParameterException` before looking at the cluster, the task definition or
 * the namespace (those checks stay with the handlers, which hold the state).
 */
import { SimulatorError } from '../errors.js';
import { isJsonObject, type Json, type JsonObject } from '../json.js';
import { shapeViolation } from './shape.js';
import { checkEcsTagList } from './tags.js';

function reject(message: string): never {
  throw new SimulatorError('InvalidParameterException', message);
}

const objects = (v: Json | undefined): JsonObject[] => (Array.isArray(v) ? v.filter(isJsonObject) : []);
const num = (v: Json | undefined): number | undefined => (typeof v === 'number' ? v : undefined);

function within(value: number | undefined, min: number, max: number, what: string): void {
  if (value !== undefined && (value < min || value > max)) reject(`${what} must be between ${min} and ${max}: ${value}.`);
}

const INT32_MAX = 2147483647;
/** Service Connect `discoveryName` ([ServiceConnectService](https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectService.html)). */
const DISCOVERY_NAME = /^[a-z0-9_][a-z0-9_-]{0,63}$/;
/**
 * A client alias `dnsName` ([ServiceConnectClientAlias](https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectClientAlias.html)):
 * a valid DNS name of up to 127 lowercase letters, numbers, `_`, `-` and `.`, not starting with `-`.
 */
const ALIAS_DNS_NAME = /^(?=.{1,127}$)(?!-)[a-z0-9_-]+(\.[a-z0-9_-]+)*$/;

/**
 * `serviceConnectConfiguration` on its own
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectConfiguration.html):
 * at most one client alias per service, each with a port in range and a valid DNS name; unique,
 * valid discovery names; timeouts not negative; access logs only with the proxy's log configuration.
 */
function checkServiceConnect(sc: Json | undefined): void {
  if (!isJsonObject(sc)) return;
  if (typeof sc.enabled !== 'boolean') reject('serviceConnectConfiguration.enabled must be specified.');
  if (sc.accessLogConfiguration !== undefined && sc.accessLogConfiguration !== null && !isJsonObject(sc.logConfiguration)) {
    reject('accessLogConfiguration requires a logConfiguration in the serviceConnectConfiguration.');
  }
  const discoveryNames = new Set<string>();
  for (const s of objects(sc.services)) {
    const portName = typeof s.portName === 'string' ? s.portName : '';
    const discoveryName = typeof s.discoveryName === 'string' && s.discoveryName !== '' ? s.discoveryName : portName;
    if (!DISCOVERY_NAME.test(discoveryName)) {
      reject(`The discoveryName '${discoveryName}' must be 1-64 characters of a-z, 0-9, underscores and hyphens, not starting with a hyphen.`);
    }
    if (discoveryNames.has(discoveryName)) reject(`The discoveryName '${discoveryName}' is used more than once.`);
    discoveryNames.add(discoveryName);
    const aliases = Array.isArray(s.clientAliases) ? s.clientAliases : [];
    if (aliases.length > 1) reject('clientAliases can have at most 1 items.');
    for (const a of aliases) {
      if (!isJsonObject(a) || typeof a.port !== 'number') reject('clientAliases.port must be specified.');
      within(a.port, 0, 65535, 'clientAliases.port');
      if (typeof a.dnsName === 'string' && !ALIAS_DNS_NAME.test(a.dnsName)) reject(`clientAliases.dnsName '${a.dnsName}' is not a valid DNS name.`);
    }
    within(num(s.ingressPortOverride), 0, 65535, 'ingressPortOverride');
    // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TimeoutConfiguration.html
    if (isJsonObject(s.timeout)) {
      within(num(s.timeout.idleTimeoutSeconds), 0, INT32_MAX, 'timeout.idleTimeoutSeconds');
      within(num(s.timeout.perRequestTimeoutSeconds), 0, INT32_MAX, 'timeout.perRequestTimeoutSeconds');
    }
  }
}

/**
 * A capacity provider strategy's `weight` 0–1000 and `base` 0–100000 (a service's, or a cluster's default):
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html
 */
export function checkStrategyNumbers(strategy: Json | undefined, what: string): void {
  for (const item of objects(strategy)) {
    within(num(item.weight), 0, 1000, `${what}.weight`);
    within(num(item.base), 0, 100000, `${what}.base`);
  }
}

/** Members CreateService and UpdateService share. */
function checkCommon(raw: JsonObject): void {
  checkServiceConnect(raw.serviceConnectConfiguration);
  for (const lb of objects(raw.loadBalancers)) within(num(lb.containerPort), 0, 65535, 'loadBalancers.containerPort');
  checkStrategyNumbers(raw.capacityProviderStrategy, 'capacityProviderStrategy');
  within(num(raw.healthCheckGracePeriodSeconds), 0, INT32_MAX, 'healthCheckGracePeriodSeconds');
  const dc = raw.deploymentConfiguration;
  if (isJsonObject(dc)) {
    within(num(dc.minimumHealthyPercent), 0, INT32_MAX, 'deploymentConfiguration.minimumHealthyPercent');
    within(num(dc.maximumPercent), 0, INT32_MAX, 'deploymentConfiguration.maximumPercent');
  }
}

/** Validates a CreateService request; throws `InvalidParameterException` for what ECS refuses. */
export function validateCreateService(raw: JsonObject): void {
  const violation = shapeViolation('ecs', 'CreateServiceRequest', raw);
  if (violation !== undefined) reject(violation);
  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html#ECS-CreateService-request-serviceName
  if (typeof raw.serviceName !== 'string' || !/^[A-Za-z0-9_-]{1,255}$/.test(raw.serviceName)) reject('Service name must be 1-255 letters, numbers, hyphens and underscores.');
  checkCommon(raw);
  const dc = raw.deploymentConfiguration;
  if (raw.schedulingStrategy === 'DAEMON' && isJsonObject(dc) && typeof dc.maximumPercent === 'number' && dc.maximumPercent > 100) {
    reject('The daemon scheduling strategy does not support values above 100 for maximumPercent on a deployment configuration. Change the maximumPercent value to 100, and try again');
  }
  checkEcsTagList(raw.tags, 'InvalidParameterException');
}

/**
 * A service launched on Fargate (launch type, or a FARGATE/FARGATE_SPOT capacity provider) needs a
 * task definition whose `compatibilities` include FARGATE; ECS answers
 * `Task definition does not support launch_type FARGATE.`
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/launch_types.html).
 */
export function checkLaunchCompatibility(request: JsonObject, taskDefinition: JsonObject): void {
  const fargate = request.launchType === 'FARGATE' || objects(request.capacityProviderStrategy).some((s) => s.capacityProvider === 'FARGATE' || s.capacityProvider === 'FARGATE_SPOT');
  const compatibilities = Array.isArray(taskDefinition.compatibilities) ? taskDefinition.compatibilities : [];
  if (fargate && !compatibilities.includes('FARGATE')) reject('Task definition does not support launch_type FARGATE.');
}

/** Validates an UpdateService request; throws `InvalidParameterException` for what ECS refuses. */
export function validateUpdateService(raw: JsonObject): void {
  const violation = shapeViolation('ecs', 'UpdateServiceRequest', raw);
  if (violation !== undefined) reject(violation);
  checkCommon(raw);
}
