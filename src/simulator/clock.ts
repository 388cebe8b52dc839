/**
 * Durations of AWS's asynchronous work, in simulated milliseconds (what AWS takes, roughly). The
 * time scale divides them into real time: with `timeScale: 50` a 1 s namespace operation takes 20 ms.
 */
export interface Timings {
  /** Cloud Map namespace operation from submission to SUCCESS/FAIL. */
  namespaceOperationMs: number;
  /** ECS deployment from creation to COMPLETED (runningCount reaches desiredCount). */
  deploymentMs: number;
  /** ECS scaling after a desiredCount-only change. */
  scalingMs: number;
  /** ECS service DRAINING -> INACTIVE after DeleteService. */
  drainMs: number;
  /** ECS service INACTIVE -> purged (DescribeServices then reports it MISSING). */
  purgeMs: number;
  /** How long a CreateService `clientToken` replays the first answer. */
  clientTokenTtlMs: number;
}

/**
 * AWS-like defaults: a namespace operation takes about a second, a deployment a few seconds. A
 * deleted service stays DRAINING until its tasks have stopped: about a minute without load
 * balancers (tasks get SIGTERM and up to 30 s `stopTimeout`), more than 5 minutes with a load
 * balancer's deregistration delay (hashicorp/terraform#9521). INACTIVE services are purged "in the
 * future" (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteService.html); AWS
 * publishes no figure, an hour is what is commonly seen. Client tokens: RunTask's live 24 hours
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/ECS_Idempotency.html); CreateService's
 * are assumed to live as long.
 */
export const defaultTimings: Timings = {
  namespaceOperationMs: 1000,
  deploymentMs: 4000,
  scalingMs: 2000,
  drainMs: 60_000,
  purgeMs: 3_600_000,
  clientTokenTtlMs: 86_400_000,
};

/**
 * The simulator's clock. Timestamps are real wall-clock time (so they look like AWS's); only the
 * duration of asynchronous transitions is scaled. Transitions are computed lazily from stored
 * timestamps whenever state is read, so no timer is ever left running.
 */
export class SimClock {
  private scale: number;

  constructor(
    timeScale = 1,
    readonly timings: Timings = { ...defaultTimings },
    private readonly wallNow: () => number = Date.now,
  ) {
    this.scale = validScale(timeScale);
  }

  /** Current wall-clock time in epoch milliseconds. */
  now(): number {
    return this.wallNow();
  }

  /** How many times faster than AWS asynchronous work completes. */
  get timeScale(): number {
    return this.scale;
  }

  /** Changes the time scale; applies to transitions started from now on. */
  setTimeScale(timeScale: number): void {
    this.scale = validScale(timeScale);
  }

  /** Changes some simulated durations; applies to transitions started from now on. */
  setTimings(timings: Partial<Timings>): void {
    for (const [key, value] of Object.entries(timings)) {
      if (!(key in this.timings)) throw new RangeError(`unknown timing ${key}`);
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new RangeError(`timing ${key} must be a non-negative number of milliseconds, got ${String(value)}`);
    }
    Object.assign(this.timings, timings);
  }

  /** Real milliseconds a transition of `simulatedMs` takes at the current scale (never 0). */
  real(simulatedMs: number): number {
    return Math.max(1, simulatedMs / this.scale);
  }

  /** The epoch-ms instant a transition of `simulatedMs` started now will end. */
  after(simulatedMs: number): number {
    return this.now() + this.real(simulatedMs);
  }
}

function validScale(scale: number): number {
  if (!Number.isFinite(scale) || scale <= 0) throw new RangeError(`time scale must be a positive number, got ${scale}`);
  return scale;
}
