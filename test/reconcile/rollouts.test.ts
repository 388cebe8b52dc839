/** The rollout verdict and tracker, on described services as the ECS adapter hands them over. */
import { conclusivelyFailed, RolloutTracker, rolloutVerdict, type RolloutExpectation } from '../../src/reconcile/rollouts.js';
import type { LiveDeployment, LiveService } from '../../src/reconcile/ports.js';

const OLD = 'arn:aws:ecs:us-east-1:1:task-definition/web:1';
const NEW = 'arn:aws:ecs:us-east-1:1:task-definition/web:2';

function deployment(id: string, taskDefinition: string, extra: Partial<LiveDeployment> = {}): LiveDeployment {
  return { id, status: 'PRIMARY', taskDefinition, desiredCount: 2, runningCount: 2, failedTasks: 0, rolloutState: 'COMPLETED', serviceConnectResources: [], ...extra };
}

function service(deployments: LiveDeployment[], extra: Partial<LiveService> = {}): LiveService {
  return { cluster: 'c', clusterArn: '', name: 'web', arn: '', status: 'ACTIVE', taskDefinition: deployments[0]?.taskDefinition ?? '', desiredCount: 2, runningCount: 2, raw: {}, deployments, events: [], tags: {}, ...extra };
}

const ours: RolloutExpectation = { taskDefinition: NEW, deploymentId: 'd2', discoveryNames: [] };

test.each<[string, LiveService | undefined, RolloutExpectation, boolean, string, string | undefined]>([
  ['our deployment completed', service([deployment('d2', NEW)]), ours, false, 'completed', undefined],
  ['our deployment rolling', service([deployment('d2', NEW, { rolloutState: 'IN_PROGRESS', runningCount: 1 }), deployment('d1', OLD, { status: 'ACTIVE' })], { runningCount: 2 }), ours, false, 'progressing', 'RolloutInProgress'],
  [
    // An eventually consistent read right after UpdateService: the old PRIMARY, no FAILED state, no event.
    'a read that does not show our deployment yet is no failure',
    service([deployment('d1', OLD)]),
    ours,
    false,
    'progressing',
    'RolloutInProgress',
  ],
  ['our deployment FAILED', service([deployment('d1', OLD, { rolloutState: 'IN_PROGRESS' }), deployment('d2', NEW, { status: 'ACTIVE', rolloutState: 'FAILED' })]), ours, false, 'failed', 'state'],
  [
    'our deployment dropped after a rollback, named failed by an event',
    service([deployment('d3', OLD)], { events: [{ createdAt: '', message: '(service web) (deployment d2) deployment failed: tasks failed to start.' }] }),
    ours,
    false,
    'failed',
    'event',
  ],
  ['the task definition moved back after a read showed ours', service([deployment('d3', OLD)]), ours, true, 'failed', 'moved-back'],
  [
    'completed, but Service Connect has not registered every discovery name',
    service([deployment('d2', NEW, { serviceConnectResources: [{ discoveryName: 'web-http' }] })]),
    { ...ours, discoveryNames: ['web-http', 'web-grpc'] },
    false,
    'progressing',
    'ServiceConnectPending',
  ],
  ['a service that is gone', undefined, ours, false, 'gone', undefined],
  ['a draining service', service([deployment('d2', NEW)], { status: 'DRAINING' }), ours, false, 'gone', undefined],
])('%s', (_name, s, expectation, seen, state, detail) => {
  const v = rolloutVerdict(s, expectation, seen);
  expect(v.state).toBe(state);
  if (v.state === 'progressing') expect(v.reason).toBe(detail);
  if (v.state === 'failed') expect(v.evidence).toBe(detail);
});

test('only a move back needs a second read to conclude', () => {
  expect(conclusivelyFailed(rolloutVerdict(service([deployment('d3', OLD)]), ours, true))).toBe(false);
  expect(conclusivelyFailed(rolloutVerdict(service([deployment('d2', NEW, { rolloutState: 'FAILED' })]), ours))).toBe(true);
});

describe('the tracker', () => {
  test('remembers a failed spec until a new rollout of the service starts', () => {
    const t = new RolloutTracker();
    t.started('c/web', ours, 'spec-1');
    t.observe(new Map([['c/web', service([deployment('d2', NEW, { rolloutState: 'FAILED' })])]]));
    expect(t.failure('c/web')).toMatchObject({ specHash: 'spec-1', taskDefinition: NEW });
    expect(t.tracked('c/web')).toBeUndefined();
    t.started('c/web', { ...ours, deploymentId: 'd4' }, 'spec-2');
    expect(t.failure('c/web')).toBeUndefined();
  });

  test('concludes a move back only on the second read that shows it', () => {
    const t = new RolloutTracker();
    t.started('c/web', ours, 'spec-1');
    t.observe(new Map([['c/web', service([deployment('d2', NEW)], { runningCount: 0 })]]));
    const movedBack = new Map([['c/web', service([deployment('d3', OLD)])]]);
    t.observe(movedBack);
    expect(t.failure('c/web')).toBeUndefined();
    t.observe(movedBack);
    expect(t.failure('c/web')?.message).toMatch(/moved back to web:1/);
  });

  test('forgets a rollout that completed', () => {
    const t = new RolloutTracker();
    t.started('c/web', ours, 'spec-1');
    t.observe(new Map([['c/web', service([deployment('d2', NEW)])]]));
    expect(t.tracked('c/web')).toBeUndefined();
    expect(t.failure('c/web')).toBeUndefined();
  });
});
