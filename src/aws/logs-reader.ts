/**
 * Reads a log group's events with FilterLogEvents: every page from a start time, or follow mode
 * that polls for new events until aborted.
 */
import { FilterLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { setTimeout as delay } from 'node:timers/promises';
import { awsCall } from './errors.js';

/** One log event as the reader hands it out. */
export interface LogEvent {
  eventId: string;
  /** Epoch milliseconds the event was logged at. */
  timestamp: number;
  message: string;
  logStreamName?: string;
}

export interface ReadLogsOptions {
  logGroupName: string;
  /** Only events at or after this time (epoch ms). */
  startTime?: number;
  /** Only events at or before this time (epoch ms). */
  endTime?: number;
  /** A CloudWatch Logs filter pattern, e.g. `"Service/nginx"`. */
  filterPattern?: string;
  signal?: AbortSignal;
  /** Events per FilterLogEvents call (1-10000). Default 10000, the API maximum. */
  pageSize?: number;
}

export interface FollowLogsOptions extends ReadLogsOptions {
  /** How often to ask for new events. Default 2 s. */
  intervalMs?: number;
  /** Called with each new event, in timestamp order, exactly once per event id. */
  onEvent(event: LogEvent): void;
  /**
   * Called when a poll after the first fails (throttling, a network blip); polling goes on.
   * Without it, or when the first poll fails, the error is thrown.
   */
  onError?(err: unknown): void;
}

const PAGE_LIMIT = 10_000;

/**
 * Yields each page of events matching `options`, following nextToken to the end.
 * FilterLogEvents may return an empty page with a nextToken while it searches: keep going.
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html
 */
export async function* readLogEvents(client: CloudWatchLogsClient, options: ReadLogsOptions): AsyncGenerator<LogEvent[]> {
  let nextToken: string | undefined;
  do {
    const token = nextToken;
    const res = await awsCall('logs:FilterLogEvents', () =>
      client.send(
        new FilterLogEventsCommand({
          logGroupName: options.logGroupName,
          limit: options.pageSize ?? PAGE_LIMIT,
          ...(options.startTime !== undefined ? { startTime: Math.floor(options.startTime) } : {}),
          ...(options.endTime !== undefined ? { endTime: Math.floor(options.endTime) } : {}),
          ...(options.filterPattern !== undefined ? { filterPattern: options.filterPattern } : {}),
          ...(token !== undefined ? { nextToken: token } : {}),
        }),
        options.signal ? { abortSignal: options.signal } : {},
      ),
    );
    const page: LogEvent[] = [];
    for (const e of res.events ?? []) {
      if (e.timestamp === undefined || e.message === undefined) continue;
      page.push({
        eventId: e.eventId ?? `${e.logStreamName ?? ''}/${e.timestamp}/${e.message}`,
        timestamp: e.timestamp,
        message: e.message,
        ...(e.logStreamName !== undefined ? { logStreamName: e.logStreamName } : {}),
      });
    }
    yield page;
    nextToken = res.nextToken;
  } while (nextToken !== undefined && !options.signal?.aborted);
}

/**
 * Hands every event to `onEvent`, then polls every `intervalMs` for newer ones until `signal`
 * aborts (then resolves). Each poll starts at the newest timestamp seen, so events sharing that
 * millisecond are asked for again and dropped by id; ids older than it are forgotten (bounded).
 */
export async function followLogEvents(client: CloudWatchLogsClient, options: FollowLogsOptions): Promise<void> {
  const interval = options.intervalMs ?? 2000;
  let since = options.startTime;
  let seen = new Map<string, number>();
  let polls = 0;
  for (;;) {
    if (options.signal?.aborted) return;
    const fresh: LogEvent[] = [];
    try {
      for await (const page of readLogEvents(client, { ...options, ...(since !== undefined ? { startTime: since } : {}) })) {
        for (const e of page) if (!seen.has(e.eventId)) fresh.push(e);
      }
    } catch (err) {
      if (options.signal?.aborted) return;
      if (polls === 0 || !options.onError) throw err;
      options.onError(err);
    }
    polls++;
    // Pages from several streams each arrive in order; across pages, order by time.
    fresh.sort((a, b) => a.timestamp - b.timestamp);
    for (const e of fresh) {
      seen.set(e.eventId, e.timestamp);
      options.onEvent(e);
    }
    const newest = fresh.reduce((m, e) => Math.max(m, e.timestamp), since ?? -Infinity);
    if (Number.isFinite(newest)) {
      since = newest;
      seen = new Map([...seen].filter(([, t]) => t >= newest));
    }
    try {
      await delay(interval, undefined, options.signal ? { signal: options.signal } : {});
    } catch {
      return; // aborted while waiting
    }
  }
}
