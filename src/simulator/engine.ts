import { defaultTimings, SimClock, type Timings } from './clock.js';
import { cloudMapService } from './cloudmap/index.js';
import type { RequestContext, ServiceDef } from './context.js';
import { CallCounters, type CallOutcome } from './counters.js';
import { ecsService } from './ecs/index.js';
import { eventsService } from './events/index.js';
import { errorStatus, SimulatorError, type ServiceKey } from './errors.js';
import { modelledError } from './error-shapes.js';
import { FaultInjector, type FaultEffect, type LatencySettings, type RandomFaults } from './faults.js';
import { requestId } from './ids.js';
import { Input } from './input.js';
import { isJsonObject, type JsonObject } from './json.js';
import { logsService } from './logs/index.js';
import { callerFromAuthorization, parseBody, parseTarget, regionFromAuthorization } from './protocol.js';
import { emptyState, regionState, type RegionState, type SimState } from './state.js';
import { Throttler, type ThrottleSettings } from './throttle.js';

/** Options of the simulator core (the HTTP options live in `startSimulator`). */
export interface EngineOptions {
  /** The simulated account id (default 123456789012). */
  accountId?: string;
  /** Region for unsigned requests (default us-east-1). */
  defaultRegion?: string;
  /** How many times faster than AWS asynchronous work completes (default 1). */
  timeScale?: number;
  /** Simulated durations of asynchronous work. */
  timings?: Partial<Timings>;
  /** `true` = AWS defaults on; an object to set overrides too (default off). */
  throttling?: boolean | Partial<ThrottleSettings>;
  latency?: Partial<LatencySettings>;
  faults?: RandomFaults;
  /** Initial state (e.g. loaded from a state file). */
  state?: SimState;
  /** Wall clock, for tests (default Date.now). */
  now?: () => number;
}

/** The answer to one AWS call: a JSON response, or a dropped connection. */
export type AwsResult = { kind: 'response'; status: number; body: JsonObject; requestId: string; service?: ServiceKey } | { kind: 'reset'; requestId: string };

/** How a call of a REST service (S3) ended: the operation's value, its AWS error, or a dropped connection. */
export type RestOutcome<T> = { kind: 'ok'; value: T; requestId: string } | { kind: 'error'; error: SimulatorError; requestId: string } | { kind: 'reset'; requestId: string };

/** One call of a REST service, already routed to its operation by the service's own module. */
export interface RestCall {
  service: ServiceKey;
  operation: string;
  kind: 'read' | 'write';
  category: string;
  authorization: string | undefined;
  /** Resource names the request mentions, for targeted faults. */
  names: readonly string[];
  /** What observers see of the request (S3: bucket, key, the headers that matter). */
  input: JsonObject;
}

/**
 * One call the simulator is about to carry out, as an observer sees it: what was asked, by whom,
 * and the state just before it (read it, never change it). Tests use this to check each call
 * against an IAM policy with the tags the resource had.
 */
export interface ObservedCall {
  service: ServiceKey;
  operation: string;
  region: string;
  accountId: string;
  /** The access key id that signed the call. */
  caller: string | undefined;
  input: JsonObject;
  state: RegionState;
  root: SimState;
}

/** One raw AWS request as received over HTTP. */
export interface AwsRequest {
  target: string | undefined;
  authorization: string | undefined;
  body: string;
}

const services: readonly ServiceDef[] = [ecsService, cloudMapService, logsService, eventsService];
const byPrefix = new Map(services.map((s) => [s.targetPrefix, s]));

/** Request members that name a resource, used to match targeted faults. */
const nameKeys = ['cluster', 'clusterName', 'service', 'serviceName', 'family', 'taskDefinition', 'resourceArn', 'ResourceARN', 'Name', 'Id', 'NamespaceId', 'OperationId', 'logGroupName', 'logStreamName', 'namespace'];

function resourceNames(input: JsonObject): string[] {
  const out: string[] = [];
  for (const k of nameKeys) {
    const v = input[k];
    if (typeof v === 'string') out.push(v);
  }
  const list = input.services ?? input.clusters;
  if (Array.isArray(list)) for (const v of list) if (typeof v === 'string') out.push(v);
  return out;
}

/**
 * The error an `error` fault injects: the modelled members it does not set are filled where they
 * name a resource (`ResourceName` of TooManyTagsException: the first resource the request names).
 */
function injectedError(service: ServiceKey, e: Extract<FaultEffect, { type: 'error' }>, names: readonly string[]): SimulatorError {
  const members: JsonObject = {};
  const first = names[0];
  for (const m of modelledError(service, e.errorType)?.members ?? []) if (/^resourceName$/i.test(m) && first !== undefined) members[m] = first;
  return new SimulatorError(e.errorType, e.message ?? `Injected ${e.errorType}`, e.status, { ...members, ...e.members });
}

/**
 * The simulator without HTTP: state, clock, throttling, faults, latency and counters, and the
 * dispatch of one AWS JSON 1.1 call to its operation.
 */
export class SimulatorEngine {
  state: SimState;
  readonly clock: SimClock;
  readonly throttler: Throttler;
  readonly faults: FaultInjector;
  readonly counters = new CallCounters();
  latency: LatencySettings;
  readonly accountId: string;
  readonly defaultRegion: string;
  /** Called after every state change (persistence hooks in here). */
  onChange: () => void = () => undefined;
  /** Told of every call just before it is carried out (after latency, throttling and faults). */
  readonly observers = new Set<(call: ObservedCall) => void>();
  private timers = new Set<NodeJS.Timeout>();
  private wakers = new Set<() => void>();
  private closed = false;

  constructor(options: EngineOptions = {}) {
    const now = options.now ?? Date.now;
    this.accountId = options.accountId ?? options.state?.accountId ?? '123456789012';
    this.defaultRegion = options.defaultRegion ?? 'us-east-1';
    this.state = options.state ?? emptyState(this.accountId);
    this.clock = new SimClock(options.timeScale ?? 1, { ...defaultTimings, ...options.timings }, now);
    const t = options.throttling;
    const throttling: Partial<ThrottleSettings> = t === undefined ? { enabled: false } : typeof t === 'boolean' ? { enabled: t } : { enabled: true, ...t };
    this.throttler = new Throttler(throttling, now);
    this.faults = new FaultInjector(options.faults);
    this.latency = { fixedMs: options.latency?.fixedMs ?? 0, jitterMs: options.latency?.jitterMs ?? 0 };
  }

  /** Handles one AWS call end to end (latency, throttling, faults, the operation, counters). */
  async call(req: AwsRequest): Promise<AwsResult> {
    const id = requestId();
    const target = parseTarget(req.target);
    const service = target ? byPrefix.get(target.prefix) : undefined;
    const op = target && service ? service.operations[target.operation] : undefined;
    if (!target || !service || !op) {
      this.counters.recordUnknown();
      const name = target?.operation ?? String(req.target);
      return this.errorResult(id, service?.key ?? 'ecs', new SimulatorError('UnknownOperationException', `Unknown operation ${name}`));
    }
    const region = regionFromAuthorization(req.authorization) ?? this.defaultRegion;
    const caller = callerFromAuthorization(req.authorization);
    const arrived = this.clock.now();
    const record = (outcome: CallOutcome): void => this.counters.record(service.key, target.operation, op.kind, outcome, arrived, caller);
    let raw: unknown;
    try {
      raw = parseBody(req.body);
    } catch {
      record('error');
      return this.errorResult(id, service.key, new SimulatorError('SerializationException', 'The request body is not valid JSON.'));
    }
    if (!isJsonObject(raw)) {
      record('error');
      return this.errorResult(id, service.key, new SimulatorError('SerializationException', 'The request body must be a JSON object.'));
    }
    const delay = this.latency.fixedMs + (this.latency.jitterMs > 0 ? this.faults.random() * this.latency.jitterMs : 0);
    if (delay > 0) await this.sleep(delay);
    if (!this.throttler.take(region, op.category)) {
      record('throttled');
      return this.errorResult(id, service.key, new SimulatorError('ThrottlingException', 'Rate exceeded'));
    }
    const effects = this.faults.draw(service.key, target.operation, resourceNames(raw), caller);
    const domain: FaultEffect[] = [];
    let loseResponse = false;
    for (const e of effects) {
      if (e.type === 'lostResponse') {
        loseResponse = true;
        continue;
      }
      if (e.type === 'slow') await this.sleep(e.ms);
      else if (e.type === 'reset') {
        record('fault');
        return { kind: 'reset', requestId: id };
      } else if (e.type === 'error') {
        record(e.errorType === 'ThrottlingException' ? 'throttled' : 'fault');
        return this.errorResult(id, service.key, injectedError(service.key, e, resourceNames(raw)));
      } else domain.push(e);
    }
    if (this.closed) return { kind: 'reset', requestId: id };
    const ctx = this.context(region, domain);
    try {
      this.settle(ctx);
      this.notify({ service: service.key, operation: target.operation, region, accountId: this.accountId, caller, input: raw, state: ctx.state, root: ctx.root });
      const body = op.handle(ctx, new Input(raw, service.key));
      record('ok');
      if (op.kind === 'write') this.onChange();
      if (loseResponse) return { kind: 'reset', requestId: id };
      return { kind: 'response', status: 200, body, requestId: id, service: service.key };
    } catch (err) {
      record('error');
      if (op.kind === 'write') this.onChange();
      if (err instanceof SimulatorError) return this.errorResult(id, service.key, err);
      const message = err instanceof Error ? err.message : String(err);
      return this.errorResult(id, service.key, new SimulatorError('InternalFailure', `The simulator failed: ${message}`, 500));
    }
  }

  /**
   * Runs one call of a service that does not speak AWS JSON (S3's REST-XML), with the same latency,
   * throttling, faults and counters as `call`; `handle` carries the operation out on the state.
   */
  async perform<T>(call: RestCall, handle: (ctx: RequestContext) => T): Promise<RestOutcome<T>> {
    const id = requestId();
    const region = regionFromAuthorization(call.authorization) ?? this.defaultRegion;
    const caller = callerFromAuthorization(call.authorization);
    const arrived = this.clock.now();
    const record = (outcome: CallOutcome): void => this.counters.record(call.service, call.operation, call.kind, outcome, arrived, caller);
    const delay = this.latency.fixedMs + (this.latency.jitterMs > 0 ? this.faults.random() * this.latency.jitterMs : 0);
    if (delay > 0) await this.sleep(delay);
    if (!this.throttler.take(region, call.category)) {
      record('throttled');
      return { kind: 'error', error: new SimulatorError('SlowDown', 'Please reduce your request rate.', 503), requestId: id };
    }
    let loseResponse = false;
    for (const e of this.faults.draw(call.service, call.operation, call.names, caller)) {
      if (e.type === 'lostResponse') loseResponse = true;
      else if (e.type === 'slow') await this.sleep(e.ms);
      else if (e.type === 'reset') {
        record('fault');
        return { kind: 'reset', requestId: id };
      } else if (e.type === 'error') {
        record(e.errorType === 'ThrottlingException' || e.errorType === 'SlowDown' ? 'throttled' : 'fault');
        return { kind: 'error', error: new SimulatorError(e.errorType, e.message ?? `Injected ${e.errorType}`, e.status ?? errorStatus(call.service, e.errorType)), requestId: id };
      }
    }
    if (this.closed) return { kind: 'reset', requestId: id };
    try {
      const ctx = this.context(region, []);
      this.notify({ service: call.service, operation: call.operation, region, accountId: this.accountId, caller, input: call.input, state: ctx.state, root: ctx.root });
      const value = handle(ctx);
      record('ok');
      if (call.kind === 'write') this.onChange();
      return loseResponse ? { kind: 'reset', requestId: id } : { kind: 'ok', value, requestId: id };
    } catch (err) {
      record('error');
      if (err instanceof SimulatorError) return { kind: 'error', error: err, requestId: id };
      const message = err instanceof Error ? err.message : String(err);
      return { kind: 'error', error: new SimulatorError('InternalError', `The simulator failed: ${message}`, 500), requestId: id };
    }
  }

  private notify(call: ObservedCall): void {
    for (const observer of this.observers) {
      try {
        observer(call);
      } catch {
        // An observer's failure must never fail the call it observes.
      }
    }
  }

  /** Applies every due asynchronous transition in every Region. */
  settleAll(): void {
    for (const region of Object.keys(this.state.regions)) this.settle(this.context(region, []));
  }

  /** A settled deep copy of the whole state. */
  dump(): SimState {
    this.settleAll();
    return structuredClone(this.state);
  }

  /** Empties the state (counters, faults and settings are kept). */
  resetState(): void {
    this.state = emptyState(this.accountId);
    this.onChange();
  }

  /** Cancels pending delays; calls still in flight end as dropped connections. */
  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const wake of this.wakers) wake();
    this.wakers.clear();
  }

  /** A settled context of `region` for changes made through the admin API. */
  adminContext(region: string = this.defaultRegion): RequestContext {
    const ctx = this.context(region, []);
    this.settle(ctx);
    return ctx;
  }

  private context(region: string, effects: readonly FaultEffect[]): RequestContext {
    return {
      region,
      accountId: this.accountId,
      now: this.clock.now(),
      clock: this.clock,
      state: regionState(this.state, region),
      root: this.state,
      effects,
    };
  }

  private settle(ctx: RequestContext): void {
    // Cloud Map first: a namespace that finished creating is visible to ECS in the same call.
    cloudMapService.settle(ctx);
    ecsService.settle(ctx);
  }

  private errorResult(id: string, service: ServiceKey, err: SimulatorError): AwsResult {
    const messageKey = service === 'cloudmap' ? 'Message' : 'message';
    return { kind: 'response', status: err.status ?? errorStatus(service, err.type), body: { __type: err.type, [messageKey]: err.message, ...err.extra }, requestId: id, service };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.timers.delete(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.timers.add(timer);
      this.wakers.add(wake);
    });
  }
}
