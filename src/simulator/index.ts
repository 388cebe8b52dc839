import type { Timings } from './clock.js';
import type { CallCounts, CallLog } from './counters.js';
import { handleAdmin } from './admin.js';
import { SimulatorEngine, type EngineOptions, type ObservedCall } from './engine.js';
import type { JsonObject } from './json.js';
import type { LatencySettings, RandomFaults, TargetedFault } from './faults.js';
import { receivedEvents } from './events/index.js';
import { loadState, StateSaver } from './persistence.js';
import { closeServer, createSimulatorServer, listen } from './server.js';
import type { ReceivedEventRecord, SimState } from './state.js';
import type { ThrottleSettings } from './throttle.js';

export type { CallCounts, CallLog, CallLogEntry } from './counters.js';
export type { FaultEffect, LatencySettings, RandomFaults, TargetedFault } from './faults.js';
export type { ReceivedEventRecord, SimState } from './state.js';
export type { ThrottleSettings, BucketLimit } from './throttle.js';
export type { Timings } from './clock.js';
export { defaultLimits } from './throttle.js';
export { defaultTimings } from './clock.js';
export { SimulatorEngine } from './engine.js';
export type { ObservedCall } from './engine.js';

/** A namespace another account shares with the simulated one (`POST /_sim/shared-namespaces`). */
export interface SharedNamespace {
  name: string;
  /** The 12-digit account that owns it. */
  ownerAccount: string;
  type?: 'HTTP' | 'DNS_PRIVATE' | 'DNS_PUBLIC';
  description?: string;
  region?: string;
  tags?: Record<string, string>;
}

/** Options of `startSimulator`. */
export interface SimulatorOptions extends Omit<EngineOptions, 'state'> {
  /** TCP port (default 0: any free port). */
  port?: number;
  /** Bind address (default loopback 127.0.0.1). */
  host?: string;
  /** Load the state from this JSON file at start and save it on change and on close. */
  stateFile?: string;
  /** Debounce of state-file saves, ms (default 250). */
  saveDebounceMs?: number;
  /** Called when a state-file save fails. */
  onSaveError?: (err: unknown) => void;
}

/** A running simulator: its URL and typed versions of every admin control. */
export interface SimulatorHandle {
  /** `http://host:port`, for the SDK's `endpoint` option or `AWS_ENDPOINT_URL`. */
  url: string;
  port: number;
  host: string;
  engine: SimulatorEngine;
  /** Per-operation call counters (reads/writes, throttled, errors, faults). */
  calls(): CallCounts;
  /** The newest calls (bounded), each with when it arrived, oldest first. */
  callLog(): CallLog;
  /** Zeroes the counters and empties the call log. */
  resetCalls(): void;
  /** A settled deep copy of the whole state. */
  dumpState(): SimState;
  /** Empties the state. */
  resetState(): void;
  /** Sets random fault rates / seed (merged). */
  setFaults(faults: RandomFaults): void;
  /** Queues a targeted fault ("fail the next N calls of Op on resource R with X"). */
  addFault(fault: TargetedFault): void;
  /** Removes every fault. */
  clearFaults(): void;
  /** Shares a namespace of another account with this one (as AWS RAM does); returns it as GetNamespace would. */
  shareNamespace(namespace: SharedNamespace): JsonObject;
  setLatency(latency: Partial<LatencySettings>): void;
  setThrottling(settings: Partial<ThrottleSettings>): void;
  setTimeScale(timeScale: number): void;
  /** Changes some simulated durations (e.g. how long a deleted service stays DRAINING). */
  setTimings(timings: Partial<Timings>): void;
  /** The simulated durations of asynchronous work. */
  timings(): Timings;
  /** Every event PutEvents accepted, oldest first (`GET /_sim/events`). */
  receivedEvents(): ReceivedEventRecord[];
  /** Calls `observer` with every call just before it is carried out; returns the function that stops it. */
  observeCalls(observer: (call: ObservedCall) => void): () => void;
  /** Stops the server, cancels delays and flushes the state file; safe to call twice. */
  close(): Promise<void>;
}

/** Starts the simulator's HTTP server; resolves once it listens. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const { port = 0, host = '127.0.0.1', stateFile, saveDebounceMs, onSaveError, ...engineOptions } = options;
  const loaded = stateFile === undefined ? undefined : loadState(stateFile);
  const engine = new SimulatorEngine({ ...engineOptions, ...(loaded ? { state: loaded } : {}) });
  const saver = stateFile === undefined ? undefined : new StateSaver(stateFile, () => engine.dump(), saveDebounceMs, onSaveError);
  if (saver) engine.onChange = () => saver.markDirty();
  const server = createSimulatorServer(engine);
  const addr = await listen(server, port, host);
  const urlHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${addr.port}`,
    port: addr.port,
    host: addr.address,
    engine,
    calls: () => engine.counters.snapshot(),
    callLog: () => engine.counters.callLog(),
    resetCalls: () => engine.counters.reset(),
    dumpState: () => engine.dump(),
    resetState: () => engine.resetState(),
    setFaults: (f) => engine.faults.setRandom(f),
    addFault: (f) => engine.faults.addTargeted(f),
    clearFaults: () => engine.faults.clear(),
    shareNamespace: (n) => {
      const out = handleAdmin(engine, 'POST', '/_sim/shared-namespaces', { ...n });
      if (out.status !== 200) throw new Error(JSON.stringify(out.body));
      return out.body as JsonObject;
    },
    setLatency: (l) => {
      engine.latency = { fixedMs: l.fixedMs ?? 0, jitterMs: l.jitterMs ?? 0 };
    },
    setThrottling: (s) => engine.throttler.configure(s),
    setTimeScale: (x) => engine.clock.setTimeScale(x),
    setTimings: (t) => engine.clock.setTimings(t),
    timings: () => ({ ...engine.clock.timings }),
    receivedEvents: () => receivedEvents(engine.state).events.map((e) => ({ ...e, resources: [...e.resources] })),
    observeCalls: (observer) => {
      engine.observers.add(observer);
      return () => engine.observers.delete(observer);
    },
    close() {
      closing ??= (async () => {
        engine.close();
        await closeServer(server);
        if (saver) {
          saver.markDirty();
          saver.flush();
        }
      })();
      return closing;
    },
  };
}
