/**
 * Runs one command sequence of the lifecycle property test from a fresh simulator state, then the
 * final checks: two passes after AWS has settled (converged, or stalled for a cause the model
 * allows), then one more that writes nothing. Also used to replay fixed counterexamples.
 */
import { CreateClusterCommand, CreateServiceCommand, RegisterTaskDefinitionCommand, TagResourceCommand as TagEcsCommand } from '@aws-sdk/client-ecs';
import { CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateHttpNamespaceCommand, GetOperationCommand } from '@aws-sdk/client-servicediscovery';
import fc from 'fast-check';
import { startSimulator } from '../../../src/simulator/index.js';
import { clientsFor, type TestClients } from '../../helpers/aws.js';
import { describeResults, noteFiredFaults, runPass, type Model, type Real } from './commands.js';
import { Harness } from './harness.js';
import { checkConverged, checkPass, checkQuiet, type Region } from './invariants.js';
import { cloneWorld, emptyWorld, type World } from './world.js';

const OTHER = { key: 'switchboard.dev/managed-by', value: 'another-controller' };

/** Resources another owner made before the sequence: the engine must never touch them. */
async function makeForeign(aws: TestClients): Promise<void> {
  await aws.ecs.send(new CreateClusterCommand({ clusterName: 'other', tags: [OTHER] }));
  const td = await aws.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'foreign',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'app', image: 'public.ecr.aws/docker/library/busybox:1.36' }],
      tags: [OTHER],
    }),
  );
  await aws.ecs.send(
    new CreateServiceCommand({
      cluster: 'other',
      serviceName: 'foreign',
      taskDefinition: td.taskDefinition?.taskDefinitionArn,
      desiredCount: 1,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } },
      tags: [OTHER],
    }),
  );
  await aws.ecs.send(new TagEcsCommand({ resourceArn: td.taskDefinition?.taskDefinitionArn, tags: [OTHER] }));
  const op = await aws.cloudMap.send(new CreateHttpNamespaceCommand({ Name: 'foreign.local', Tags: [{ Key: OTHER.key, Value: OTHER.value }] }));
  for (let i = 0; i < 200; i++) {
    const got = await aws.cloudMap.send(new GetOperationCommand({ OperationId: op.OperationId }));
    if (got.Operation?.Status === 'SUCCESS') break;
    await new Promise((r) => setTimeout(r, 2));
  }
  await aws.logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/foreign', tags: { [OTHER.key]: OTHER.value } }));
}

/** What another owner's resources look like (compared before and after every pass). */
export function foreignView(region: Region): unknown {
  const svc = region.ecs.services.other?.foreign;
  return {
    service: svc ? [svc.status, svc.desiredCount, svc.taskDefinition, svc.tags] : null,
    taskDefinitions: (region.ecs.taskDefinitions.foreign ?? []).map((t) => t.status),
    namespace: Object.values(region.cloudmap.namespaces).filter((n) => n.Name === 'foreign.local').map((n) => n.tags),
    logGroup: region.logs.groups['/ecs/foreign'] !== undefined,
  };
}

/** A small world the sequences start from (applied once before the commands). */
export function startingWorld(): World {
  const w = emptyWorld();
  w.namespaces.set('orders.local', { description: 1 });
  w.taskDefinitions.set('lc-api', { image: 20, logs: true, appProtocol: 'http', team: null });
  w.services.set('alpha', { taskDefinition: 'lc-api', desiredCount: 1, sc: 'server', namespace: 'orders.local', alias: 80, discoveryName: 'alpha', compute: 'FARGATE' });
  return w;
}

/** Counts the commands fast-check runs (those whose `check` holds). */
function counted(commands: Iterable<fc.AsyncCommand<Model, Real>>, count: { executed: number }): fc.AsyncCommand<Model, Real>[] {
  return [...commands].map((c) => ({
    check: (m: Readonly<Model>) => c.check(m),
    run: async (m: Model, r: Real) => {
      count.executed++;
      await c.run(m, r);
    },
    toString: () => c.toString(),
  }));
}

/**
 * Runs `commands` from a fresh state and checks the final invariants; the log says what happened.
 * Returns how many commands ran.
 */
export async function runSequence(harness: Harness, aws: TestClients, commands: Iterable<fc.AsyncCommand<Model, Real>>, log: string[]): Promise<number> {
  const count = { executed: 0 };
  const sim = harness.sim;
  sim.clearFaults();
  sim.resetState();
  harness.restart();
  await makeForeign(aws);
  const model: Model = { world: startingWorld(), allowedStalls: new Map(), armed: new Set(), removed: new Set(), renamed: new Map() };
  const real: Real = { harness, aws, foreign: foreignView, log };
  // The commands start from the starting world converged (a loaded machine may leave a namespace
  // operation or a rollout unfinished after one pass): replays of counterexamples stay exact.
  let initial = await runPass(model, real, 'initial pass');
  for (let i = 2; i <= 4 && initial.results.some((x) => x.decision.type !== 'done'); i++) {
    await harness.settle();
    initial = await runPass(model, real, `initial pass ${i}`);
  }
  checkConverged(initial, model.world, new Map());
  await fc.asyncModelRun(() => ({ model, real }), counted(commands, count));
  // The last command is done: no more faults, AWS finishes what it was doing between passes.
  noteFiredFaults(model, real);
  sim.clearFaults();
  model.armed.clear();
  const world = cloneWorld(model.world);
  let last;
  for (const label of ['final pass 1', 'final pass 2']) {
    await harness.settle();
    last = await harness.pass(world, label);
    log.push(`${label}: ${last.writes} writes; ${describeResults(last.results)}`);
    checkPass(last, foreignView, model.renamed);
  }
  if (last) checkConverged(last, world, model.allowedStalls);
  await harness.settle();
  const quiet = await harness.pass(world, 'quiet pass');
  checkPass(quiet, foreignView, model.renamed);
  checkQuiet(quiet);
  return count.executed;
}

/** The simulator, engine and SDK clients a test file's sequences share (started before its first test). */
export interface LifecycleEnv {
  readonly harness: Harness;
  readonly aws: TestClients;
}

/** Starts a fast simulator with the engine on it for the calling test file; closes them after. */
export function useLifecycleEnv(): LifecycleEnv {
  let env: { harness: Harness; aws: TestClients } | undefined;
  beforeAll(async () => {
    const sim = await startSimulator({ timeScale: 1000 });
    // A long run on a loaded machine can reuse a kept-alive connection the simulator has just
    // closed (ECONNRESET before the call is sent): the SDK's standard retry covers that, as it
    // does for the engine's own clients.
    env = { harness: await Harness.start(sim), aws: clientsFor(sim.url, { maxAttempts: 3 }) };
  });
  afterAll(async () => {
    if (!env) return;
    env.aws.destroy();
    env.harness.close();
    await env.harness.sim.close();
  });
  const started = (): { harness: Harness; aws: TestClients } => {
    if (!env) throw new Error('the lifecycle environment starts in beforeAll: use it inside a test');
    return env;
  };
  return {
    get harness() {
      return started().harness;
    },
    get aws() {
      return started().aws;
    },
  };
}
