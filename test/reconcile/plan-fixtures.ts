/**
 * Building blocks for the planner's table tests: manifests loaded through the real loader, and
 * live state in the shapes the AWS adapters hand to the planner.
 */
import type { DesiredResource, DesiredResourceOf, Kind } from '../../src/manifests/model.js';
import { validateSnapshot } from '../../src/manifests/validate.js';
import { asJson } from '../../src/reconcile/canonical.js';
import { desiredTaskDefinition, frozenSpec } from '../../src/reconcile/desired.js';
import { emptyObservedState, serviceKey, type ObservedState } from '../../src/reconcile/observed.js';
import { ownershipTags, TAG_TASK_DEFINITION } from '../../src/reconcile/ownership.js';
import type { PlanOptions } from '../../src/reconcile/plan.js';
import type { JsonObject, LiveCluster, LiveDeployment, LiveNamespace, LiveService, TagMap } from '../../src/reconcile/ports.js';

export const ACCOUNT = '123456789012';
export const OPTS: PlanOptions = { controllerId: 'switchboard', defaultCluster: 'default', prune: false, allowReplace: false, allowEmpty: false, maxPrune: 10, sourceHealthy: true };

/** Loads manifests (YAML documents) through the real loader; fails on any validation error. */
export function manifests(...docs: string[]): DesiredResource[] {
  const files = docs.map((d, i) => ({ path: `m${i}.yaml`, content: Buffer.from(`apiVersion: switchboard.dev/v1alpha1\n${d}`) }));
  const result = validateSnapshot(files);
  const errors = result.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((p) => `${p.file}:${p.line}: ${p.path ?? ''} ${p.message}`).join('\n'));
  return result.resources;
}

/** The one resource of `kind` named `name`. */
export function one<K extends Kind>(resources: readonly DesiredResource[], kind: K, name: string): DesiredResourceOf<K> {
  const r = resources.find((x) => x.kind === kind && x.name === name);
  if (!r) throw new Error(`no ${kind}/${name}`);
  return r as DesiredResourceOf<K>;
}

export const NAMESPACE = `kind: Namespace
metadata: {name: apps}
spec: {type: HTTP, description: apps}
`;

export const CLUSTER = `kind: Cluster
metadata: {name: default}
spec:
  serviceConnectDefaults: {namespace: apps}
`;

/** A task definition with one named, HTTP port mapping. */
export function taskDefinition(name: string, image = 'nginx:1', appProtocol = 'http'): string {
  return `kind: TaskDefinition
metadata: {name: ${name}}
spec:
  requiresCompatibilities: [FARGATE]
  networkMode: awsvpc
  cpu: "256"
  memory: "512"
  containerDefinitions:
    - name: ${name}
      image: ${image}
      portMappings: [{name: ${name}-http, containerPort: 80, appProtocol: ${appProtocol}}]
`;
}

/** `taskDefinition(name)` whose container logs to `/ecs/<name>` with awslogs (on Fargate that needs an execution role). */
export function loggingTaskDefinition(name: string): string {
  return `${taskDefinition(name)}      logConfiguration:
        logDriver: awslogs
        options: {awslogs-group: /ecs/${name}, awslogs-region: us-east-1, awslogs-stream-prefix: ${name}}
  executionRoleArn: arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole
`;
}

/** `taskDefinition(name)` whose container is told to call each URL in `calls` (environment values). */
export function callingTaskDefinition(name: string, ...calls: string[]): string {
  return `${taskDefinition(name)}      environment: [${calls.map((c, i) => `{name: UPSTREAM_${i}, value: "${c}"}`).join(', ')}]\n`;
}

/** A Fargate service running task definition `name`; `server` publishes its port in `apps`. */
export function service(name: string, opts: { server?: boolean; extra?: string; annotations?: string } = {}): string {
  const sc = opts.server
    ? `  serviceConnectConfiguration:
    enabled: true
    namespace: apps
    services: [{portName: ${name}-http, clientAliases: [{port: 80}]}]
`
    : `  serviceConnectConfiguration: {enabled: true, namespace: apps}
`;
  return `kind: Service
metadata:
  name: ${name}
${opts.annotations ? `  annotations: ${opts.annotations}\n` : ''}spec:
  taskDefinition: ${name}
  desiredCount: 1
  launchType: FARGATE
  networkConfiguration: {awsvpcConfiguration: {subnets: [subnet-1], securityGroups: [sg-1]}}
${sc}${opts.extra ?? ''}`;
}

export function namespaceArn(id: string): string {
  return `arn:aws:servicediscovery:us-east-1:${ACCOUNT}:namespace/${id}`;
}

export function liveNamespace(name: string, extra: Partial<LiveNamespace> = {}): LiveNamespace {
  const id = `ns-${name}`;
  return { id, arn: namespaceArn(id), name, type: 'HTTP', description: name, serviceCount: 0, ...extra };
}

export function liveCluster(name: string, extra: Partial<LiveCluster> = {}): LiveCluster {
  return { name, arn: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/${name}`, status: 'ACTIVE', settings: [], tags: ownershipTags('switchboard', `Cluster/${name}`), ...extra };
}

export function taskDefinitionArn(family: string, revision: number): string {
  return `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/${family}:${revision}`;
}

/**
 * The live service AWS would report for a Service manifest applied by this controller: in sync,
 * running revision 1 of its task definition, our tags recorded.
 */
export function liveServiceFor(r: DesiredResourceOf<'Service'>, td: DesiredResourceOf<'TaskDefinition'>, state: ObservedState, extra: { raw?: JsonObject; deployment?: Partial<LiveDeployment>; tags?: TagMap } = {}): LiveService {
  const tdArn = taskDefinitionArn(td.spec.family, 1);
  const hash = desiredTaskDefinition(td).hash;
  const spec = { ...frozenSpec(r) };
  const sc = spec.serviceConnectConfiguration;
  delete spec.serviceConnectConfiguration;
  delete spec.tags;
  delete spec.taskDefinition;
  const cluster = r.spec.cluster ?? 'default';
  const nsIndex = new Map(state.namespaces.map((n) => [n.name, n.arn]));
  const liveSc = sc && typeof sc === 'object' && !Array.isArray(sc) ? { ...sc, namespace: nsIndex.get(String(sc.namespace)) ?? sc.namespace ?? null } : undefined;
  const svc: LiveService = {
    cluster,
    clusterArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/${cluster}`,
    name: r.name,
    arn: `arn:aws:ecs:us-east-1:${ACCOUNT}:service/${cluster}/${r.name}`,
    status: 'ACTIVE',
    taskDefinition: tdArn,
    desiredCount: r.spec.desiredCount ?? 1,
    runningCount: r.spec.desiredCount ?? 1,
    raw: { ...spec, schedulingStrategy: 'REPLICA', ...(extra.raw ?? {}) },
    deployments: [
      {
        id: 'ecs-svc/1',
        status: 'PRIMARY',
        rolloutState: 'COMPLETED',
        taskDefinition: tdArn,
        desiredCount: 1,
        runningCount: 1,
        failedTasks: 0,
        ...(liveSc ? { serviceConnectConfiguration: asJson(liveSc) as JsonObject } : {}),
        serviceConnectResources: [],
        ...(extra.deployment ?? {}),
      },
    ],
    events: [],
    tags: { ...ownershipTags('switchboard', r.key), [TAG_TASK_DEFINITION]: `${hash}@${td.spec.family}:1`, ...(extra.tags ?? {}) },
  };
  state.services.set(serviceKey(cluster, r.name), svc);
  state.taskDefinitionHashes.set(tdArn, hash);
  state.taskDefinitions.set(td.key, { matchingArn: tdArn });
  return svc;
}

/** An observation holding the given namespaces (with our tags) and clusters. */
export function observedWith(namespaces: LiveNamespace[] = [], clusters: LiveCluster[] = []): ObservedState {
  const state = emptyObservedState();
  state.namespaces = namespaces;
  for (const n of namespaces) state.namespaceTags.set(n.arn, ownershipTags('switchboard', `Namespace/${n.name}`));
  for (const c of clusters) state.clusters.set(c.name, c);
  return state;
}
