/**
 * The model of the lifecycle property test: what the user declares (the manifests), as a small
 * world of namespaces, task definitions and services in one cluster, and its rendering as manifest
 * documents. Names are fixed pools, so random sequences add, edit, remove and re-add the same
 * resources and rename services within the pool.
 */
import { stringify } from 'yaml';

/** The cluster every service runs in (declared, with both Fargate capacity providers). */
export const CLUSTER = 'lc';
/** Namespace names different enough that removing one never reads as a typo of the other. */
export const NAMESPACES = ['orders.local', 'billing.internal'] as const;
export const TASK_DEFINITIONS = ['lc-api', 'lc-web', 'lc-job'] as const;
export const SERVICES = ['alpha', 'bravo', 'charlie', 'delta'] as const;

export type NamespaceName = (typeof NAMESPACES)[number];
export type TaskDefinitionName = (typeof TASK_DEFINITIONS)[number];
export type ServiceName = (typeof SERVICES)[number];

export interface NamespaceDecl {
  description: number;
}

export interface TaskDefinitionDecl {
  /** Which image tag: an edit changes the content, so a new revision. */
  image: number;
  /** An awslogs log configuration (its group must exist for tasks to start). */
  logs: boolean;
  appProtocol: 'http' | 'grpc';
  /** Tags of the manifest (an edit of tags alone changes no content). */
  team: string | null;
  /**
   * A service its container is told to call (`http://<name>/`): servers that call each other's
   * new endpoints are ordered, or redeployed after the pass (issue 11 item 9).
   */
  calls?: ServiceName | null;
}

export type ServiceConnectMode = 'off' | 'client' | 'server';

export interface ServiceDecl {
  taskDefinition: TaskDefinitionName;
  desiredCount: number;
  /** `off` still sends `enabled: false` once the service had Service Connect (the engine's job). */
  sc: ServiceConnectMode;
  namespace: NamespaceName;
  alias: number;
  /** The discovery name of a server (kept across a rename when the rename says so). */
  discoveryName: string;
  compute: 'FARGATE' | 'FARGATE_SPOT';
}

/** What the cluster's manifest states beyond its capacity providers (null: left out). */
export interface ClusterDecl {
  containerInsights: 'enabled' | 'disabled' | null;
  /** The provider of a one-provider default strategy (PutClusterCapacityProviders). */
  defaultProvider: 'FARGATE' | 'FARGATE_SPOT' | null;
}

/** Everything the manifests declare. */
export interface World {
  cluster: ClusterDecl;
  namespaces: Map<NamespaceName, NamespaceDecl>;
  taskDefinitions: Map<TaskDefinitionName, TaskDefinitionDecl>;
  services: Map<ServiceName, ServiceDecl>;
}

export function emptyWorld(): World {
  return { cluster: { containerInsights: null, defaultProvider: null }, namespaces: new Map(), taskDefinitions: new Map(), services: new Map() };
}

export function cloneWorld(w: World): World {
  return { cluster: { ...w.cluster }, namespaces: new Map([...w.namespaces].map(([k, v]) => [k, { ...v }])), taskDefinitions: new Map([...w.taskDefinitions].map(([k, v]) => [k, { ...v }])), services: new Map([...w.services].map(([k, v]) => [k, { ...v }])) };
}

/** The named port of a task definition. */
export function portName(td: TaskDefinitionName): string {
  return `${td}-port`;
}

export function logGroupOf(td: TaskDefinitionName): string {
  return `/ecs/${CLUSTER}/${td}`;
}

type Doc = Record<string, unknown>;
const meta = (kind: string, name: string): Doc => ({ apiVersion: 'switchboard.dev/v1alpha1', kind, metadata: { name } });

/** The manifest documents of a world, as a user would write them. */
export function documents(w: World): Doc[] {
  const docs: Doc[] = [];
  for (const [name, ns] of w.namespaces) docs.push({ ...meta('Namespace', name), spec: { type: 'HTTP', description: `namespace ${name} v${ns.description}` } });
  const cluster: Doc = { capacityProviders: ['FARGATE', 'FARGATE_SPOT'] };
  if (w.cluster.containerInsights !== null) cluster.settings = [{ name: 'containerInsights', value: w.cluster.containerInsights }];
  if (w.cluster.defaultProvider !== null) cluster.defaultCapacityProviderStrategy = [{ capacityProvider: w.cluster.defaultProvider, weight: 1 }];
  docs.push({ ...meta('Cluster', CLUSTER), spec: cluster });
  for (const [name, td] of w.taskDefinitions) {
    const container: Doc = {
      name: 'app',
      image: `public.ecr.aws/docker/library/nginx:1.${td.image}`,
      essential: true,
      portMappings: [{ name: portName(name), containerPort: 8080, appProtocol: td.appProtocol }],
    };
    if (td.calls) container.environment = [{ name: 'UPSTREAM', value: `http://${td.calls}/` }];
    if (td.logs) container.logConfiguration = { logDriver: 'awslogs', options: { 'awslogs-group': logGroupOf(name), 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'app' } };
    docs.push({
      ...meta('TaskDefinition', name),
      spec: {
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
        containerDefinitions: [container],
        ...(td.team !== null ? { tags: { team: td.team } } : {}),
      },
    });
  }
  for (const [name, s] of w.services) {
    const spec: Doc = {
      cluster: CLUSTER,
      taskDefinition: s.taskDefinition,
      desiredCount: s.desiredCount,
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0123456789abcdef0'], securityGroups: ['sg-0123456789abcdef0'] } },
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
      ...(s.compute === 'FARGATE' ? { launchType: 'FARGATE' } : { capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] }),
    };
    if (s.sc === 'client') spec.serviceConnectConfiguration = { enabled: true, namespace: s.namespace };
    if (s.sc === 'server') {
      spec.serviceConnectConfiguration = {
        enabled: true,
        namespace: s.namespace,
        services: [{ portName: portName(s.taskDefinition), discoveryName: s.discoveryName, clientAliases: [{ port: s.alias }] }],
      };
    }
    docs.push({ ...meta('Service', name), spec });
  }
  return docs;
}

/** The manifests of a world as one YAML text (what the source holds). */
export function manifestText(w: World): string {
  return documents(w)
    .map((d) => stringify(d))
    .join('---\n');
}

/** The namespaces services of the world name (used, whether declared or not). */
export function namespacesInUse(w: World): Set<NamespaceName> {
  const out = new Set<NamespaceName>();
  for (const s of w.services.values()) if (s.sc !== 'off') out.add(s.namespace);
  return out;
}
