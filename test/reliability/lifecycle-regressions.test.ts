/**
 * Counterexamples the lifecycle property test found, replayed as fixed command sequences through
 * the same harness and invariants. One found before its fix landed is written `test.failing` (it
 * passes while the bug is there); when the fix lands it becomes a plain `test`, and the command
 * kind joins the property test's generator (`options` in lifecycle.test.ts).
 */
import type fc from 'fast-check';
import {
  ArmCreateFailure,
  OutOfBandDeleteLogGroup,
  OutOfBandDeleteService,
  OutOfBandDeregister,
  Pass,
  PutCluster,
  PutNamespace,
  PutService,
  PutTaskDefinition,
  RemoveNamespace,
  RemoveService,
  RemoveTaskDefinition,
  RenameService,
  Restart,
  type CommandOptions,
  type Model,
  type Real,
} from './lifecycle/commands.js';
import type { ServiceDecl } from './lifecycle/world.js';
import { runSequence, useLifecycleEnv } from './lifecycle/run.js';
import { resolvableEndpoints } from '../helpers/resolvable-endpoints.js';

/** Every kind of command allowed, as the property test will once the items have landed. */
const all: CommandOptions = { deleteLogGroup: true, tagOnlyEdits: true, computeSwitch: true, removeNamespaceInUse: true, reAdd: true, deregisterOutOfBand: true, pruneOnlyAfterSuccess: true };
/** The starting world's server, alpha (lifecycle/run.ts), with some of its fields changed. */
const alpha = (change: Partial<ServiceDecl>): ServiceDecl => ({ taskDefinition: 'lc-api', desiredCount: 1, sc: 'server', namespace: 'orders.local', alias: 80, discoveryName: 'alpha', compute: 'FARGATE', ...change });

const env = useLifecycleEnv();
/** A sequence takes a few seconds; far more on a loaded machine. */
const TIMEOUT_MS = 120_000;
const run = (commands: readonly fc.AsyncCommand<Model, Real>[]): Promise<number> => runSequence(env.harness, env.aws, commands, []);

// Was: the next pass called UpdateService on the DRAINING service (ServiceNotActiveException,
// item 4); the one after replayed CreateService's clientToken, whose answer was the first
// creation's, and reported `created` while the service stayed INACTIVE (item 3). A DRAINING service
// is now waited for (WaitingForDrain), and each attempt sends its own token.
test('issue 11 items 3 and 4: a service another writer deleted is created again once it has drained, and reported created only when it exists', async () => {
  await run([new OutOfBandDeleteService('alpha'), new Pass(), new Pass()]);
}, TIMEOUT_MS);

// Was: the service's tag names the revision it runs, so neither this process nor a new one read the
// family again; the manifest's revision stayed INACTIVE and the plan was empty, and any later
// CreateService naming that revision would fail (TaskDefinition is inactive). A resync now re-checks
// each known revision with one ListTaskDefinitions per family (observe.ts, stillActive).
test('a revision another writer deregistered is registered again', async () => {
  await run([new OutOfBandDeregister('lc-api'), new Restart()]);
}, TIMEOUT_MS);

// Was: the client-only service's namespace was pruned once its manifest went (Cloud Map counts no
// service in it: ECS registers none for a client), while the service still named it. Prune now
// keeps a namespace a declared Service or Cluster names or a live service runs in (plan-prune.ts).
test('issue 11 item 2: a namespace a client-only service uses is not pruned when its manifest is removed', async () => {
  const client: ServiceDecl = { ...alpha({ sc: 'client', namespace: 'billing.internal', discoveryName: 'bravo' }) };
  await run([new PutNamespace(all, 'billing.internal', 1), new PutService(all, 'bravo', client), new Pass(), new RemoveNamespace(all, 'billing.internal')]);
}, TIMEOUT_MS);

// Was: the manifest's tags change, its content does not; the revision keeps its old tags and the
// plan is empty. The planner now retags the revision in place (plan-task-definition.ts).
test('issue 11 item 7: task definition tags edited alone are applied', async () => {
  await run([new PutTaskDefinition(all, 'lc-api', { image: 20, logs: true, appProtocol: 'http', team: 'red' })]);
}, TIMEOUT_MS);

// Was: launch type -> strategy went through UpdateService, but strategy -> launch type was planned
// as a replace and skipped without --allow-replace. UpdateService now sends an empty strategy.
test('issue 11 item 8: a service moves from a capacity provider strategy back to its launch type in place', async () => {
  await run([new PutService(all, 'alpha', alpha({ compute: 'FARGATE_SPOT' })), new Pass(), new PutService(all, 'alpha', alpha({ compute: 'FARGATE' }))]);
}, TIMEOUT_MS);

// Was: the log group was never looked at again; tasks of lc-api could not start. A resync now reads
// every needed log group afresh, 50 names a DescribeLogGroups (observe.ts, readLogGroupsAfresh).
test('issue 11 item 12: a log group a task definition needs, deleted out of band, is created again', async () => {
  await run([new OutOfBandDeleteLogGroup('lc-api'), new Pass()]);
}, TIMEOUT_MS);

// Was: the rename's new service answered 5xx on CreateService, and the same pass deleted the old
// one — nothing served until a later pass managed the creation. Prune now waits for the pass's
// creates and updates (apply.ts).
test('issue 11 item 15: a renamed service is not deleted while its replacement fails to be created', async () => {
  await run([new ArmCreateFailure('bravo'), new RenameService(all, 'alpha', 'bravo', false), new Pass()]);
}, TIMEOUT_MS);

// Seen (once prune waits for the pass's creates): a rename keeping the discovery name cannot create
// the new service while the old one holds the name, so the old one is not pruned, and neither is a
// namespace removed meanwhile; each says what it waits on. Stalled for that cause, not a loop.
test('a rename that keeps its discovery name, with a namespace removed meanwhile, converges or stalls naming the cause', async () => {
  await run([new PutNamespace(all, 'billing.internal', 1), new Pass(), new RenameService(all, 'alpha', 'bravo', true), new Pass(), new RemoveNamespace(all, 'billing.internal')]);
}, TIMEOUT_MS);

// Issue 11 item 9 in the model: alpha and bravo are created in one pass, each told to call the
// other, so neither can start after the other; both are redeployed once their rollouts are ready,
// the model's invariants hold (converged, then a pass with no write), and each resolves the other.
test('issue 11 item 9: servers created together that call each other converge, then resolve each other', async () => {
  await run([
    new RemoveService('alpha'),
    new Pass(),
    new PutTaskDefinition(all, 'lc-api', { image: 20, logs: true, appProtocol: 'http', team: null, calls: 'bravo' }),
    new PutTaskDefinition(all, 'lc-web', { image: 21, logs: false, appProtocol: 'http', team: null, calls: 'alpha' }),
    new PutService(all, 'alpha', alpha({})),
    new PutService(all, 'bravo', alpha({ taskDefinition: 'lc-web', discoveryName: 'bravo' })),
    new Pass(),
  ]);
  expect(await resolvableEndpoints(env.harness.sim.url, 'lc', 'alpha')).toContain('bravo');
  expect(await resolvableEndpoints(env.harness.sim.url, 'lc', 'bravo')).toContain('alpha');
}, TIMEOUT_MS);

// Seen (long run, seed 796418424): alpha moves from lc-api to lc-job and lc-api's manifest goes in
// the same pass; prune deregistered lc-api:1 while alpha's old deployment still ran it (a rollback
// would return to an INACTIVE revision). A family is now deregistered only once no live service's
// deployment runs any of its revisions (plan-prune.ts).
test('a family removed while a service moving off it still runs it is deregistered only once nothing runs it', async () => {
  await run([
    new PutTaskDefinition(all, 'lc-job', { image: 22, logs: true, appProtocol: 'grpc', team: 'blue', calls: null }),
    new PutService(all, 'alpha', alpha({ taskDefinition: 'lc-job', desiredCount: 3, alias: 8080, discoveryName: 'bravo', compute: 'FARGATE_SPOT' })),
    new PutCluster({ containerInsights: 'disabled', defaultProvider: null }),
    new RemoveTaskDefinition('lc-api'),
  ]);
}, TIMEOUT_MS);

// Seen (long run, seed 796420580): charlie names billing.internal, whose manifest went before any
// pass created it; CreateService answered NamespaceNotFoundException on every pass. The service is
// now held (MissingDependency) with what to do, and nothing is sent.
test('a service naming a namespace removed before it was ever created stalls saying so, and writes nothing', async () => {
  const charlie: ServiceDecl = alpha({ namespace: 'billing.internal', discoveryName: 'charlie', desiredCount: 2 });
  await run([new PutNamespace(all, 'billing.internal', 2), new PutService(all, 'charlie', charlie), new RemoveNamespace(all, 'billing.internal'), new Restart()]);
}, TIMEOUT_MS);

// Seen (long run, seed 796422336): another writer deregistered lc-api's revision, then its manifest's
// tags changed alone. The family's newest revision, as the process remembered it, was the
// deregistered one: it was retagged and reported configured while INACTIVE, and a new service
// naming it failed (TaskDefinition is inactive). A verifying pass now lists the newest revision again.
test('a tag edit after another writer deregistered the revision registers a new one, not retags the INACTIVE one', async () => {
  await run([new OutOfBandDeregister('lc-api'), new PutTaskDefinition(all, 'lc-api', { image: 20, logs: true, appProtocol: 'http', team: 'red', calls: null })]);
}, TIMEOUT_MS);
