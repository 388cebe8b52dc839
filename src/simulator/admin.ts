import { defaultTimings, type Timings } from './clock.js';
import { renderNamespace } from './cloudmap/namespaces.js';
import { addSharedNamespace, unshareNamespace } from './cloudmap/store.js';
import type { SimulatorEngine } from './engine.js';
import { receivedEvents } from './events/index.js';
import type { FaultEffect, FaultRates, LatencySettings, RandomFaults, TargetedFault } from './faults.js';
import { serviceKeys, type ServiceKey } from './errors.js';
import { isJsonObject, type Json, type JsonObject } from './json.js';
import type { BucketLimit, ThrottleSettings } from './throttle.js';

/** The reserved path prefix of the admin API. */
export const adminPrefix = '/_sim/';

/** An admin request the caller got wrong (answered with HTTP 400). */
export class AdminInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdminInputError';
  }
}

/** The answer to an admin request. */
export interface AdminResponse {
  status: number;
  body: unknown;
}

function num(o: JsonObject, key: string): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new AdminInputError(`${key} must be a non-negative number`);
  return v;
}

function str(o: JsonObject, key: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new AdminInputError(`${key} must be a string`);
  return v;
}

function parseEffect(o: JsonObject): FaultEffect {
  const e = isJsonObject(o.effect) ? o.effect : undefined;
  if (!e) {
    // Shorthand: {"error": "ThrottlingException", "status": 400, "message": "..."}.
    const errorType = str(o, 'error');
    if (errorType === undefined) throw new AdminInputError('a targeted fault needs an effect or an error');
    return compactEffect({ type: 'error', errorType, message: str(o, 'message'), status: num(o, 'status'), members: obj(o, 'members') });
  }
  switch (e.type) {
    case 'error': {
      const errorType = str(e, 'errorType');
      if (errorType === undefined) throw new AdminInputError('effect.errorType is required');
      return compactEffect({ type: 'error', errorType, message: str(e, 'message'), status: num(e, 'status'), members: obj(e, 'members') });
    }
    case 'reset':
      return { type: 'reset' };
    case 'lostResponse':
      return { type: 'lostResponse' };
    case 'slow':
      return { type: 'slow', ms: num(e, 'ms') ?? 1000 };
    case 'rolloutFailure':
      return { type: 'rolloutFailure' };
    case 'operationFailure': {
      const out: FaultEffect = { type: 'operationFailure' };
      const code = str(e, 'errorCode');
      const message = str(e, 'message');
      if (code !== undefined) out.errorCode = code;
      if (message !== undefined) out.message = message;
      return out;
    }
    case 'entryFailure': {
      const out: FaultEffect = { type: 'entryFailure' };
      const code = str(e, 'errorCode');
      const message = str(e, 'message');
      if (code !== undefined) out.errorCode = code;
      if (message !== undefined) out.message = message;
      return out;
    }
    default:
      throw new AdminInputError(`unknown effect type ${String(e.type)}`);
  }
}

function compactEffect(e: { type: 'error'; errorType: string; message: string | undefined; status: number | undefined; members: JsonObject | undefined }): FaultEffect {
  const out: FaultEffect = { type: 'error', errorType: e.errorType };
  if (e.message !== undefined) out.message = e.message;
  if (e.status !== undefined) out.status = e.status;
  if (e.members !== undefined) out.members = e.members;
  return out;
}

function obj(o: JsonObject, key: string): JsonObject | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!isJsonObject(v)) throw new AdminInputError(`${key} must be an object`);
  return v;
}

/** Parses a targeted fault from admin JSON. */
export function parseTargetedFault(v: Json | undefined): TargetedFault {
  if (!isJsonObject(v)) throw new AdminInputError('a targeted fault must be an object');
  const operation = str(v, 'operation');
  if (operation === undefined) throw new AdminInputError('a targeted fault needs an operation');
  const fault: TargetedFault = { operation, effect: parseEffect(v) };
  const service = str(v, 'service');
  if (service !== undefined) {
    if (!(serviceKeys as readonly string[]).includes(service)) throw new AdminInputError(`service must be one of ${serviceKeys.join(', ')}`);
    fault.service = service as ServiceKey;
  }
  const resource = str(v, 'resource');
  if (resource !== undefined) fault.resource = resource;
  const caller = str(v, 'caller');
  if (caller !== undefined) fault.caller = caller;
  const count = num(v, 'count');
  if (count !== undefined) fault.count = count;
  return fault;
}

function parseRandom(o: JsonObject): RandomFaults {
  const out: RandomFaults = {};
  const seed = num(o, 'seed');
  if (seed !== undefined) out.seed = seed;
  const slowMs = num(o, 'slowMs');
  if (slowMs !== undefined) out.slowMs = slowMs;
  if (isJsonObject(o.rates)) {
    const rates: FaultRates = {};
    for (const k of ['serverError', 'throttling', 'reset', 'slow', 'lostResponse'] as const) {
      const r = num(o.rates, k);
      if (r !== undefined) rates[k] = r;
    }
    out.rates = rates;
  }
  if (Array.isArray(o.operations)) out.operations = o.operations.filter((x): x is string => typeof x === 'string');
  return out;
}

function parseThrottling(o: JsonObject): Partial<ThrottleSettings> {
  const out: Partial<ThrottleSettings> = {};
  if (typeof o.enabled === 'boolean') out.enabled = o.enabled;
  if (isJsonObject(o.overrides)) {
    const overrides: Record<string, BucketLimit> = {};
    for (const [k, v] of Object.entries(o.overrides)) {
      if (!isJsonObject(v)) throw new AdminInputError(`overrides.${k} must be {burst, ratePerSecond}`);
      const burst = num(v, 'burst');
      const ratePerSecond = num(v, 'ratePerSecond');
      if (burst === undefined || ratePerSecond === undefined) throw new AdminInputError(`overrides.${k} must be {burst, ratePerSecond}`);
      overrides[k] = { burst, ratePerSecond };
    }
    out.overrides = overrides;
  }
  return out;
}

function parseSharedNamespace(o: JsonObject): Parameters<typeof addSharedNamespace>[1] {
  const name = str(o, 'name');
  const owner = str(o, 'ownerAccount');
  if (name === undefined || owner === undefined) throw new AdminInputError('name and ownerAccount are required');
  if (!/^\d{12}$/.test(owner)) throw new AdminInputError('ownerAccount must be a 12-digit account id');
  const type = str(o, 'type') ?? 'HTTP';
  if (type !== 'HTTP' && type !== 'DNS_PRIVATE' && type !== 'DNS_PUBLIC') throw new AdminInputError('type must be HTTP, DNS_PRIVATE or DNS_PUBLIC');
  const out: Parameters<typeof addSharedNamespace>[1] = { Name: name, Type: type, owner };
  const description = str(o, 'description');
  if (description !== undefined) out.Description = description;
  const tags = obj(o, 'tags');
  if (tags !== undefined) out.tags = Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, String(v)]));
  return out;
}

function parseTimings(o: JsonObject): Partial<Timings> {
  const out: Partial<Timings> = {};
  for (const [key, value] of Object.entries(o)) {
    if (!(key in defaultTimings)) throw new AdminInputError(`unknown timing ${key}; known: ${Object.keys(defaultTimings).join(', ')}`);
    const ms = num(o, key);
    if (ms !== undefined) out[key as keyof Timings] = ms;
    else if (value !== undefined) throw new AdminInputError(`${key} must be a number of milliseconds`);
  }
  return out;
}

/** The current knob settings (`GET /_sim/config`). */
export function configOf(engine: SimulatorEngine): Record<string, unknown> {
  return {
    accountId: engine.accountId,
    defaultRegion: engine.defaultRegion,
    timeScale: engine.clock.timeScale,
    timings: { ...engine.clock.timings },
    throttling: engine.throttler.current,
    latency: { ...engine.latency },
    faults: engine.faults.current,
  };
}

/** Applies a fault update: random settings are merged, `targeted` faults are queued. */
export function applyFaults(engine: SimulatorEngine, o: JsonObject): void {
  const targeted = Array.isArray(o.targeted) ? o.targeted.map(parseTargetedFault) : [];
  engine.faults.setRandom(parseRandom(o));
  for (const t of targeted) engine.faults.addTargeted(t);
}

/** Routes one admin request (`/_sim/...`); unknown routes are 404. */
export function handleAdmin(engine: SimulatorEngine, method: string, path: string, body: unknown): AdminResponse {
  const o: JsonObject = isJsonObject(body) ? body : {};
  const route = `${method} ${path.replace(/\/+$/, '')}`;
  switch (route) {
    case 'GET /_sim/health':
      return { status: 200, body: { ok: true } };
    case 'GET /_sim/calls':
      return { status: 200, body: engine.counters.snapshot() };
    case 'GET /_sim/calls/log':
      return { status: 200, body: engine.counters.callLog() };
    case 'POST /_sim/calls/reset':
      engine.counters.reset();
      return { status: 200, body: engine.counters.snapshot() };
    case 'GET /_sim/state':
      return { status: 200, body: engine.dump() };
    case 'POST /_sim/reset':
      engine.resetState();
      return { status: 200, body: { ok: true } };
    case 'GET /_sim/events':
      return { status: 200, body: receivedEvents(engine.state) };
    case 'GET /_sim/config':
      return { status: 200, body: configOf(engine) };
    case 'GET /_sim/faults':
      return { status: 200, body: engine.faults.current };
    case 'POST /_sim/faults':
      applyFaults(engine, o);
      return { status: 200, body: engine.faults.current };
    case 'DELETE /_sim/faults':
      engine.faults.clear();
      return { status: 200, body: engine.faults.current };
    case 'POST /_sim/latency': {
      const latency: LatencySettings = { fixedMs: num(o, 'fixedMs') ?? 0, jitterMs: num(o, 'jitterMs') ?? 0 };
      engine.latency = latency;
      return { status: 200, body: latency };
    }
    case 'POST /_sim/throttling':
      engine.throttler.configure(parseThrottling(o));
      return { status: 200, body: engine.throttler.current };
    case 'POST /_sim/shared-namespaces': {
      const ctx = engine.adminContext(str(o, 'region'));
      const ns = addSharedNamespace(ctx, parseSharedNamespace(o));
      engine.onChange();
      return { status: 200, body: renderNamespace(ctx, ns, true) };
    }
    case 'DELETE /_sim/shared-namespaces': {
      const ctx = engine.adminContext(str(o, 'region'));
      const id = str(o, 'id');
      if (id === undefined) throw new AdminInputError('id is required');
      if (!unshareNamespace(ctx, id)) return { status: 404, body: { error: `no namespace ${id} is shared in` } };
      engine.onChange();
      return { status: 200, body: { ok: true } };
    }
    case 'POST /_sim/timings':
      engine.clock.setTimings(parseTimings(o));
      return { status: 200, body: { ...engine.clock.timings } };
    case 'POST /_sim/time-scale': {
      const scale = num(o, 'timeScale');
      if (scale === undefined || scale <= 0) throw new AdminInputError('timeScale must be a positive number');
      engine.clock.setTimeScale(scale);
      return { status: 200, body: { timeScale: scale } };
    }
    default:
      return { status: 404, body: { error: `no admin route ${route}` } };
  }
}
