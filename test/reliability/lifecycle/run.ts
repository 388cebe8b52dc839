/**
 * Runs one command sequence of the lifecycle property test from a fresh simulator state, then the
 * final checks: two passes after AWS has settled (converged, or stalled for a cause the model
 * allows), then one more that writes nothing. Also used to replay fixed counterexamples.
 */
import { CreateClusterCommand, CreateServiceCommand, RegisterTaskDefinitionCommand, TagResourceCommand as TagEcsCommand } from '@aws-sdk/client-ecs';
import { CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateHttpNamespaceCommand, GetOperationCommand } from '@aws-sdk/client-servicediscovery';
import fc from 'fast-check';
import type { TestClients } from '../../helpers/aws.js';
import { describeResults, noteFiredFaults, runPass, type Model, type Real } from './commands.js';
import type { Harness } from './harness.js';
import { checkConverged, checkPass, checkQuiet } from './invariants.js';
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
export function foreignView(region: { ecs: { services: Record<string, Record<string, { status: string; desiredCount: number; taskDefinition: string; tags: unknown }>>; taskDefinitions: Record<string, { status: string }[]> }; cloudmap: { namespaces: Record<string, { Name: string; tags: unknown }> }; logs: { groups: Record<string, unknown> } }): unknown {
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
  const model: Model = { world: startingWorld(), allowedStalls: new Map(), armed: new Set(), removed: new Set() };
  const real: Real = { harness, aws, foreign: foreignView as never, log };
  await runPass(model, real, 'initial pass');
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
    checkPass(last, foreignView as never);
  }
  if (last) checkConverged(last, world, model.allowedStalls);
  await harness.settle();
  const quiet = await harness.pass(world, 'quiet pass');
  checkPass(quiet, foreignView as never);
  checkQuiet(quiet);
  return count.executed;
}
