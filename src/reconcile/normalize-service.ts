/**
 * Canonical Service Connect settings and the "what the manifest states" comparison of services.
 * Pure.
 */
import { isJsonObject, jsonEqual, pruneEmpty, sortByField, sortPrimitives } from './canonical.js';
import type { JsonObject, JsonValue, LiveService } from './ports.js';
import { deepFreeze } from '../util/freeze.js';

/** Namespace name <-> ARN, so a manifest may use either and no spurious difference appears. */
export interface NamespaceIndex {
  arnOf(nameOrArn: string): string | undefined;
  nameOf(nameOrArn: string): string | undefined;
  /** Equal for two indexes of the same (name, arn) pairs. */
  readonly fingerprint: string;
}

/** Builds a NamespaceIndex from (name, arn) pairs. */
export function namespaceIndex(entries: readonly { name: string; arn: string }[]): NamespaceIndex {
  const byName = new Map(entries.map((e) => [e.name, e.arn]));
  const byArn = new Map(entries.map((e) => [e.arn, e.name]));
  return {
    arnOf: (v) => (v.startsWith('arn:') ? v : byName.get(v)),
    nameOf: (v) => (v.startsWith('arn:') ? byArn.get(v) : v),
    fingerprint: entries
      .map((e) => `${e.name}=${e.arn}`)
      .sort()
      .join('\n'),
  };
}

/*
 * Canonical forms of frozen configurations (a manifest's, shared between passes, or a deployment's
 * from an unchanged DescribeServices answer), by the namespaces and default they were made with:
 * a steady pass over 1,000 services otherwise rebuilds 2,000 of them.
 */
const canonicalOfFrozen = new WeakMap<object, { fingerprint: string; defaultNamespace: string | undefined; value: JsonObject }>();

const DISABLED: JsonObject = { enabled: false };

/**
 * The canonical Service Connect configuration (a manifest's or a PRIMARY deployment's).
 * Absent or `enabled: false` is `{enabled: false}`. Defaults filled on both sides:
 * `discoveryName` = `portName`, `dnsName` = `discoveryName.namespaceName`
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectService.html,
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectClientAlias.html).
 * `defaultNamespace` is the cluster's Service Connect default, used when none is named.
 */
export function canonicalServiceConnect(
  sc: JsonValue | undefined,
  namespaces: NamespaceIndex,
  defaultNamespace?: string,
): JsonObject {
  if (!isJsonObject(sc) || sc.enabled !== true) return DISABLED;
  if (!Object.isFrozen(sc)) return buildCanonicalServiceConnect(sc, namespaces, defaultNamespace);
  const known = canonicalOfFrozen.get(sc);
  if (known && known.defaultNamespace === defaultNamespace && known.fingerprint === namespaces.fingerprint) return known.value;
  // One context per configuration in practice; a changed namespace list replaces it.
  const value = deepFreeze(buildCanonicalServiceConnect(sc, namespaces, defaultNamespace));
  canonicalOfFrozen.set(sc, { fingerprint: namespaces.fingerprint, defaultNamespace, value });
  return value;
}

function buildCanonicalServiceConnect(sc: JsonObject, namespaces: NamespaceIndex, defaultNamespace?: string): JsonObject {
  const nsRef = typeof sc.namespace === 'string' && sc.namespace !== '' ? sc.namespace : defaultNamespace;
  const nsArn = nsRef !== undefined ? (namespaces.arnOf(nsRef) ?? nsRef) : undefined;
  const nsName = nsRef !== undefined ? (namespaces.nameOf(nsRef) ?? nsRef) : undefined;
  const services = (Array.isArray(sc.services) ? sc.services : []).map((s) => {
    if (!isJsonObject(s)) return s;
    const portName = typeof s.portName === 'string' ? s.portName : '';
    const discoveryName = typeof s.discoveryName === 'string' && s.discoveryName !== '' ? s.discoveryName : portName;
    const out: JsonObject = { ...s, discoveryName };
    if (Array.isArray(s.clientAliases)) {
      out.clientAliases = s.clientAliases.map((a) => {
        if (!isJsonObject(a)) return a;
        const dnsName = typeof a.dnsName === 'string' && a.dnsName !== '' ? a.dnsName : `${discoveryName}.${nsName ?? ''}`;
        return { ...a, dnsName };
      });
    }
    return out;
  });
  const out: JsonObject = { enabled: true, services: sortByField(services, 'portName') };
  if (nsArn !== undefined) out.namespace = nsArn;
  if (isJsonObject(sc.logConfiguration)) out.logConfiguration = sc.logConfiguration;
  // The proxy container's settings (log level): https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectConfiguration.html
  if (Array.isArray(sc.containerConfigurations)) out.containerConfigurations = sc.containerConfigurations;
  if (isJsonObject(sc.accessLogConfiguration)) {
    const alc: JsonObject = { ...sc.accessLogConfiguration };
    // DISABLED is the documented default of includeQueryParameters.
    if (alc.includeQueryParameters === 'DISABLED') delete alc.includeQueryParameters;
    out.accessLogConfiguration = alc;
  }
  const pruned = pruneEmpty(out);
  return isJsonObject(pruned) ? pruned : DISABLED;
}

type DeploymentMember = 'volumeConfigurations' | 'vpcLatticeConfigurations';
const ON_DEPLOYMENT: ReadonlySet<string> = new Set<DeploymentMember>(['volumeConfigurations', 'vpcLatticeConfigurations']);

/**
 * The live value of a described service's member, where AWS returns it: `volumeConfigurations`
 * and `vpcLatticeConfigurations` on the PRIMARY deployment (the ECS model's `Service` shape has
 * neither, its `Deployment` shape has both), everything else on the Service object.
 */
export function liveServiceMember(live: LiveService, member: string): JsonValue | undefined {
  if (!ON_DEPLOYMENT.has(member)) return live.raw[member];
  return live.deployments.find((d) => d.status === 'PRIMARY')?.[member as DeploymentMember];
}

/** Whether a Service Connect configuration is in client-server mode (it publishes endpoints). */
export function isServer(sc: JsonObject): boolean {
  return sc.enabled === true && Array.isArray(sc.services) && sc.services.length > 0;
}

// Arrays whose order AWS does not promise to keep; compared as sets.
const UNORDERED_ARRAYS = new Set(['subnets', 'securityGroups']);

/**
 * Whether `live` holds everything `desired` states: objects are compared on the desired keys only
 * (fields the manifest leaves out are not managed, and AWS's defaults for them are ignored); arrays
 * must have the same length, element by element; set-like arrays ignore order.
 */
export function containsDesired(desired: JsonValue, live: JsonValue | undefined, field = ''): boolean {
  if (isJsonObject(desired)) {
    if (!isJsonObject(live)) return Object.keys(desired).length === 0 && live === undefined;
    return Object.entries(desired).every(([k, v]) => containsDesired(v, live[k], k));
  }
  if (Array.isArray(desired)) {
    if (!Array.isArray(live)) return desired.length === 0 && live === undefined;
    if (desired.length !== live.length) return false;
    if (UNORDERED_ARRAYS.has(field)) return jsonEqual(sortPrimitives(desired), sortPrimitives(live));
    return desired.every((d, i) => containsDesired(d, live[i], field));
  }
  return jsonEqual(desired, live);
}

/*
 * Values AWS fills in on a described service for CreateService members that were left out
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html,
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html,
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AwsVpcConfiguration.html,
 * ROLLING: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html).
 * The comparison reads only what a manifest states (containsDesired), so leaving a default out of a
 * manifest changes no comparison; these exist to write manifests a person would write.
 */
const SERVICE_DEFAULTS: JsonObject = {
  schedulingStrategy: 'REPLICA',
  deploymentController: { type: 'ECS' },
  propagateTags: 'NONE',
  enableECSManagedTags: false,
  enableExecuteCommand: false,
  healthCheckGracePeriodSeconds: 0,
  platformVersion: 'LATEST',
  // What CreateService sets when the request does not (the model's CreateServiceRequest).
  availabilityZoneRebalancing: 'ENABLED',
  networkConfiguration: { awsvpcConfiguration: { assignPublicIp: 'DISABLED' } },
  deploymentConfiguration: {
    strategy: 'ROLLING',
    deploymentCircuitBreaker: { enable: false, rollback: false },
    alarms: { alarmNames: [], enable: false, rollback: false },
  },
};

// A DAEMON service places one task per instance: its percentages default to 100 and 0, not 200 and 100.
const PERCENT_DEFAULTS: Record<string, JsonObject> = {
  REPLICA: { maximumPercent: 200, minimumHealthyPercent: 100 },
  DAEMON: { maximumPercent: 100, minimumHealthyPercent: 0 },
};

function withoutDefaultValues(value: JsonValue | undefined, defaults: JsonValue): JsonValue | undefined {
  if (value === undefined || jsonEqual(value, defaults)) return undefined;
  if (!isJsonObject(value) || !isJsonObject(defaults)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    const kept = k in defaults ? withoutDefaultValues(v, defaults[k] as JsonValue) : v;
    if (kept !== undefined) out[k] = kept;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/*
 * A service with a load balancer and no role uses the ECS service-linked role, and AWS returns it
 * as the service's role: "If your account has already created the Amazon ECS service-linked role,
 * that role is used for your service unless you specify a role here"
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html).
 */
const SERVICE_LINKED_ROLE = /^arn:aws[a-z-]*:iam::\d{12}:role\/aws-service-role\/ecs\.amazonaws\.com\/AWSServiceRoleForECS$/;

/**
 * CreateService members as a described service holds them (field names of the manifest), without
 * the values AWS fills in when they are left out and without empty lists.
 */
export function serviceFieldsWithoutDefaults(fields: JsonObject): JsonObject {
  const strategy = typeof fields.schedulingStrategy === 'string' ? fields.schedulingStrategy : 'REPLICA';
  const defaults: JsonObject = {
    ...SERVICE_DEFAULTS,
    deploymentConfiguration: { ...(SERVICE_DEFAULTS.deploymentConfiguration as JsonObject), ...(PERCENT_DEFAULTS[strategy] ?? {}) },
  };
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(fields)) {
    const kept = k in defaults ? withoutDefaultValues(v, defaults[k] as JsonValue) : v;
    const pruned = kept === undefined ? undefined : pruneEmpty(kept);
    if (pruned !== undefined) out[k] = pruned;
  }
  if (typeof out.role === 'string' && SERVICE_LINKED_ROLE.test(out.role)) delete out.role;
  return out;
}

/**
 * A Service Connect configuration as a manifest would state it: the namespace by name, and without
 * what `canonicalServiceConnect` fills in (`discoveryName` = `portName`, the default `dnsName`,
 * `includeQueryParameters: DISABLED`), so the two canonicalise equal. Undefined when it is off.
 */
export function serviceConnectWithoutDefaults(sc: JsonValue | undefined, namespaces: NamespaceIndex, defaultNamespace?: string): JsonObject | undefined {
  if (!isJsonObject(sc) || sc.enabled !== true) return undefined;
  const nsRef = typeof sc.namespace === 'string' && sc.namespace !== '' ? sc.namespace : defaultNamespace;
  const nsName = nsRef !== undefined ? (namespaces.nameOf(nsRef) ?? nsRef) : undefined;
  const out: JsonObject = { ...sc };
  if (typeof sc.namespace === 'string' && sc.namespace !== '') out.namespace = nsName ?? sc.namespace;
  if (Array.isArray(sc.services)) {
    out.services = sc.services.map((s) => {
      if (!isJsonObject(s)) return s;
      const service: JsonObject = { ...s };
      const discoveryName = typeof s.discoveryName === 'string' && s.discoveryName !== '' ? s.discoveryName : s.portName;
      if (s.discoveryName === s.portName) delete service.discoveryName;
      if (Array.isArray(s.clientAliases)) {
        service.clientAliases = s.clientAliases.map((a) => {
          if (!isJsonObject(a) || a.dnsName !== `${String(discoveryName)}.${nsName ?? ''}`) return a;
          const alias: JsonObject = { ...a };
          delete alias.dnsName;
          return alias;
        });
      }
      return service;
    });
  }
  if (isJsonObject(sc.accessLogConfiguration) && sc.accessLogConfiguration.includeQueryParameters === 'DISABLED') {
    const alc: JsonObject = { ...sc.accessLogConfiguration };
    delete alc.includeQueryParameters;
    out.accessLogConfiguration = alc;
  }
  const pruned = pruneEmpty(out);
  return isJsonObject(pruned) ? pruned : undefined;
}

/**
 * The part of `live` that `desired` states: objects keep the desired keys only, lists of the same
 * length are taken element by element, anything else is `live` itself. What a plan shows as the old
 * value when only the stated members are compared (containsDesired).
 */
export function statedPart(desired: JsonValue, live: JsonValue | undefined): JsonValue | undefined {
  if (isJsonObject(desired) && isJsonObject(live)) {
    const out: JsonObject = {};
    for (const k of Object.keys(desired)) if (live[k] !== undefined) out[k] = statedPart(desired[k] as JsonValue, live[k]) as JsonValue;
    return out;
  }
  if (Array.isArray(desired) && Array.isArray(live) && desired.length === live.length) return live.map((l, i) => statedPart(desired[i] as JsonValue, l) as JsonValue);
  return live;
}

/*
 * Service Connect members whose live value is compared only when the manifest states them: AWS
 * documents defaults for them without saying whether a described deployment carries them
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectService.html,
 * API_TimeoutConfiguration.html, API_ServiceConnectTlsConfiguration.html,
 * API_ServiceConnectClientAlias.html, API_ServiceConnectContainerConfiguration.html), so a value
 * AWS fills in must not read as a difference.
 */
const SERVICE_MEMBERS_AS_STATED = ['ingressPortOverride', 'timeout', 'tls'];

/** A KMS key named by id or alias matches the ARN AWS may return for it (`…:key/ID`, `…:alias/NAME`). */
function sameKmsKey(desired: JsonValue | undefined, live: JsonValue | undefined): boolean {
  if (typeof desired !== 'string' || typeof live !== 'string') return desired === live;
  if (desired === live || desired.startsWith('arn:') || !live.startsWith('arn:')) return desired === live;
  const name = desired.startsWith('alias/') ? desired : `key/${desired}`;
  return live.endsWith(`:${name}`);
}

function aliasAsStated(desired: JsonValue | undefined, live: JsonValue): JsonValue {
  if (!isJsonObject(live)) return live;
  const want = isJsonObject(desired) ? desired : {};
  const out: JsonObject = { ...live };
  if (want.testTrafficRules === undefined) delete out.testTrafficRules;
  else if (out.testTrafficRules !== undefined) out.testTrafficRules = statedPart(want.testTrafficRules, out.testTrafficRules) as JsonValue;
  return out;
}

function serviceAsStated(desired: JsonObject | undefined, live: JsonValue): JsonValue {
  if (!isJsonObject(live)) return live;
  const want = desired ?? {};
  const out: JsonObject = { ...live };
  for (const m of SERVICE_MEMBERS_AS_STATED) {
    if (want[m] === undefined) delete out[m];
    else if (out[m] !== undefined) out[m] = statedPart(want[m] as JsonValue, out[m]) as JsonValue;
  }
  const tls = out.tls;
  const wantTls = want.tls;
  if (isJsonObject(tls) && isJsonObject(wantTls) && sameKmsKey(wantTls.kmsKey, tls.kmsKey) && wantTls.kmsKey !== undefined) out.tls = { ...tls, kmsKey: wantTls.kmsKey };
  if (Array.isArray(out.clientAliases)) {
    const wantAliases = Array.isArray(want.clientAliases) ? want.clientAliases : [];
    out.clientAliases = out.clientAliases.map((a, i) => aliasAsStated(wantAliases[i], a));
  }
  return out;
}

/**
 * A canonical live Service Connect configuration with the members the manifest leaves out, of
 * those compared only when stated, removed (and the stated ones narrowed to their stated
 * members), so it compares equal to the canonical desired one when the manifest is satisfied.
 */
export function serviceConnectAsStated(live: JsonObject, desired: JsonObject): JsonObject {
  if (live.enabled !== true || desired.enabled !== true) return live;
  const out: JsonObject = { ...live };
  if (desired.containerConfigurations === undefined) delete out.containerConfigurations;
  if (Array.isArray(live.services)) {
    const wanted = new Map((Array.isArray(desired.services) ? desired.services : []).flatMap((s) => (isJsonObject(s) && typeof s.portName === 'string' ? [[s.portName, s] as const] : [])));
    out.services = live.services.map((s) => serviceAsStated(isJsonObject(s) && typeof s.portName === 'string' ? wanted.get(s.portName) : undefined, s));
  }
  return out;
}
