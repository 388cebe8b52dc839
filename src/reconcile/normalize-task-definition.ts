/**
 * Canonical task definitions: strip what AWS adds on read, drop the defaults AWS fills in, and
 * order what AWS does not keep in order, so that the manifest and DescribeTaskDefinition output
 * compare equal when they mean the same thing. Pure.
 *
 * AWS fills container `cpu: 0`, `essential: true`, `protocol: tcp`, `hostPort` = `containerPort`
 * under awsvpc, and empty `environment` / `mountPoints` / `volumesFrom` / `systemControls` arrays,
 * and adds read-only fields (see the DescribeTaskDefinition response elements):
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTaskDefinition.html
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html
 */
import { isJsonObject, pruneEmpty, sortByField, sortPrimitives } from './canonical.js';
import type { JsonObject, JsonValue } from './ports.js';

// Fields of a described task definition that are not part of what was registered.
const READ_ONLY_FIELDS = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
  'deleteRequestedAt',
  'tags',
];

// Health-check defaults AWS fills in: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html
const HEALTH_CHECK_DEFAULTS: Record<string, number> = { interval: 30, timeout: 5, retries: 3, startPeriod: 0 };

/** Task-level CPU in CPU units, accepting `1024`, `"1024"`, `"1 vCPU"`, `"0.25 vcpu"`. */
export function normalizeCpu(value: JsonValue | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  const m = /^(\d+(?:\.\d+)?)\s*vcpu$/i.exec(text);
  if (m?.[1] !== undefined) return String(Math.round(Number(m[1]) * 1024));
  return text;
}

/** Task-level memory in MiB, accepting `2048`, `"2048"`, `"2 GB"`, `"0.5GB"`. */
export function normalizeMemory(value: JsonValue | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  const m = /^(\d+(?:\.\d+)?)\s*gb$/i.exec(text);
  if (m?.[1] !== undefined) return String(Math.round(Number(m[1]) * 1024));
  const mb = /^(\d+)\s*mb$/i.exec(text);
  if (mb?.[1] !== undefined) return mb[1];
  return text;
}

function normalizePortMapping(pm: JsonValue, networkMode: string): JsonValue {
  if (!isJsonObject(pm)) return pm;
  const out: JsonObject = { ...pm };
  if (out.protocol === 'tcp') delete out.protocol;
  const hostOrAwsvpc = networkMode === 'awsvpc' || networkMode === 'host';
  if (hostOrAwsvpc && out.hostPort !== undefined && out.hostPort === out.containerPort) delete out.hostPort;
  return out;
}

/** A container without the defaults AWS fills in (order kept). */
function containerWithoutDefaults(c: JsonValue, networkMode: string): JsonValue {
  if (!isJsonObject(c)) return c;
  const out: JsonObject = { ...c };
  if (out.cpu === 0) delete out.cpu;
  if (out.essential === true) delete out.essential;
  if (Array.isArray(out.portMappings)) out.portMappings = out.portMappings.map((pm) => normalizePortMapping(pm, networkMode));
  if (isJsonObject(out.healthCheck)) {
    const hc: JsonObject = { ...out.healthCheck };
    for (const [k, d] of Object.entries(HEALTH_CHECK_DEFAULTS)) if (hc[k] === d) delete hc[k];
    out.healthCheck = hc;
  }
  return out;
}

/** A container with the lists AWS does not keep in order sorted. */
function orderContainer(c: JsonValue): JsonValue {
  if (!isJsonObject(c)) return c;
  const out: JsonObject = { ...c };
  if (Array.isArray(out.portMappings)) out.portMappings = sortByField(sortByField(out.portMappings, 'containerPortRange'), 'name');
  for (const field of ['environment', 'secrets', 'ulimits', 'systemControls', 'extraHosts', 'resourceRequirements']) {
    const v = out[field];
    if (Array.isArray(v)) out[field] = sortByField(v, field === 'extraHosts' ? 'hostname' : field === 'systemControls' ? 'namespace' : field === 'resourceRequirements' ? 'type' : 'name');
  }
  if (Array.isArray(out.mountPoints)) out.mountPoints = sortByField(out.mountPoints, 'containerPath');
  if (Array.isArray(out.dependsOn)) out.dependsOn = sortByField(out.dependsOn, 'containerName');
  return out;
}

/**
 * A task definition — a manifest spec or a DescribeTaskDefinition result — without tags, the
 * read-only fields and the defaults AWS fills in, units as AWS writes them, in its own order:
 * what a person would write to register it. Its canonical form is this, ordered.
 */
export function taskDefinitionWithoutDefaults(td: JsonObject): JsonObject {
  const out: JsonObject = { ...td };
  for (const f of READ_ONLY_FIELDS) delete out[f];
  const networkMode = typeof out.networkMode === 'string' ? out.networkMode : 'bridge';
  // `bridge` is the default network mode on EC2; AWS may or may not echo it.
  if (out.networkMode === 'bridge') delete out.networkMode;
  // DescribeTaskDefinition returns `enableFaultInjection: false` when it was never sent (since
  // January 2025: aws-actions/amazon-ecs-deploy-task-definition#706; default false per
  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html).
  if (out.enableFaultInjection === false) delete out.enableFaultInjection;
  const cpu = normalizeCpu(out.cpu);
  const memory = normalizeMemory(out.memory);
  if (cpu !== undefined) out.cpu = cpu;
  if (memory !== undefined) out.memory = memory;
  if (Array.isArray(out.containerDefinitions)) out.containerDefinitions = out.containerDefinitions.map((c) => containerWithoutDefaults(c, networkMode));
  const pruned = pruneEmpty(out);
  return isJsonObject(pruned) ? pruned : {};
}

/**
 * The canonical form of a task definition — a manifest spec or a DescribeTaskDefinition result —
 * without tags. Equal canonical forms mean registering would change nothing.
 */
export function canonicalTaskDefinition(td: JsonObject): JsonObject {
  const out = taskDefinitionWithoutDefaults(td);
  if (Array.isArray(out.containerDefinitions)) out.containerDefinitions = sortByField(out.containerDefinitions.map(orderContainer), 'name');
  if (Array.isArray(out.requiresCompatibilities)) out.requiresCompatibilities = sortPrimitives(out.requiresCompatibilities);
  if (Array.isArray(out.volumes)) out.volumes = sortByField(out.volumes, 'name');
  return out;
}

/** The RegisterTaskDefinition input for a manifest spec: tags removed (sent apart), units as AWS strings. */
export function registrationInput(spec: JsonObject): JsonObject {
  const out: JsonObject = { ...spec };
  delete out.tags;
  const cpu = normalizeCpu(out.cpu);
  const memory = normalizeMemory(out.memory);
  if (cpu !== undefined) out.cpu = cpu;
  if (memory !== undefined) out.memory = memory;
  return out;
}

/** The named port mappings of a task definition: port name -> appProtocol (undefined for TCP). */
export function namedPorts(td: JsonObject): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  const containers = Array.isArray(td.containerDefinitions) ? td.containerDefinitions : [];
  for (const c of containers) {
    if (!isJsonObject(c) || !Array.isArray(c.portMappings)) continue;
    for (const pm of c.portMappings) {
      if (isJsonObject(pm) && typeof pm.name === 'string') {
        out.set(pm.name, typeof pm.appProtocol === 'string' ? pm.appProtocol : undefined);
      }
    }
  }
  return out;
}
