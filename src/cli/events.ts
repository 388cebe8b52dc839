/**
 * Wiring of `--events eventbridge[:BUS]`: the EventBridge client (loaded only when events are on),
 * the publisher that sends in the background, and the emitter the controller's hooks feed.
 */
import { ControllerEvents } from '../events/emitter.js';
import { EventPublisher, type EventMetrics } from '../events/publisher.js';
import type { Logger } from '../observe/logger.js';
import { UsageError } from '../util/usage-error.js';

/** Where events go: EventBridge and the bus name or ARN. */
export interface EventsTarget {
  bus: string;
}

/** Parses `--events eventbridge` or `eventbridge:BUS` (a bus name or ARN); throws UsageError otherwise. */
export function parseEventsTarget(value: string): EventsTarget {
  const m = /^eventbridge(?::(.+))?$/.exec(value);
  if (!m) throw new UsageError(`--events ${JSON.stringify(value)}: expected eventbridge or eventbridge:BUS (an event bus name or ARN)`);
  return { bus: m[1] ?? 'default' };
}

/** The running events: feed `emitter`, call `close` at shutdown. */
export interface OpenedEvents {
  emitter: ControllerEvents;
  /** Stops the background loop, gives what is still queued one last try (bounded), closes the client. */
  close(): Promise<void>;
}

export interface OpenEventsOptions {
  target: EventsTarget;
  controllerId: string;
  logger: Logger;
  metrics: EventMetrics;
  /** Whether this controller speaks now (the writer: leader, not a dry run). */
  isLeader: () => boolean;
  region?: string;
  endpoint?: string;
}

/** Starts publishing. */
export async function openEvents(options: OpenEventsOptions): Promise<OpenedEvents> {
  const { createEventBridgeClient, SdkEventSink } = await import('../aws/eventbridge.js');
  const sink = new SdkEventSink(createEventBridgeClient({ ...(options.region ? { region: options.region } : {}), ...(options.endpoint ? { endpoint: options.endpoint } : {}) }));
  const publisher = new EventPublisher(sink, { bus: options.target.bus, logger: options.logger, metrics: options.metrics });
  const stop = new AbortController();
  const loop = publisher.run(stop.signal);
  const emitter = new ControllerEvents({ controllerId: options.controllerId, publish: (e) => publisher.publish(e), isLeader: options.isLeader });
  return {
    emitter,
    async close() {
      stop.abort();
      await loop;
      await publisher.flush(2_000);
      sink.close();
    },
  };
}
