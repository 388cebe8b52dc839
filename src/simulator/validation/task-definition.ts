/**
 * RegisterTaskDefinition's request validation: what ECS refuses with `ClientException` before it
 * registers anything. Each rule cites the page that states it; the messages are ECS's where ECS's
 * wording is known.
 */
import { SimulatorError } from '../errors.js';
import { isJsonObject, type Json, type JsonObject } from '../json.js';
import { fargateIncompatibility } from './fargate.js';
import { shapeViolation } from './shape.js';
import { checkEcsTagList } from './tags.js';

function reject(message: string): never {
  throw new SimulatorError('ClientException', message);
}

const objects = (v: Json | undefined): JsonObject[] => (Array.isArray(v) ? v.filter(isJsonObject) : []);
const num = (v: Json | undefined): number | undefined => (typeof v === 'number' ? v : undefined);

/** Up to 255 letters, numbers, underscores and hyphens: families and container names (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html). */
const ECS_NAME = /^[A-Za-z0-9_-]{1,255}$/;
/** Port mapping names (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html, `name`). */
const PORT_NAME = /^[a-z0-9_][a-z0-9_-]{0,63}$/;
/** A private Amazon ECR image, which Fargate pulls with the task execution role. */
const ECR_IMAGE = /^\d{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\//;

function within(value: number | undefined, min: number, max: number, what: string): void {
  if (value !== undefined && (value < min || value > max)) reject(`${what} must be between ${min} and ${max}: ${value}.`);
}

/** Port mappings of one container: ranges ([PortMapping](https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html)). */
function checkPortMappings(c: JsonObject, name: string, networkMode: Json | undefined, portNames: Set<string>): void {
  const pinned = networkMode === 'awsvpc' || networkMode === 'host';
  let ranges = 0;
  for (const pm of objects(c.portMappings)) {
    const containerPort = num(pm.containerPort);
    const hostPort = num(pm.hostPort);
    within(containerPort, 0, 65535, `Container '${name}' containerPort`);
    within(hostPort, 0, 65535, `Container '${name}' hostPort`);
    if (pinned && containerPort !== undefined && hostPort !== undefined && hostPort !== containerPort) {
      reject(`When networkMode=${String(networkMode)}, the host ports and container ports in port mappings must match.`);
    }
    if (typeof pm.containerPortRange === 'string') {
      ranges += 1;
      const m = /^(\d{1,5})-(\d{1,5})$/.exec(pm.containerPortRange);
      const [first, last] = [Number(m?.[1]), Number(m?.[2])];
      if (m === null || first < 1 || last > 65535 || first >= last) reject(`Invalid containerPortRange '${pm.containerPortRange}': the range must be FIRST-LAST with 1 <= FIRST < LAST <= 65535.`);
      if (networkMode !== 'awsvpc' && networkMode !== 'bridge') reject('containerPortRange is supported only with the awsvpc and bridge network modes.');
      if (ranges > 100) reject(`Container '${name}' has more than 100 port ranges.`);
    } else if (containerPort === undefined) {
      reject('portMappings.containerPort must be specified.');
    }
    if (typeof pm.name === 'string') {
      if (!PORT_NAME.test(pm.name)) reject(`Port mapping name '${pm.name}' is invalid: up to 64 lowercase letters, numbers, underscores and hyphens, not starting with a hyphen.`);
      if (portNames.has(pm.name)) reject(`Port mapping name ${pm.name} is not unique within the task definition.`);
      portNames.add(pm.name);
    }
  }
}

/** Health check ranges ([HealthCheck](https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html)). */
function checkHealthCheck(hc: Json | undefined, name: string): void {
  if (!isJsonObject(hc)) return;
  within(num(hc.interval), 5, 300, `Container '${name}' healthCheck interval`);
  within(num(hc.timeout), 2, 60, `Container '${name}' healthCheck timeout`);
  within(num(hc.retries), 1, 10, `Container '${name}' healthCheck retries`);
  within(num(hc.startPeriod), 0, 300, `Container '${name}' healthCheck startPeriod`);
}

/**
 * What needs the task execution role
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html):
 * container secrets and private registry credentials everywhere; on Fargate, the awslogs driver and
 * private Amazon ECR images. ECS's messages, as it returns them.
 */
function checkExecutionRole(raw: JsonObject, containers: JsonObject[], fargate: boolean): void {
  if (typeof raw.executionRoleArn === 'string' && raw.executionRoleArn !== '') return;
  for (const c of containers) {
    if (objects(c.secrets).length > 0) reject("When you are specifying container secrets, you must also specify a value for 'executionRoleArn'.");
    if (isJsonObject(c.repositoryCredentials)) reject('Private repository authentication requires that the task definition specify a value for executionRoleArn.');
    if (!fargate) continue;
    if (isJsonObject(c.logConfiguration) && c.logConfiguration.logDriver === 'awslogs') reject('Fargate requires task definition to have execution role ARN to support log driver awslogs.');
    if (typeof c.image === 'string' && ECR_IMAGE.test(c.image)) reject('Fargate requires task definition to have execution role ARN to support ECR images.');
  }
}

/** Log drivers' own requirements: awslogs names its group; awsfirelens needs a log router container. */
function checkLogConfiguration(lc: Json | undefined, containers: JsonObject[]): void {
  if (!isJsonObject(lc)) return;
  // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html
  if (lc.logDriver === 'awslogs' && !(isJsonObject(lc.options) && typeof lc.options['awslogs-group'] === 'string')) reject('Log driver awslogs requires options: awslogs-group.');
  // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_firelens.html
  if (lc.logDriver === 'awsfirelens' && !containers.some((c) => isJsonObject(c.firelensConfiguration))) {
    reject('The awsfirelens log driver requires a container in the task definition with a firelensConfiguration.');
  }
}

/** Validates a RegisterTaskDefinition request; throws `ClientException` for what ECS refuses. */
export function validateRegisterTaskDefinition(raw: JsonObject): void {
  const violation = shapeViolation('ecs', 'RegisterTaskDefinitionRequest', raw);
  if (violation !== undefined) reject(violation);
  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html#ECS-RegisterTaskDefinition-request-family
  if (typeof raw.family !== 'string' || !ECS_NAME.test(raw.family)) reject('Family contains invalid characters.');
  const containers = objects(raw.containerDefinitions);
  if (containers.length === 0) reject('Container list cannot be empty.');
  const fargate = Array.isArray(raw.requiresCompatibilities) && raw.requiresCompatibilities.includes('FARGATE');
  if (fargate) {
    const why = fargateIncompatibility(raw);
    if (why !== undefined) reject(why);
  }
  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html
  const names = new Set<string>();
  const portNames = new Set<string>();
  for (const c of containers) {
    if (typeof c.name !== 'string' || c.name === '') reject('Container.name should not be null or empty.');
    if (!ECS_NAME.test(c.name)) reject('Container.name contains invalid characters.');
    if (names.has(c.name)) reject('Container names must be unique within a Task Definition.');
    names.add(c.name);
    if (typeof c.image !== 'string' || c.image === '') reject('Container.image should not be null or empty.');
    const memory = num(c.memory);
    const reservation = num(c.memoryReservation);
    if (raw.memory === undefined && !fargate && memory === undefined && reservation === undefined) {
      reject(`Invalid setting for container '${c.name}'. At least one of 'memory' or 'memoryReservation' must be specified.`);
    }
    if (memory !== undefined && reservation !== undefined && memory < reservation) {
      reject(`Invalid 'memory' setting for container '${c.name}'. The memory must be greater than or equal to the memoryReservation.`);
    }
    checkPortMappings(c, c.name, raw.networkMode, portNames);
    checkHealthCheck(c.healthCheck, c.name);
    checkLogConfiguration(c.logConfiguration, containers);
  }
  if (containers.every((c) => c.essential === false)) reject("Task definition doesn't have any essential container.");
  checkExecutionRole(raw, containers, fargate);
  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EphemeralStorage.html
  if (isJsonObject(raw.ephemeralStorage)) within(num(raw.ephemeralStorage.sizeInGiB), 21, 200, 'ephemeralStorage sizeInGiB');
  checkEcsTagList(raw.tags, 'ClientException');
}

