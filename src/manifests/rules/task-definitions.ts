/** Rules within one task definition: port names, Fargate sizes, log destinations, secrets in plain environment variables. */
import type { LogConfiguration, TaskDefinitionSpec } from '../model.js';
import type { PathSegment } from '../problems.js';
import type { DocOf, RuleContext } from './context.js';
import type { LoadedDocument } from '../load.js';
import { quoteList } from './context.js';

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
    if (options['awslogs-group'] === undefined) {
      ctx.report(doc, 'error', 'awslogs-group-missing', [...path, 'options'], 'the awslogs driver needs `awslogs-group`', 'add `options: {awslogs-group: /ecs/<name>, awslogs-region: <region>}`');
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
    ctx.report(doc, 'error', 'fargate-network-mode', spec.networkMode === undefined ? ['spec'] : ['spec', 'networkMode'], `Fargate requires \`networkMode: awsvpc\` (${reason})`, 'set `networkMode: awsvpc`');
  }
  if (spec.cpu === undefined || spec.memory === undefined) {
    ctx.report(doc, 'error', 'fargate-size-missing', ['spec'], `Fargate requires task-level \`cpu\` and \`memory\` (${reason})`, 'set e.g. `cpu: "256"` and `memory: "512"`');
    return;
  }
  const cpu = parseCpu(spec.cpu);
  const memory = parseMemory(spec.memory);
  const allowed = cpu === undefined ? undefined : FARGATE_SIZES.get(cpu);
  if (allowed === undefined) {
    ctx.report(doc, 'error', 'fargate-cpu', ['spec', 'cpu'], `\`cpu: ${spec.cpu}\` is not a Fargate task size (${reason})`, `use one of ${[...FARGATE_SIZES.keys()].join(', ')}`);
  } else if (memory === undefined || !allowed.includes(memory)) {
    ctx.report(
      doc,
      'error',
      'fargate-memory',
      ['spec', 'memory'],
      `\`memory: ${spec.memory}\` is not valid with \`cpu: ${spec.cpu}\` on Fargate (${reason})`,
      `with cpu ${cpu} use memory ${allowed.length > 8 ? `${allowed[0]}–${allowed[allowed.length - 1]} in steps of ${(allowed[1] ?? 0) - (allowed[0] ?? 0)}` : allowed.join(', ')}`,
    );
  }
}

/** Rules that need only the task definition itself. */
export function checkTaskDefinition(ctx: RuleContext, doc: DocOf<'TaskDefinition'>): void {
  const spec = doc.resource.spec;
  const seen = new Map<string, string>();
  spec.containerDefinitions.forEach((c, ci) => {
    const base: PathSegment[] = ['spec', 'containerDefinitions', ci];
    (c.portMappings ?? []).forEach((pm, pi) => {
      if (pm.name === undefined) return;
      const path = [...base, 'portMappings', pi, 'name'];
      if (!PORT_NAME.test(pm.name)) {
        ctx.report(doc, 'error', 'port-name-invalid', path, `port name \`${pm.name}\` is not valid`, 'use up to 64 lowercase letters, digits, `_` and `-`, not starting with `-` (e.g. `http` or `nginx-80-tcp`)');
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
