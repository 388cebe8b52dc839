/**
 * The waits of a pass: a Cloud Map operation to finish, a service's rollout to complete (judged by
 * reconcile/rollouts), a deleted service to become INACTIVE. Progress goes to one callback, so a
 * front end (`apply --wait` output, logs) decides how to show it.
 */
import type { ResourceKey } from '../manifests/model.js';
import type { Logger } from '../observe/logger.js';
import type { Clock } from '../util/clock.js';
import { ROLLOUT_FAILED } from './decision.js';
import type { AwsPorts, LiveService } from './ports.js';
import { conclusivelyFailed, rolloutVerdict, type RolloutExpectation, type RolloutTracker } from './rollouts.js';
import { waitUntil, type WaitOptions } from './wait.js';

/** One progress report of a wait. */
export interface WaitProgress {
  resource: ResourceKey;
  what: 'rollout' | 'namespace-operation' | 'drain';
  /** What the last poll saw, e.g. `1/3 running, IN_PROGRESS`. */
  status: string;
  waitedMs: number;
}

/** Receives every poll's progress; must not throw. */
export type ProgressReporter = (p: WaitProgress) => void;

/** One look at a rollout being waited for (every poll, including the last), for a person watching. */
export interface RolloutProgress {
  /** `Service/nginx`. */
  key: string;
  /** The PRIMARY deployment's rolloutState (`IN_PROGRESS`, `COMPLETED`, `FAILED`), or `n/a`. */
  rolloutState: string;
  running: number;
  desired: number;
  /** The wait is over: rolled out, or failed (then `failed` says why). */
  done: boolean;
  failed?: string;
  elapsedMs: number;
}

// How often a long wait reports its progress at info level, when nobody else is told.
const PROGRESS_EVERY_MS = 3000;

/** The default reporter: an info log line per resource, the first at once and then at most every 3 s. */
export function loggingProgress(log: Logger, clock: Clock): ProgressReporter {
  const last = new Map<string, number>();
  return (p) => {
    const now = clock.now();
    const key = `${p.resource}\n${p.what}`;
    const previous = last.get(key);
    if (previous !== undefined && now - previous < PROGRESS_EVERY_MS) return;
    last.set(key, now);
    log.info({ resource: p.resource, action: 'wait', what: p.what, status: p.status, waitedMs: p.waitedMs }, `${p.resource}: waiting for ${p.what}: ${p.status}`);
  };
}

export interface WaitContext {
  ports: AwsPorts;
  waits: WaitOptions;
  clock: Clock;
  log: Logger;
  progress: ProgressReporter;
  /** Told about each rollout poll (apply --wait shows them). */
  onRolloutProgress?: (p: RolloutProgress) => void;
}

/**
 * Cloud Map operations usually finish within seconds and services wait on them, so they are polled
 * more closely than deployments: from 200 ms, growing by 1.1x, at most every 2 s, not randomised
 * (a handful of namespaces, each polled by one waiter).
 */
function namespaceWait(waits: WaitOptions): WaitOptions {
  return { ...waits, intervalMs: Math.min(waits.intervalMs, 200), maxIntervalMs: Math.min(waits.maxIntervalMs, 2000), factor: 1.1, randomize: false };
}

/** Waits for a Cloud Map operation; resolves with the namespace id it targets. */
export async function waitNamespaceOperation(operationId: string, resource: ResourceKey, what: string, ctx: WaitContext): Promise<string | undefined> {
  const started = ctx.clock.now();
  return waitUntil(
    `${resource}: ${what}`,
    async () => {
      const op = await ctx.ports.cloudMap.getOperation(operationId);
      if (op.status === 'SUCCESS') return { done: true, value: op.namespaceId };
      if (op.status === 'FAIL') {
        return { failed: `Cloud Map operation ${operationId} ended in FAIL: ${op.errorCode ?? ''} ${op.errorMessage ?? ''}`.trim(), category: 'Conflict', code: 'OperationFailed' };
      }
      ctx.progress({ resource, what: 'namespace-operation', status: `Cloud Map operation ${op.status}`, waitedMs: ctx.clock.now() - started });
      return { done: false, status: op.status };
    },
    namespaceWait(ctx.waits),
  );
}

/**
 * Waits until a rollout completes (see rolloutVerdict), failing on evidence only: a failure that
 * rests on the task definition having moved back is read once more before it is concluded. A
 * tracker, when given, learns each verdict.
 */
export async function waitForRollout(
  cluster: string,
  service: string,
  resource: ResourceKey,
  expectation: RolloutExpectation,
  ctx: WaitContext,
  tracker?: RolloutTracker,
): Promise<LiveService> {
  const started = ctx.clock.now();
  let seen = false;
  let suspect: string | undefined;
  const key = `${cluster}/${service}`;
  ctx.progress({ resource, what: 'rollout', status: 'waiting for the rollout', waitedMs: 0 });
  return waitUntil(
    `${resource}: rollout`,
    async () => {
      const { services } = await ctx.ports.ecs.describeServices(cluster, [service]);
      const s = services[0];
      const tracked = tracker?.tracked(key);
      const v = tracked && s ? tracker?.judge(key, tracked, s) ?? rolloutVerdict(s, expectation, seen) : rolloutVerdict(s, expectation, seen);
      if (s && (s.taskDefinition === expectation.taskDefinition || s.deployments.some((d) => d.id === expectation.deploymentId))) seen = true;
      const waitedMs = ctx.clock.now() - started;
      const report = (done: boolean, failed?: string): void =>
        ctx.onRolloutProgress?.({
          key: resource,
          rolloutState: s?.deployments.find((d) => d.status === 'PRIMARY')?.rolloutState ?? 'n/a',
          running: s?.runningCount ?? 0,
          desired: s?.desiredCount ?? 0,
          done,
          ...(failed !== undefined ? { failed } : {}),
          elapsedMs: waitedMs,
        });
      switch (v.state) {
        case 'completed':
          if (!s) break;
          report(true);
          ctx.log.info({ resource, action: 'wait', result: 'ok', running: s.runningCount, desired: s.desiredCount, durationMs: waitedMs }, `${resource}: rolled out`);
          return { done: true, value: s };
        case 'gone':
          report(true, v.detail);
          return { failed: `service ${service} in cluster ${cluster}: ${v.detail}`, category: 'NotFound' };
        case 'failed':
          if (conclusivelyFailed(v) || suspect !== undefined) {
            report(true, `deployment failed: ${v.detail}`);
            return { failed: `deployment failed: ${v.detail}`, category: 'Invalid', code: ROLLOUT_FAILED };
          }
          suspect = v.detail;
          report(false);
          return { done: false, status: `re-reading before concluding: ${v.detail}` };
        case 'progressing':
          suspect = undefined;
          report(false);
          ctx.progress({ resource, what: 'rollout', status: v.detail, waitedMs });
          return { done: false, status: v.detail };
        default: {
          const never: never = v;
          throw new Error(`unknown verdict ${JSON.stringify(never)}`);
        }
      }
      return { done: false, status: 'no service read' };
    },
    ctx.waits,
  );
}

/** Waits until no service of that name is ACTIVE or DRAINING (DeleteService: a name is free once INACTIVE). */
export async function waitServiceInactive(cluster: string, service: string, resource: ResourceKey, ctx: WaitContext): Promise<void> {
  const started = ctx.clock.now();
  await waitUntil(
    `${resource}: deletion`,
    async () => {
      const { services } = await ctx.ports.ecs.describeServices(cluster, [service]);
      const s = services[0];
      if (!s) return { done: true, value: undefined };
      ctx.progress({ resource, what: 'drain', status: s.status, waitedMs: ctx.clock.now() - started });
      return { done: false, status: s.status };
    },
    ctx.waits,
  );
}
