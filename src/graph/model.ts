/**
 * The Service Connect map of a set of manifests: each namespace with the services in it (servers
 * with their endpoints and client aliases, client-only services), the cluster each runs in, and
 * which services call which alias. Offline and pure: only the manifests are read.
 */
import type { DesiredResource, DesiredResourceOf } from '../manifests/model.js';
import { isJsonObject } from '../reconcile/canonical.js';
import { containerText, namesEndpoint } from '../reconcile/endpoint-references.js';
import { serviceCluster } from '../reconcile/desired.js';
import { canonicalServiceConnect, namespaceIndex } from '../reconcile/normalize-service.js';
import type { JsonValue } from '../reconcile/ports.js';
import { compareCodeUnits } from '../util/order.js';

/** A name clients use for an endpoint: `dnsName:port`, and the URL it is reached at. */
export interface MapAlias {
  dnsName: string;
  port: number;
  /** `http://api:8080`: the scheme from the port mapping's appProtocol (`tcp://` when it has none). */
  url: string;
}

/** One endpoint a server publishes: a named port of its task definition. */
export interface MapEndpoint {
  portName: string;
  discoveryName: string;
  aliases: MapAlias[];
}

export interface MapService {
  /** `Service/api`. */
  key: string;
  name: string;
  cluster: string;
  /** A server publishes endpoints; a client only calls them. */
  role: 'server' | 'client';
  endpoints: MapEndpoint[];
  /** The TaskDefinition manifest it runs, when the task definition is one (not an ARN or family:revision). */
  taskDefinitionKey?: string;
}

export interface MapNamespace {
  name: string;
  /** `Namespace/shop`. */
  key: string;
  /** Whether a Namespace manifest declares it (otherwise it is expected to exist already). */
  declared: boolean;
  services: MapService[];
}

/** A service whose task definition names another service's alias (in its environment, command or entry point). */
export interface MapCall {
  from: string;
  to: string;
  alias: string;
}

export interface ServiceMap {
  namespaces: MapNamespace[];
  calls: MapCall[];
  /** Services with Service Connect off: not part of any namespace's map. */
  outside: string[];
}

const SCHEME: Record<string, string> = { http: 'http', http2: 'http', grpc: 'grpc' };

function str(v: JsonValue | undefined): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Port name → appProtocol, from a task definition manifest's container port mappings. */
function appProtocols(td: DesiredResourceOf<'TaskDefinition'> | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of td?.spec.containerDefinitions ?? []) {
    for (const pm of c.portMappings ?? []) {
      if (pm.name !== undefined && pm.appProtocol !== undefined) out.set(pm.name, pm.appProtocol);
    }
  }
  return out;
}

function endpointsOf(sc: JsonValue, protocols: Map<string, string>): MapEndpoint[] {
  if (!isJsonObject(sc) || !Array.isArray(sc.services)) return [];
  return sc.services.flatMap((s) => {
    if (!isJsonObject(s)) return [];
    const portName = str(s.portName) ?? '';
    const scheme = SCHEME[protocols.get(portName) ?? ''] ?? 'tcp';
    const aliases = (Array.isArray(s.clientAliases) ? s.clientAliases : []).flatMap((a) => {
      if (!isJsonObject(a) || typeof a.port !== 'number') return [];
      const dnsName = str(a.dnsName) ?? '';
      return [{ dnsName, port: a.port, url: `${scheme}://${dnsName}:${a.port}` }];
    });
    return [{ portName, discoveryName: str(s.discoveryName) ?? portName, aliases }];
  });
}

/**
 * Builds the map. A service's namespace is the one its Service Connect configuration names, else
 * its cluster's default (from the Cluster manifest); `dnsName` and `discoveryName` get AWS's
 * defaults (see canonicalServiceConnect). A call is drawn where a client's task definition names
 * an alias as `dnsName:port` (or `dnsName.namespace:port`) in its environment, command or entry
 * point: what the manifests show, not traffic.
 */
export function buildServiceMap(resources: readonly DesiredResource[], defaultCluster: string): ServiceMap {
  const byKey = new Map(resources.map((r) => [r.key, r]));
  const clusterDefaults = new Map<string, string>();
  const declaredNamespaces = new Set<string>();
  for (const r of resources) {
    if (r.kind === 'Cluster' && r.spec.serviceConnectDefaults?.namespace) clusterDefaults.set(r.name, r.spec.serviceConnectDefaults.namespace);
    if (r.kind === 'Namespace') declaredNamespaces.add(r.name);
  }
  // Names only: the manifests name namespaces, and no ARN is known offline.
  const names = namespaceIndex([]);
  const groups = new Map<string, MapNamespace>();
  const group = (name: string): MapNamespace => {
    let g = groups.get(name);
    if (!g) {
      g = { name, key: `Namespace/${name}`, declared: declaredNamespaces.has(name), services: [] };
      groups.set(name, g);
    }
    return g;
  };
  for (const ns of declaredNamespaces) group(ns);
  const outside: string[] = [];
  const texts = new Map<string, string>();
  for (const r of resources) {
    if (r.kind !== 'Service') continue;
    const cluster = serviceCluster(r, defaultCluster);
    const sc = canonicalServiceConnect(r.spec.serviceConnectConfiguration as JsonValue | undefined, names, clusterDefaults.get(cluster));
    const namespace = str(sc.namespace);
    if (sc.enabled !== true || namespace === undefined) {
      outside.push(r.key);
      continue;
    }
    const tdName = r.spec.taskDefinition;
    const tdResource = tdName !== undefined ? byKey.get(`TaskDefinition/${tdName}`) : undefined;
    const td = tdResource?.kind === 'TaskDefinition' ? tdResource : undefined;
    const endpoints = endpointsOf(sc, appProtocols(td));
    group(namespace).services.push({
      key: r.key,
      name: r.name,
      cluster,
      role: endpoints.length > 0 ? 'server' : 'client',
      endpoints,
      ...(td ? { taskDefinitionKey: td.key } : {}),
    });
    texts.set(r.key, containerText(td));
  }
  const namespaces = [...groups.values()].sort((a, b) => compareCodeUnits(a.name, b.name));
  for (const g of namespaces) g.services.sort((a, b) => compareCodeUnits(a.key, b.key));
  const calls: MapCall[] = [];
  for (const g of namespaces) {
    for (const server of g.services) {
      for (const alias of server.endpoints.flatMap((e) => e.aliases)) {
        for (const client of g.services) {
          if (client.key !== server.key && namesEndpoint(texts.get(client.key) ?? '', alias, g.name, true)) calls.push({ from: client.key, to: server.key, alias: `${alias.dnsName}:${alias.port}` });
        }
      }
    }
  }
  return { namespaces, calls, outside: outside.sort(compareCodeUnits) };
}
