import { arnOf, epochSeconds, type OperationDef, type RequestContext } from '../context.js';
import { SimulatorError } from '../errors.js';
import type { Input } from '../input.js';
import { compact, isJsonObject, type Json, type JsonObject } from '../json.js';
import type { TaskDefinitionRecord } from '../state.js';
import { includes, paginate, readTags, renderTags } from './common.js';
import { fargateIncompatibility } from '../validation/fargate.js';
import { validateRegisterTaskDefinition } from '../validation/task-definition.js';

/** Members of RegisterTaskDefinition that are echoed back as part of the task definition. */
const bodyMembers = [
  'taskRoleArn',
  'executionRoleArn',
  'networkMode',
  'volumes',
  'placementConstraints',
  'requiresCompatibilities',
  'cpu',
  'memory',
  'pidMode',
  'ipcMode',
  'proxyConfiguration',
  'inferenceAccelerators',
  'ephemeralStorage',
  'runtimePlatform',
  'enableFaultInjection',
] as const;

/**
 * Fills in what DescribeTaskDefinition returns although it was never sent: container `cpu: 0`,
 * `essential: true`, `hostPort` = `containerPort` under awsvpc/host, `protocol: tcp`, empty
 * `environment`/`mountPoints`/`volumesFrom`/`systemControls`
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html,
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html).
 */
function normaliseContainer(c: JsonObject, networkMode: string | undefined): JsonObject {
  const pinnedHost = networkMode === 'awsvpc' || networkMode === 'host';
  const portMappings = Array.isArray(c.portMappings)
    ? c.portMappings.filter(isJsonObject).map((pm) => {
        return compact({
          ...pm,
          hostPort: pm.hostPort ?? (pinnedHost ? pm.containerPort : undefined),
          protocol: pm.protocol ?? 'tcp',
        });
      })
    : undefined;
  return compact({
    ...c,
    cpu: c.cpu ?? 0,
    portMappings: portMappings ?? [],
    essential: c.essential ?? true,
    environment: c.environment ?? [],
    mountPoints: c.mountPoints ?? [],
    volumesFrom: c.volumesFrom ?? [],
    systemControls: c.systemControls ?? [],
  });
}

/** The capability attributes ECS derives from the content (a subset of what AWS adds). */
function requiresAttributes(body: JsonObject, containers: JsonObject[]): Json[] {
  const names = new Set<string>();
  for (const c of containers) {
    const lc = c.logConfiguration;
    if (isJsonObject(lc) && lc.logDriver === 'awslogs') {
      names.add('com.amazonaws.ecs.capability.logging-driver.awslogs');
      names.add('com.amazonaws.ecs.capability.docker-remote-api.1.19');
      if (body.executionRoleArn) names.add('ecs.capability.execution-role-awslogs');
    }
    if (Array.isArray(c.secrets) && c.secrets.length > 0) names.add('ecs.capability.secrets.asm.environment-variables');
    if (isJsonObject(c.healthCheck)) names.add('com.amazonaws.ecs.capability.container-health-check');
  }
  if (body.taskRoleArn) names.add('com.amazonaws.ecs.capability.task-iam-role');
  if (body.networkMode === 'awsvpc') {
    names.add('ecs.capability.task-eni');
    names.add('com.amazonaws.ecs.capability.docker-remote-api.1.18');
  }
  return [...names].map((name) => ({ name }));
}

/** FARGATE only for a definition Fargate can run (awsvpc and a valid task size). */
function compatibilities(body: JsonObject): string[] {
  return fargateIncompatibility(body) === undefined ? ['EC2', 'FARGATE'] : ['EXTERNAL', 'EC2'];
}

/** A task definition as DescribeTaskDefinition returns it. */
export function renderTaskDefinition(td: TaskDefinitionRecord): JsonObject {
  return compact({
    taskDefinitionArn: td.arn,
    ...td.body,
    family: td.family,
    revision: td.revision,
    status: td.status,
    registeredAt: epochSeconds(td.registeredAt),
    deregisteredAt: td.deregisteredAt === undefined ? undefined : epochSeconds(td.deregisteredAt),
  });
}

/**
 * Resolves `family`, `family:revision` or a full ARN. A bare family means its latest ACTIVE
 * revision; an explicit revision may be INACTIVE or DELETE_IN_PROGRESS, not deleted for good
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTaskDefinition.html,
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-definition-state.html).
 */
export function findTaskDefinition(ctx: RequestContext, ref: string): TaskDefinitionRecord | undefined {
  const short = ref.includes(':task-definition/') ? ref.slice(ref.indexOf(':task-definition/') + ':task-definition/'.length) : ref;
  const colon = short.lastIndexOf(':');
  const family = colon >= 0 ? short.slice(0, colon) : short;
  const revisions = ctx.state.ecs.taskDefinitions[family];
  if (!revisions) return undefined;
  if (colon >= 0) {
    const rev = Number(short.slice(colon + 1));
    const td = Number.isInteger(rev) ? revisions[rev - 1] : undefined;
    return td && td.deleted !== true ? td : undefined;
  }
  for (let i = revisions.length - 1; i >= 0; i--) {
    const td = revisions[i];
    if (td && td.status === 'ACTIVE') return td;
  }
  return undefined;
}

/** Deletes for good the DELETE_IN_PROGRESS revisions no deployment of a live service uses any more. */
export function settleTaskDefinitionDeletes(ctx: RequestContext): void {
  const deleting = ctx.state.ecs.taskDefinitionsDeleting;
  if (!deleting || deleting.length === 0) return;
  const used = new Set<string>();
  for (const byName of Object.values(ctx.state.ecs.services)) {
    for (const svc of Object.values(byName)) for (const d of svc.deployments) used.add(d.taskDefinition);
  }
  ctx.state.ecs.taskDefinitionsDeleting = deleting.filter((arn) => {
    if (used.has(arn)) return true;
    const td = findTaskDefinition(ctx, arn);
    if (td) td.deleted = true;
    return false;
  });
}

/** The named port mappings of a task definition's containers (Service Connect `portName`s). */
export function portNames(td: TaskDefinitionRecord): Map<string, JsonObject> {
  const out = new Map<string, JsonObject>();
  const containers = td.body.containerDefinitions;
  if (!Array.isArray(containers)) return out;
  for (const c of containers) {
    if (!isJsonObject(c) || !Array.isArray(c.portMappings)) continue;
    for (const pm of c.portMappings) if (isJsonObject(pm) && typeof pm.name === 'string') out.set(pm.name, pm);
  }
  return out;
}

function requireRevisionRef(ctx: RequestContext, input: Input): TaskDefinitionRecord {
  const ref = input.str('taskDefinition');
  const td = findTaskDefinition(ctx, ref);
  if (!td) throw new SimulatorError('ClientException', 'Unable to describe task definition.');
  return td;
}

/** Task definition operations. */
export const taskDefinitionOperations: Record<string, OperationDef> = {
  // No idempotency token: every call registers a new revision, even for identical content
  // (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html).
  RegisterTaskDefinition: {
    kind: 'write',
    category: 'ecs.taskDefinitionWrite',
    handle(ctx, input) {
      validateRegisterTaskDefinition(input.raw);
      const family = input.str('family');
      const containersIn = input.optObjList('containerDefinitions') ?? [];
      const body: JsonObject = {};
      for (const m of bodyMembers) if (input.raw[m] !== undefined && input.raw[m] !== null) body[m] = input.raw[m];
      for (const m of ['cpu', 'memory'] as const) if (typeof body[m] === 'number') body[m] = String(body[m]);
      const networkMode = input.optStr('networkMode');
      const containers = containersIn.map((c) => normaliseContainer(c, networkMode));
      body.containerDefinitions = containers;
      body.volumes = body.volumes ?? [];
      body.placementConstraints = body.placementConstraints ?? [];
      body.requiresAttributes = requiresAttributes(body, containers);
      body.compatibilities = compatibilities(body);
      body.registeredBy = `arn:aws:iam::${ctx.accountId}:root`;
      const tags = readTags(input);
      const revisions = (ctx.state.ecs.taskDefinitions[family] ??= []);
      if (revisions.length >= 1_000_000) throw new SimulatorError('ClientException', 'Too many revisions for this family.');
      const revision = revisions.length + 1;
      const td: TaskDefinitionRecord = {
        family,
        revision,
        arn: arnOf(ctx, 'ecs', `task-definition/${family}:${revision}`),
        status: 'ACTIVE',
        body,
        registeredAt: ctx.now,
        tags,
      };
      revisions.push(td);
      const out: JsonObject = { taskDefinition: renderTaskDefinition(td) };
      if (Object.keys(tags).length > 0) out.tags = renderTags(tags);
      return out;
    },
  },
  // Tags only with include: ["TAGS"]: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTaskDefinition.html
  DescribeTaskDefinition: {
    kind: 'read',
    category: 'ecs.taskDefinitionRead',
    handle(ctx, input) {
      const td = requireRevisionRef(ctx, input);
      const out: JsonObject = { taskDefinition: renderTaskDefinition(td) };
      if (includes(input, 'TAGS')) out.tags = renderTags(td.tags);
      return out;
    },
  },
  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeregisterTaskDefinition.html
  DeregisterTaskDefinition: {
    kind: 'write',
    category: 'ecs.taskDefinitionWrite',
    handle(ctx, input) {
      const ref = input.str('taskDefinition');
      if (!/:\d+$/.test(ref)) throw new SimulatorError('ClientException', 'A revision must be specified to deregister a task definition.');
      const td = requireRevisionRef(ctx, input);
      if (td.status === 'ACTIVE') {
        td.status = 'INACTIVE';
        td.deregisteredAt = ctx.now;
      }
      return { taskDefinition: renderTaskDefinition(td) };
    },
  },
  // Only deregistered (INACTIVE) revisions can be deleted; they are DELETE_IN_PROGRESS until no
  // deployment uses them, then gone, their revision numbers never reused
  // (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteTaskDefinitions.html).
  DeleteTaskDefinitions: {
    kind: 'write',
    category: 'ecs.taskDefinitionWrite',
    handle(ctx, input) {
      const refs = input.optStrList('taskDefinitions') ?? [];
      if (refs.length === 0 || refs.length > 10) throw input.invalid('taskDefinitions must have between 1 and 10 items.');
      const deleting = (ctx.state.ecs.taskDefinitionsDeleting ??= []);
      const taskDefinitions: JsonObject[] = [];
      const failures: JsonObject[] = [];
      for (const ref of refs) {
        const td = /:\d+$/.test(ref) ? findTaskDefinition(ctx, ref) : undefined;
        if (!td) {
          failures.push({ arn: ref, reason: 'The specified task definition does not exist. Specify a valid task definition revision and try again.' });
        } else if (td.status === 'ACTIVE') {
          failures.push({ arn: td.arn, reason: 'The specified task definition is still in ACTIVE status. Please deregister the target and try again.' });
        } else {
          if (td.status === 'INACTIVE') {
            td.status = 'DELETE_IN_PROGRESS';
            deleting.push(td.arn);
          }
          taskDefinitions.push(renderTaskDefinition(td));
        }
      }
      settleTaskDefinitionDeletes(ctx);
      return { taskDefinitions, failures };
    },
  },
  // familyPrefix is the full family name here: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTaskDefinitions.html
  ListTaskDefinitions: {
    kind: 'read',
    category: 'ecs.taskDefinitionRead',
    handle(ctx, input) {
      const family = input.optStr('familyPrefix');
      const status = input.optStr('status') ?? 'ACTIVE';
      const sort = input.optStr('sort') ?? 'ASC';
      const families = family === undefined ? Object.keys(ctx.state.ecs.taskDefinitions).sort() : [family];
      let arns: string[] = [];
      for (const f of families) {
        for (const td of ctx.state.ecs.taskDefinitions[f] ?? []) if (td.status === status && td.deleted !== true) arns.push(td.arn);
      }
      if (sort === 'DESC') arns = arns.reverse();
      const { page, nextToken } = paginate(arns, input, 100, 100);
      return compact({ taskDefinitionArns: page, nextToken });
    },
  },
  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTaskDefinitionFamilies.html
  ListTaskDefinitionFamilies: {
    kind: 'read',
    category: 'ecs.taskDefinitionRead',
    handle(ctx, input) {
      const prefix = input.optStr('familyPrefix') ?? '';
      const status = input.optStr('status') ?? 'ACTIVE';
      const families = Object.entries(ctx.state.ecs.taskDefinitions)
        .filter(([f, revs]) => {
          // A family whose revisions were all deleted is no longer returned; one with a revision
          // still DELETE_IN_PROGRESS is (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-definition-state.html).
          if (!f.startsWith(prefix) || revs.every((r) => r.deleted === true)) return false;
          const anyActive = revs.some((r) => r.status === 'ACTIVE');
          return status === 'ALL' || (status === 'ACTIVE' ? anyActive : !anyActive);
        })
        .map(([f]) => f)
        .sort();
      const { page, nextToken } = paginate(families, input, 100, 100);
      return compact({ families: page, nextToken });
    },
  },
};

