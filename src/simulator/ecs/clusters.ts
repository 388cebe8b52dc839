import type { OperationDef, RequestContext } from '../context.js';
import { SimulatorError } from '../errors.js';
import type { Input } from '../input.js';
import { compact, isJsonObject, type JsonObject } from '../json.js';
import type { ClusterRecord } from '../state.js';
import { findNamespace, namespaceRecord } from '../cloudmap/store.js';
import { resolveClusterProviders } from './capacityProviders.js';
import { clusterArn, clusterNameOf, includes, readTags, renderTags, requireCluster } from './common.js';
import { validateClusterRequest } from '../validation/cluster.js';

/** What DescribeClusters' `include` asks for (the model's ClusterField). */
export interface ClusterInclude {
  tags: boolean;
  settings: boolean;
  configurations: boolean;
  statistics: boolean;
  attachments: boolean;
}

/**
 * Renders a cluster as DescribeClusters does: capacity providers, the default strategy and
 * `serviceConnectDefaults` always; tags, settings, configuration, statistics and attachments only
 * when included (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeClusters.html).
 */
export function renderCluster(ctx: RequestContext, c: ClusterRecord, include: ClusterInclude): JsonObject {
  let running = 0;
  let active = 0;
  for (const s of Object.values(ctx.state.ecs.services[c.clusterName] ?? {})) {
    if (s.status === 'ACTIVE') active += 1;
    for (const d of s.deployments) running += d.runningCount;
  }
  return compact({
    clusterArn: c.clusterArn,
    clusterName: c.clusterName,
    status: c.status,
    registeredContainerInstancesCount: 0,
    runningTasksCount: running,
    pendingTasksCount: 0,
    activeServicesCount: active,
    statistics: include.statistics ? [] : undefined,
    tags: include.tags ? renderTags(c.tags) : undefined,
    settings: include.settings ? c.settings : undefined,
    configuration: include.configurations ? c.configuration : undefined,
    attachments: include.attachments ? [] : undefined,
    capacityProviders: c.capacityProviders,
    defaultCapacityProviderStrategy: c.defaultCapacityProviderStrategy,
    serviceConnectDefaults: c.serviceConnectNamespaceArn ? { namespace: c.serviceConnectNamespaceArn } : undefined,
  });
}

/**
 * Resolves `serviceConnectDefaults.namespace`: an ARN must exist; a name that does not exist makes
 * ECS create an HTTP namespace of that name; "" removes the default
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ClusterServiceConnectDefaultsRequest.html).
 */
function resolveDefaultNamespace(ctx: RequestContext, input: Input): string | undefined | null {
  const scd = input.optObj('serviceConnectDefaults');
  if (!scd) return undefined;
  const ref = scd.namespace;
  if (typeof ref !== 'string') throw input.invalid('serviceConnectDefaults.namespace must be specified.');
  if (ref === '') return null;
  const found = findNamespace(ctx, ref);
  if (found) return found.Arn;
  if (ref.startsWith('arn:')) throw new SimulatorError('NamespaceNotFoundException', `The specified namespace ${ref} was not found.`);
  const ns = namespaceRecord(ctx, { Name: ref, Type: 'HTTP', tags: { AmazonECSManaged: 'true' } });
  ctx.state.cloudmap.namespaces[ns.Id] = ns;
  return ns.Arn;
}

function readSettings(input: Input): JsonObject[] | undefined {
  const s = input.optObjList('settings');
  if (!s) return undefined;
  for (const item of s) {
    if (item.name !== 'containerInsights') throw input.invalid(`Unsupported cluster setting: ${String(item.name)}.`);
    if (!['enabled', 'disabled', 'enhanced'].includes(String(item.value))) throw input.invalid('containerInsights must be enabled, disabled or enhanced.');
  }
  return s;
}

/** What CreateCluster, UpdateCluster and DeleteCluster answer with. */
const all: ClusterInclude = { tags: true, settings: true, configurations: true, statistics: true, attachments: true };

/** Cluster operations. */
export const clusterOperations: Record<string, OperationDef> = {
  // Idempotent for an existing ACTIVE cluster: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCluster.html
  CreateCluster: {
    kind: 'write',
    category: 'ecs.clusterWrite',
    handle(ctx, input) {
      validateClusterRequest('CreateCluster', input.raw);
      const name = input.optStr('clusterName') ?? 'default';
      const existing = ctx.state.ecs.clusters[name];
      if (existing && existing.status === 'ACTIVE') return { cluster: renderCluster(ctx, existing, all) };
      const tags = readTags(input);
      const settings = readSettings(input) ?? [{ name: 'containerInsights', value: 'disabled' }];
      const providers = resolveClusterProviders(ctx, input.optStrList('capacityProviders') ?? [], input.optList('defaultCapacityProviderStrategy') ?? []);
      const ns = resolveDefaultNamespace(ctx, input);
      const c: ClusterRecord = {
        clusterName: name,
        clusterArn: clusterArn(ctx, name),
        status: 'ACTIVE',
        createdAt: ctx.now,
        settings,
        ...providers,
        tags,
      };
      const configuration = input.optObj('configuration');
      if (configuration) c.configuration = configuration;
      if (typeof ns === 'string') c.serviceConnectNamespaceArn = ns;
      ctx.state.ecs.clusters[name] = c;
      return { cluster: renderCluster(ctx, c, all) };
    },
  },
  // Missing clusters come back in failures[] (reason MISSING): https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeClusters.html
  DescribeClusters: {
    kind: 'read',
    category: 'ecs.clusterRead',
    handle(ctx, input) {
      const refs = input.optStrList('clusters') ?? ['default'];
      if (refs.length > 100) throw input.invalid('clusters can have at most 100 items.');
      const include: ClusterInclude = {
        tags: includes(input, 'TAGS'),
        settings: includes(input, 'SETTINGS'),
        configurations: includes(input, 'CONFIGURATIONS'),
        statistics: includes(input, 'STATISTICS'),
        attachments: includes(input, 'ATTACHMENTS'),
      };
      const clusters: JsonObject[] = [];
      const failures: JsonObject[] = [];
      for (const ref of refs) {
        const c = ctx.state.ecs.clusters[clusterNameOf(ref)];
        if (c) clusters.push(renderCluster(ctx, c, include));
        else failures.push({ arn: ref.startsWith('arn:') ? ref : clusterArn(ctx, ref), reason: 'MISSING' });
      }
      return { clusters, failures };
    },
  },
  ListClusters: {
    kind: 'read',
    category: 'ecs.clusterRead',
    handle(ctx) {
      const clusterArns = Object.values(ctx.state.ecs.clusters)
        .filter((c) => c.status === 'ACTIVE')
        .map((c) => c.clusterArn);
      return { clusterArns };
    },
  },
  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateCluster.html
  UpdateCluster: {
    kind: 'write',
    category: 'ecs.clusterWrite',
    handle(ctx, input) {
      validateClusterRequest('UpdateCluster', input.raw);
      const c = requireCluster(ctx, input.str('cluster'));
      const settings = readSettings(input);
      if (settings) {
        const byName = new Map(c.settings.map((s) => [String(s.name), s]));
        for (const s of settings) byName.set(String(s.name), s);
        c.settings = [...byName.values()];
      }
      const configuration = input.optObj('configuration');
      if (configuration) c.configuration = configuration;
      const ns = resolveDefaultNamespace(ctx, input);
      if (ns === null) delete c.serviceConnectNamespaceArn;
      else if (ns !== undefined) c.serviceConnectNamespaceArn = ns;
      return { cluster: renderCluster(ctx, c, all) };
    },
  },
  // Replaces the cluster's providers and default strategy; a provider a live service's strategy
  // uses cannot be removed ("The specified capacity provider is in use and cannot be removed.",
  // aws/containers-roadmap#631): https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PutClusterCapacityProviders.html
  PutClusterCapacityProviders: {
    kind: 'write',
    category: 'ecs.clusterWrite',
    handle(ctx, input) {
      validateClusterRequest('PutClusterCapacityProviders', input.raw);
      const c = requireCluster(ctx, input.str('cluster'));
      const names = input.optStrList('capacityProviders');
      const strategy = input.optList('defaultCapacityProviderStrategy');
      if (names === undefined || strategy === undefined) throw input.invalid('capacityProviders and defaultCapacityProviderStrategy must be specified.');
      const providers = resolveClusterProviders(ctx, names, strategy);
      for (const svc of Object.values(ctx.state.ecs.services[c.clusterName] ?? {})) {
        if (svc.status === 'INACTIVE') continue;
        const used = Array.isArray(svc.spec.capacityProviderStrategy) ? svc.spec.capacityProviderStrategy.filter(isJsonObject) : [];
        if (used.some((s) => !providers.capacityProviders.includes(String(s.capacityProvider)))) {
          throw new SimulatorError('ResourceInUseException', 'The specified capacity provider is in use and cannot be removed.');
        }
      }
      c.capacityProviders = providers.capacityProviders;
      c.defaultCapacityProviderStrategy = providers.defaultCapacityProviderStrategy;
      return { cluster: renderCluster(ctx, c, all) };
    },
  },
  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteCluster.html
  DeleteCluster: {
    kind: 'write',
    category: 'ecs.clusterWrite',
    handle(ctx, input) {
      const c = requireCluster(ctx, input.str('cluster'));
      const live = Object.values(ctx.state.ecs.services[c.clusterName] ?? {}).some((s) => s.status !== 'INACTIVE');
      if (live) throw new SimulatorError('ClusterContainsServicesException', 'The Cluster cannot be deleted while Services are active.');
      c.status = 'INACTIVE';
      const out = renderCluster(ctx, c, all);
      delete ctx.state.ecs.clusters[c.clusterName];
      delete ctx.state.ecs.services[c.clusterName];
      return { cluster: out };
    },
  },
};

