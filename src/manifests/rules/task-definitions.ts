/** Rules within one task definition: port names, Fargate sizes, log destinations, secrets in plain environment variables. */
import type { LogConfiguration, TaskDefinitionSpec } from '../model.js';
import type { PathSegment } from '../problems.js';
import type { DocOf, RuleContext } from './context.js';
import type { LoadedDocument } from '../load.js';
import { AWS } from './aws-rules.js';
import { quoteList } from './context.js';
import { ECS_NAME, checkFamilyName } from './names.js';
import { checkTaskDefinitionNumbers } from './numbers.js';

/** Port mapping names Service Connect accepts (ECS API reference, PortMapping.name). */
export const PORT_NAME = /^[a-z0-9_][a-z0-9_-]{0,63}$/;

/**
 * Valid Fargate task sizes: CPU units → allowed memory in MiB.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
 * (also listed under `cpu` in https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html).
 */
const range = (from: number, to: number, step: number): number[] => Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);
export const FARGATE_SIZES: ReadonlyMap<number, readonly number[]> = new Map([
  [256, [512, 1024, 2048]],
  [512, range(1024, 4096, 1024)],
  [1024, range(2048, 8192, 1024)],
  [2048, range(4096, 16384, 1024)],
  [4096, range(8192, 30720, 1024)],
  [8192, range(16384, 61440, 4096)],
  [16384, range(32768, 122880, 8192)],
]);

/** CPU units from `"1024"` or `"1 vCPU"`; undefined when unreadable. */
export function parseCpu(value: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(vcpu)?\s*$/i.exec(value);
  if (!m?.[1]) return undefined;
  return m[2] ? Math.round(Number(m[1]) * 1024) : Number(m[1]);
}

/** Memory in MiB from `"2048"` or `"2 GB"`; undefined when unreadable. */
export function parseMemory(value: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(gb)?\s*$/i.exec(value);
  if (!m?.[1]) return undefined;
  return m[2] ? Math.round(Number(m[1]) * 1024) : Number(m[1]);
}

/** A CloudWatch Logs log group name (CreateLogGroup `logGroupName`). */
const LOG_GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;

/** An image in a private Amazon ECR registry, which Fargate pulls with the task execution role. */
const ECR_IMAGE = /^\d{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\//;

/** Environment variable names that look like they hold a secret. */
const SECRET_NAME = /PASSWORD|PASSWD|TOKEN|SECRET|(^|_)(API|ACCESS|PRIVATE)?_?KEY(_|$)/i;

/** Checks a log configuration (a container's or the Service Connect proxy's) against its destination's needs. */
export function checkLogConfiguration(
  ctx: RuleContext,
  doc: { resource: { key: string }; document: LoadedDocument['document'] },
  path: readonly PathSegment[],
  log: LogConfiguration,
  taskDefinition: TaskDefinitionSpec | undefined,
): void {
  const options = log.options ?? {};
  if (log.logDriver === 'awslogs') {
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html
    const group = options['awslogs-group'];
    if (group === undefined) {
      ctx.report(doc, 'error', 'awslogs-group-missing', [...path, 'options'], 'the awslogs driver needs `awslogs-group`', 'add `options: {awslogs-group: /ecs/<name>, awslogs-region: <region>}`');
    } else if (!LOG_GROUP_NAME.test(group)) {
      // The controller creates the group (CreateLogGroup), which refuses such a name.
      ctx.violates(doc, 'awslogs-group-invalid', [...path, 'options', 'awslogs-group'], AWS.logGroupName, `log group name \`${group}\` is not valid`, 'use up to 512 letters, digits and `_ - / . #`, e.g. `/ecs/my-service`');
    }
    if (options['awslogs-region'] === undefined) {
      ctx.report(doc, 'warning', 'awslogs-region-missing', [...path, 'options'], 'the awslogs driver needs `awslogs-region`; the controller fills in the region it runs in', 'set `awslogs-region` to send logs to another region');
    }
  } else if (log.logDriver === 'awsfirelens' && taskDefinition !== undefined) {
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_firelens.html
    if (!taskDefinition.containerDefinitions.some((c) => c.firelensConfiguration !== undefined)) {
      ctx.report(
        doc,
        'error',
        'firelens-router-missing',
        [...path, 'logDriver'],
        `the awsfirelens driver needs a log router container with \`firelensConfiguration\` in TaskDefinition/${taskDefinition.family}`,
        'add a container (e.g. image public.ecr.aws/aws-observability/aws-for-fluent-bit:stable) with `firelensConfiguration: {type: fluentbit}`',
      );
    }
  }
}

/** Fargate requirements: awsvpc networking and a valid task-level cpu/memory pair. `reason` says why the task runs on Fargate. */
export function checkFargate(ctx: RuleContext, doc: DocOf<'TaskDefinition'>, reason: string): void {
  const spec = doc.resource.spec;
  if (spec.networkMode !== 'awsvpc') {
    ctx.violates(doc, 'fargate-network-mode', spec.networkMode === undefined ? ['spec'] : ['spec', 'networkMode'], AWS.fargateNetworkMode, `Fargate requires \`networkMode: awsvpc\` (${reason})`, 'set `networkMode: awsvpc`');
  }
  if (spec.cpu === undefined || spec.memory === undefined) {
    ctx.violates(doc, 'fargate-size-missing', ['spec'], AWS.fargateSize, `Fargate requires task-level \`cpu\` and \`memory\` (${reason})`, 'set e.g. `cpu: "256"` and `memory: "512"`');
    return;
  }
  const cpu = parseCpu(spec.cpu);
  const memory = parseMemory(spec.memory);
  const allowed = cpu === undefined ? undefined : FARGATE_SIZES.get(cpu);
  if (allowed === undefined) {
    ctx.violates(doc, 'fargate-cpu', ['spec', 'cpu'], AWS.fargateSize, `\`cpu: ${spec.cpu}\` is not a Fargate task size (${reason})`, `use one of ${[...FARGATE_SIZES.keys()].join(', ')}`);
  } else if (memory === undefined || !allowed.includes(memory)) {
    ctx.violates(
      doc,
      'fargate-memory',
      ['spec', 'memory'],
      AWS.fargateSize,
      `\`memory: ${spec.memory}\` is not valid with \`cpu: ${spec.cpu}\` on Fargate (${reason})`,
      `with cpu ${cpu} use memory ${allowed.length > 8 ? `${allowed[0]}–${allowed[allowed.length - 1]} in steps of ${(allowed[1] ?? 0) - (allowed[0] ?? 0)}` : allowed.join(', ')}`,
    );
  }
}

/** Container names: present, in ECS's alphabet, unique; and an image for each. */
function checkContainerIdentity(ctx: RuleContext, doc: DocOf<'TaskDefinition'>): void {
  const firstAt = new Map<string, number>();
  doc.resource.spec.containerDefinitions.forEach((c, ci) => {
    const base: PathSegment[] = ['spec', 'containerDefinitions', ci];
    if (c.name === undefined || c.name === '') {
      ctx.violates(doc, 'container-name-missing', base, AWS.containerName, 'the container has no `name`', 'add `name:` (e.g. `app`)');
    } else if (!ECS_NAME.test(c.name)) {
      ctx.violates(doc, 'container-name-invalid', [...base, 'name'], AWS.containerName, `container name \`${c.name}\` is not valid`, 'use up to 255 letters, digits, `_` and `-`');
    } else {
      const first = firstAt.get(c.name);
      if (first !== undefined) {
        ctx.violates(doc, 'container-name-duplicate', [...base, 'name'], AWS.containerNameUnique, `container name \`${c.name}\` is already used by containerDefinitions[${first}]`, 'give each container its own name');
      } else {
        firstAt.set(c.name, ci);
      }
    }
    if (c.image === undefined || c.image === '') ctx.violates(doc, 'container-image-missing', base, AWS.containerImage, 'the container has no `image`', 'add `image:` (e.g. `public.ecr.aws/nginx/nginx:1.27`)');
  });
}

/** At least one essential container; memory for each container when the task sets none; memory not below its reservation. */
function checkContainerResources(ctx: RuleContext, doc: DocOf<'TaskDefinition'>): void {
  const spec = doc.resource.spec;
  const containers = spec.containerDefinitions;
  if (containers.length > 0 && containers.every((c) => c.essential === false)) {
    ctx.violates(doc, 'essential-container-missing', ['spec', 'containerDefinitions'], AWS.essentialContainer, 'every container sets `essential: false`', 'leave `essential` out (it defaults to true) on the main container');
  }
  // Fargate's own rule (task-level cpu and memory) is reported by checkFargate instead.
  const checksContainerMemory = spec.memory === undefined && !spec.requiresCompatibilities?.includes('FARGATE');
  containers.forEach((c, ci) => {
    const base: PathSegment[] = ['spec', 'containerDefinitions', ci];
    if (checksContainerMemory && c.memory === undefined && c.memoryReservation === undefined) {
      ctx.violates(
        doc,
        'container-memory-missing',
        base,
        AWS.containerMemory,
        `container \`${c.name ?? `#${ci}`}\` sets neither \`memory\` nor \`memoryReservation\`, and the task sets no \`memory\``,
        'set `memoryReservation` (MiB) on the container, or `memory` on the task',
      );
    }
    if (c.memory !== undefined && c.memoryReservation !== undefined && c.memory < c.memoryReservation) {
      ctx.violates(doc, 'container-memory-below-reservation', [...base, 'memory'], AWS.memoryReservation, `\`memory: ${c.memory}\` is below \`memoryReservation: ${c.memoryReservation}\``, 'raise `memory` or lower `memoryReservation`');
    }
  });
}

/** What needs the task execution role: secrets, private registry credentials, and on Fargate awslogs and private ECR images. */
function checkExecutionRole(ctx: RuleContext, doc: DocOf<'TaskDefinition'>): void {
  const spec = doc.resource.spec;
  if (spec.executionRoleArn !== undefined && spec.executionRoleArn !== '') return;
  const fargate = spec.requiresCompatibilities?.includes('FARGATE') === true;
  const hint = 'set `executionRoleArn` (e.g. arn:aws:iam::<account>:role/ecsTaskExecutionRole)';
  spec.containerDefinitions.forEach((c, ci) => {
    const base: PathSegment[] = ['spec', 'containerDefinitions', ci];
    const name = c.name ?? `#${ci}`;
    if ((c.secrets ?? []).length > 0) {
      ctx.violates(doc, 'execution-role-missing', [...base, 'secrets'], AWS.secretsRole, `container \`${name}\` reads \`secrets\` and the task has no \`executionRoleArn\``, hint, { key: true });
    }
    if (c.repositoryCredentials !== undefined) {
      ctx.violates(doc, 'execution-role-missing', [...base, 'repositoryCredentials'], AWS.repositoryCredentialsRole, `container \`${name}\` pulls with \`repositoryCredentials\` and the task has no \`executionRoleArn\``, hint, { key: true });
    }
    if (!fargate) return;
    if (c.logConfiguration?.logDriver === 'awslogs') {
      ctx.violates(doc, 'execution-role-missing', [...base, 'logConfiguration', 'logDriver'], AWS.fargateAwslogsRole, `container \`${name}\` logs with awslogs on Fargate and the task has no \`executionRoleArn\``, hint);
    }
    if (c.image !== undefined && ECR_IMAGE.test(c.image)) {
      ctx.violates(doc, 'execution-role-missing', [...base, 'image'], AWS.fargateEcrRole, `container \`${name}\` pulls a private Amazon ECR image on Fargate and the task has no \`executionRoleArn\``, hint);
    }
  });
}

/** Rules that need only the task definition itself. */
export function checkTaskDefinition(ctx: RuleContext, doc: DocOf<'TaskDefinition'>): void {
  const spec = doc.resource.spec;
  checkFamilyName(ctx, doc);
  checkContainerIdentity(ctx, doc);
  checkContainerResources(ctx, doc);
  checkExecutionRole(ctx, doc);
  checkTaskDefinitionNumbers(ctx, doc);
  const seen = new Map<string, string>();
  spec.containerDefinitions.forEach((c, ci) => {
    const base: PathSegment[] = ['spec', 'containerDefinitions', ci];
    (c.portMappings ?? []).forEach((pm, pi) => {
      if (pm.name === undefined) return;
      const path = [...base, 'portMappings', pi, 'name'];
      if (!PORT_NAME.test(pm.name)) {
        ctx.violates(doc, 'port-name-invalid', path, AWS.portMappingName, `port name \`${pm.name}\` is not valid`, 'use up to 64 lowercase letters, digits, `_` and `-`, not starting with `-` (e.g. `http` or `nginx-80-tcp`)');
      }
      const other = seen.get(pm.name);
      if (other !== undefined) {
        ctx.report(doc, 'error', 'port-name-duplicate', path, `port name \`${pm.name}\` is already used by container \`${other}\``, 'port mapping names must be unique within a task definition');
      } else {
        seen.set(pm.name, c.name ?? `#${ci}`);
      }
    });
    if (c.logConfiguration !== undefined) checkLogConfiguration(ctx, doc, [...base, 'logConfiguration'], c.logConfiguration, spec);
    (c.environment ?? []).forEach((env, ei) => {
      if (env.name !== undefined && SECRET_NAME.test(env.name) && env.value !== undefined && env.value !== '') {
        ctx.report(
          doc,
          'warning',
          'secret-in-environment',
          [...base, 'environment', ei, 'name'],
          `environment variable \`${env.name}\` looks like a secret but is stored in plain text`,
          `move it to \`secrets: [{name: ${env.name}, valueFrom: <Secrets Manager or SSM parameter ARN>}]\``,
        );
      }
    });
  });
  if (spec.requiresCompatibilities?.includes('FARGATE')) checkFargate(ctx, doc, 'requiresCompatibilities includes FARGATE');
}

/** The named port mappings of a task definition: name → appProtocol (undefined = TCP), and the unnamed ones for hints. */
export function portMappings(spec: TaskDefinitionSpec): { named: Map<string, string | undefined>; unnamed: { container: string; containerPort: number | undefined }[] } {
  const named = new Map<string, string | undefined>();
  const unnamed: { container: string; containerPort: number | undefined }[] = [];
  for (const c of spec.containerDefinitions) {
    for (const pm of c.portMappings ?? []) {
      if (pm.name !== undefined) named.set(pm.name, pm.appProtocol);
      else unnamed.push({ container: c.name ?? '?', containerPort: pm.containerPort });
    }
  }
  return { named, unnamed };
}

export { quoteList };
