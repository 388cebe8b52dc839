import type { ServiceKey } from './errors.js';
import type { JsonObject } from './json.js';
import { Prng } from './prng.js';

/** What an injected fault does to a call. */
export type FaultEffect =
  /**
   * Answer with this AWS error: the status defaults to the one the service's model gives the type,
   * and its modelled members (`members`, else filled from the request where they name a resource).
   */
  | { type: 'error'; errorType: string; message?: string; status?: number; members?: JsonObject }
  /** Destroy the connection without answering (the SDK sees ECONNRESET). */
  | { type: 'reset' }
  /** Carry the call out, then drop the connection without answering: the caller cannot tell whether it happened (a timeout after the write, as on AWS). */
  | { type: 'lostResponse' }
  /** Answer normally after an extra delay. */
  | { type: 'slow'; ms: number }
  /** The deployment this call starts trips the deployment circuit breaker. */
  | { type: 'rolloutFailure' }
  /** The Cloud Map operation this call submits ends in FAIL. */
  | { type: 'operationFailure'; errorCode?: string; message?: string }
  /** The entries of the PutEvents call this applies to fail with `errorCode` (HTTP 200, `FailedEntryCount`). */
  | { type: 'entryFailure'; errorCode?: string; message?: string };

/** "Affect the next `count` calls of `operation` (on `resource`, by `caller`) with `effect`." */
export interface TargetedFault {
  /** An operation name, or `*` for every operation (of `service`, when given). */
  operation: string;
  service?: ServiceKey;
  /** Matches the access key id that signed the call (one client among several sharing the simulator). */
  caller?: string;
  /** Matches a resource name or ARN named in the request (service, cluster, family, log group, id...). */
  resource?: string;
  /** How many matching calls to affect (default 1). */
  count?: number;
  effect: FaultEffect;
}

/** Probabilities (0..1) of random faults on each AWS call. */
export interface FaultRates {
  serverError?: number;
  throttling?: number;
  reset?: number;
  /** Calls carried out whose answer is lost (connection dropped after the write). */
  lostResponse?: number;
  slow?: number;
}

/** Random fault settings. */
export interface RandomFaults {
  seed?: number;
  rates?: FaultRates;
  /** Delay of a random slow response, ms (default 1000). */
  slowMs?: number;
  /** Restrict random faults to these operations (default: all). */
  operations?: string[];
}

/** The public view of the fault settings. */
export interface FaultSettings {
  seed: number;
  rates: Required<FaultRates>;
  slowMs: number;
  operations: string[] | undefined;
  targeted: Array<TargetedFault & { remaining: number }>;
}

/** Per-call latency: `fixedMs` plus a uniformly random jitter in [0, jitterMs). */
export interface LatencySettings {
  fixedMs: number;
  jitterMs: number;
}

const noRates: Required<FaultRates> = { serverError: 0, throttling: 0, reset: 0, slow: 0, lostResponse: 0 };

/** Holds random and targeted faults and draws them for each call from a seeded PRNG. */
export class FaultInjector {
  private prng: Prng;
  private settings: FaultSettings;

  constructor(random: RandomFaults = {}) {
    this.settings = { seed: random.seed ?? 1, rates: { ...noRates }, slowMs: 1000, operations: undefined, targeted: [] };
    this.prng = new Prng(this.settings.seed);
    this.setRandom(random);
  }

  /** The current settings (a copy). */
  get current(): FaultSettings {
    return structuredClone(this.settings);
  }

  /** Sets random fault rates (merged) and, when given, reseeds the PRNG. */
  setRandom(random: RandomFaults): void {
    if (random.seed !== undefined) {
      this.settings.seed = random.seed;
      this.prng = new Prng(random.seed);
    }
    if (random.rates) {
      for (const [k, v] of Object.entries(random.rates)) {
        if (typeof v !== 'number' || v < 0 || v > 1) throw new RangeError(`fault rate ${k} must be within [0, 1]`);
      }
      this.settings.rates = { ...this.settings.rates, ...random.rates };
    }
    if (random.slowMs !== undefined) this.settings.slowMs = random.slowMs;
    if (random.operations !== undefined) this.settings.operations = random.operations.length ? [...random.operations] : undefined;
  }

  /** Queues a targeted fault. */
  addTargeted(fault: TargetedFault): void {
    const count = fault.count ?? 1;
    if (!Number.isInteger(count) || count < 1) throw new RangeError('targeted fault count must be a positive integer');
    this.settings.targeted.push({ ...structuredClone(fault), remaining: count });
  }

  /** Removes every fault and resets rates to zero (the seed is kept). */
  clear(): void {
    this.settings = { ...this.settings, rates: { ...noRates }, operations: undefined, targeted: [] };
    this.prng = new Prng(this.settings.seed);
  }

  /** A uniform draw in [0, 1) from the seeded PRNG (also used for latency jitter). */
  random(): number {
    return this.prng.next();
  }

  /**
   * The faults for one call: every matching targeted fault is consumed (one use each), then one
   * random fault may be drawn. `names` are the resource names/ARNs the request mentions, `caller`
   * the access key id that signed it.
   */
  draw(service: ServiceKey, operation: string, names: readonly string[], caller?: string): FaultEffect[] {
    const effects: FaultEffect[] = [];
    for (const f of this.settings.targeted) {
      if (f.remaining <= 0 || (f.operation !== operation && f.operation !== '*')) continue;
      if (f.service !== undefined && f.service !== service) continue;
      if (f.caller !== undefined && f.caller !== caller) continue;
      if (f.resource !== undefined && !names.some((n) => matchesResource(n, f.resource ?? ''))) continue;
      f.remaining -= 1;
      effects.push(f.effect);
    }
    this.settings.targeted = this.settings.targeted.filter((f) => f.remaining > 0);
    const random = this.drawRandom(operation);
    if (random) effects.push(random);
    return effects;
  }

  private drawRandom(operation: string): FaultEffect | undefined {
    const { rates, operations } = this.settings;
    if (rates.serverError + rates.throttling + rates.reset + rates.slow + rates.lostResponse === 0) return undefined;
    if (operations && !operations.includes(operation)) return undefined;
    const r = this.prng.next();
    let edge = rates.serverError;
    if (r < edge) {
      return this.prng.next() < 0.5
        ? { type: 'error', errorType: 'ServiceUnavailableException', message: 'Service Unavailable', status: 503 }
        : { type: 'error', errorType: 'InternalFailure', message: 'An internal error occurred.', status: 500 };
    }
    edge += rates.throttling;
    if (r < edge) return { type: 'error', errorType: 'ThrottlingException', message: 'Rate exceeded', status: 400 };
    edge += rates.reset;
    if (r < edge) return { type: 'reset' };
    edge += rates.slow;
    if (r < edge) return { type: 'slow', ms: this.settings.slowMs };
    edge += rates.lostResponse;
    if (r < edge) return { type: 'lostResponse' };
    return undefined;
  }
}

/** True when a request's resource name or ARN `name` designates `wanted` (exact, or ARN suffix). */
export function matchesResource(name: string, wanted: string): boolean {
  if (name === wanted) return true;
  return name.endsWith(`/${wanted}`) || name.endsWith(`:${wanted}`) || name.startsWith(`${wanted}:`);
}

