/**
 * The controller's own deployment (manifests/deploy): valid manifests, the plain JSON task
 * definition identical to what the controller would register from them, the single-writer
 * deployment settings, and agreement with the image and the IAM policy.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadSnapshot, type DesiredResourceOf } from '../../src/manifests/index.js';
import { desiredTaskDefinition } from '../../src/reconcile/desired.js';
import { buildProgram } from '../../src/cli/program.js';
import { runSwitchboard } from '../helpers/cli.js';
import { instructionsOf, parseStages } from './dockerfile.js';
import { readPolicy, resourcesOf, statementsAllowing, wildcardMatch } from './iam.js';

const DEPLOY = path.join('manifests', 'deploy');
const MANIFEST = path.join(DEPLOY, 'switchboard.yaml');

interface KeyValue {
  name?: string;
  key?: string;
  value: string;
}

interface ContainerJson {
  name: string;
  image: string;
  command: string[];
  environment: KeyValue[];
  healthCheck: { command: string[] };
  stopTimeout: number;
  logConfiguration: { logDriver: string; options: Record<string, string> };
}

interface TaskDefinitionJson {
  family: string;
  taskRoleArn: string;
  executionRoleArn: string;
  containerDefinitions: ContainerJson[];
  tags: KeyValue[];
  [k: string]: unknown;
}

function load(): { taskDefinition: DesiredResourceOf<'TaskDefinition'>; service: DesiredResourceOf<'Service'> } {
  const result = loadSnapshot([{ path: MANIFEST, content: readFileSync(MANIFEST) }]);
  expect(result.problems).toEqual([]);
  const td = result.documents.map((d) => d.resource).find((r): r is DesiredResourceOf<'TaskDefinition'> => r.kind === 'TaskDefinition');
  const svc = result.documents.map((d) => d.resource).find((r): r is DesiredResourceOf<'Service'> => r.kind === 'Service');
  if (!td || !svc) throw new Error(`${MANIFEST} must declare a TaskDefinition and a Service`);
  return { taskDefinition: td, service: svc };
}

const json = JSON.parse(readFileSync(path.join(DEPLOY, 'task-definition.json'), 'utf8')) as TaskDefinitionJson;
const container = json.containerDefinitions[0] as ContainerJson;

test('switchboard validate accepts the deployment manifests with no error and no warning', async () => {
  const run = await runSwitchboard(['validate', DEPLOY, '--output', 'json']);
  expect(run.code).toBe(0);
  const report = JSON.parse(run.stdout) as { valid: boolean; resources: number; errors: number; warnings: number };
  expect(report).toMatchObject({ valid: true, resources: 2, errors: 0, warnings: 0 });
});

test('task-definition.json is exactly the registration the controller makes from the manifest', () => {
  const desired = desiredTaskDefinition(load().taskDefinition);
  const { tags, ...input } = json;
  expect(input).toEqual(desired.input);
  expect(Object.fromEntries(tags.map((t) => [t.key, t.value]))).toEqual(desired.userTags);
});

test('the service runs two controllers, a leader and a standby, and keeps one up during a deployment', () => {
  const { service } = load();
  expect(service.spec.desiredCount).toBe(2);
  expect(service.spec.taskDefinition).toBe(json.family);
  expect(service.spec.deploymentConfiguration).toMatchObject({ minimumHealthyPercent: 50, maximumPercent: 200 });
  // One writer comes from the lease, which an S3 source has by default: the command must not turn it off.
  expect(container.command).not.toContain('--lease');
  // The reason is written next to the setting.
  const text = readFileSync(MANIFEST, 'utf8');
  expect(text).toMatch(/#.*one writer[\s\S]*lease[\s\S]*desiredCount: 2/i);
});

test('the container runs the controller over an S3 prefix, stops within 30 s and ships logs to /ecs/switchboard', () => {
  expect(container.image).toMatch(/^ghcr\.io\/[\w.-]+\/ecs-switchboard:\d+\.\d+\.\d+$/);
  expect(container.command[0]).toBe('run');
  const source = container.command[container.command.indexOf('--source') + 1];
  expect(source).toMatch(/^s3:\/\/[^/]+\/.+\/$/);
  expect(container.stopTimeout).toBe(30);
  expect(container.logConfiguration).toMatchObject({ logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/switchboard' } });
  expect(json.taskRoleArn).toMatch(/^arn:aws:iam::\d{12}:role\//);
  expect(json.executionRoleArn).toMatch(/^arn:aws:iam::\d{12}:role\//);
});

test('the task listens where the image probes, and its health check is the image\'s', () => {
  const stages = parseStages(readFileSync('Dockerfile', 'utf8'));
  const runtime = stages[stages.length - 1];
  if (!runtime) throw new Error('Dockerfile has no stage');
  const listen = container.environment.find((e) => e.name === 'SWITCHBOARD_LISTEN')?.value;
  const imageEnv = instructionsOf(runtime, 'ENV').map((i) => i.args).join(' ');
  expect(imageEnv).toContain(`SWITCHBOARD_LISTEN=${listen}`);
  const hc = instructionsOf(runtime, 'HEALTHCHECK')[0]?.args ?? '';
  const imageProbe = JSON.parse(/\bCMD\s+(\[.*\])\s*$/s.exec(hc)?.[1] ?? '[]') as string[];
  expect(container.healthCheck.command).toEqual(['CMD', ...imageProbe]);
});

test('the IAM policy lets `switchboard logs` read exactly the controller\'s log group', () => {
  const policy = readPolicy(path.join(DEPLOY, 'iam-policy.json'));
  const group = container.logConfiguration.options['awslogs-group'];
  const arn = `arn:aws:logs:us-east-1:123456789012:log-group:${group}:*`;
  const resources = statementsAllowing(policy, 'logs:FilterLogEvents').flatMap(resourcesOf);
  expect(resources.some((r) => wildcardMatch(r, arn, false))).toBe(true);
  expect(resources.some((r) => wildcardMatch(r, 'arn:aws:logs:us-east-1:123456789012:log-group:/ecs/nginx:*', false))).toBe(false);
});

const runCommand = buildProgram(() => undefined).commands.find((c) => c.name() === 'run');

// The `run` command is the daemon; until it is registered there is nothing to check the flags against.
(runCommand ? test : test.skip)('every flag in the container command is one `switchboard run` accepts', () => {
  const known = new Set(runCommand?.options.map((o) => o.long) ?? []);
  const used = container.command.filter((a) => a.startsWith('--'));
  expect(used.length).toBeGreaterThan(0);
  for (const flag of used) expect(known).toContain(flag);
});
