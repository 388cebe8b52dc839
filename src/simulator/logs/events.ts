import { arnOf, type OperationDef } from '../context.js';
import { SimulatorError } from '../errors.js';
import { randomDigits } from '../ids.js';
import type { Input } from '../input.js';
import { compact, type JsonObject } from '../json.js';
import type { LogEventRecord, LogGroupRecord, LogStreamRecord } from '../state.js';
import { requireGroup } from './groups.js';

/** Events kept per stream: the simulator is bounded; older events are dropped first. */
const maxEventsPerStream = 10_000;

function requireStream(g: LogGroupRecord, input: Input): LogStreamRecord {
  const s = g.streams[input.str('logStreamName')];
  if (!s) throw new SimulatorError('ResourceNotFoundException', 'The specified log stream does not exist.');
  return s;
}

/**
 * A CloudWatch Logs filter pattern reduced to what log readers use: space-separated terms that
 * must all occur, `"quoted phrases"`, and `-term` exclusions; `{...}` JSON patterns match all.
 */
export function matchesPattern(pattern: string | undefined, message: string): boolean {
  if (pattern === undefined || pattern.trim() === '' || pattern.trim().startsWith('{')) return true;
  const terms = pattern.match(/-?"[^"]*"|\S+/g) ?? [];
  return terms.every((raw) => {
    const negate = raw.startsWith('-');
    const term = (negate ? raw.slice(1) : raw).replace(/^"|"$/g, '');
    return message.includes(term) !== negate;
  });
}

function renderEvent(e: LogEventRecord): JsonObject {
  return { timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime };
}

/** Log stream and log event operations. */
export const eventOperations: Record<string, OperationDef> = {
  // https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogStream.html
  CreateLogStream: {
    kind: 'write',
    category: 'logs.streamWrite',
    handle(ctx, input) {
      const g = requireGroup(ctx, input);
      const name = input.str('logStreamName');
      if (name.includes(':') || name.includes('*') || name.length > 512) throw input.invalid(`Invalid log stream name: ${name}`);
      if (g.streams[name]) throw new SimulatorError('ResourceAlreadyExistsException', 'The specified log stream already exists');
      g.streams[name] = { logStreamName: name, creationTime: ctx.now, storedBytes: 0, events: [] };
      return {};
    },
  },
  DescribeLogStreams: {
    kind: 'read',
    category: 'logs.read',
    handle(ctx, input) {
      const g = requireGroup(ctx, input);
      const prefix = input.optStr('logStreamNamePrefix') ?? '';
      const streams = Object.values(g.streams)
        .filter((s) => s.logStreamName.startsWith(prefix))
        .sort((a, b) => a.logStreamName.localeCompare(b.logStreamName));
      if (input.optBool('descending')) streams.reverse();
      const limit = input.optNum('limit') ?? 50;
      return {
        logStreams: streams.slice(0, limit).map((s) =>
          compact({
            logStreamName: s.logStreamName,
            creationTime: s.creationTime,
            firstEventTimestamp: s.firstEventTimestamp,
            lastEventTimestamp: s.lastEventTimestamp,
            lastIngestionTime: s.lastIngestionTime,
            arn: arnOf(ctx, 'logs', `log-group:${g.logGroupName}:log-stream:${s.logStreamName}`),
            storedBytes: s.storedBytes,
          }),
        ),
      };
    },
  },
  // Events of one batch must be in chronological order: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html
  PutLogEvents: {
    kind: 'write',
    category: 'logs.PutLogEvents',
    handle(ctx, input) {
      const g = requireGroup(ctx, input);
      const s = requireStream(g, input);
      const events = input.optObjList('logEvents') ?? [];
      if (events.length === 0 || events.length > 10_000) throw input.invalid('logEvents must hold 1 to 10000 events.');
      let previous = -Infinity;
      for (const e of events) {
        if (typeof e.timestamp !== 'number' || typeof e.message !== 'string') throw input.invalid('Each log event needs a timestamp and a message.');
        if (e.timestamp < previous) throw input.invalid('Log events in a single PutLogEvents request must be in chronological order.');
        previous = e.timestamp;
        s.events.push({ timestamp: e.timestamp, message: e.message, ingestionTime: ctx.now, eventId: randomDigits(56) });
        s.storedBytes += Buffer.byteLength(e.message) + 26;
        s.firstEventTimestamp = Math.min(s.firstEventTimestamp ?? e.timestamp, e.timestamp);
        s.lastEventTimestamp = Math.max(s.lastEventTimestamp ?? e.timestamp, e.timestamp);
      }
      s.lastIngestionTime = ctx.now;
      if (s.events.length > maxEventsPerStream) s.events.splice(0, s.events.length - maxEventsPerStream);
      return { nextSequenceToken: randomDigits(56) };
    },
  },
  // https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetLogEvents.html
  GetLogEvents: {
    kind: 'read',
    category: 'logs.read',
    handle(ctx, input) {
      const s = requireStream(requireGroup(ctx, input), input);
      const start = input.optNum('startTime') ?? -Infinity;
      const end = input.optNum('endTime') ?? Infinity;
      const limit = input.optNum('limit') ?? 10_000;
      const token = input.optStr('nextToken');
      const fromHead = input.optBool('startFromHead') ?? false;
      const inRange = s.events.filter((e) => e.timestamp >= start && e.timestamp < end).sort((a, b) => a.timestamp - b.timestamp);
      let offset = fromHead ? 0 : Math.max(0, inRange.length - limit);
      if (token !== undefined) {
        const m = /^([fb])\/(\d+)$/.exec(token);
        if (!m || m[2] === undefined) throw input.invalid('Invalid nextToken.');
        offset = m[1] === 'f' ? Number(m[2]) : Math.max(0, Number(m[2]) - limit);
      }
      const page = inRange.slice(offset, offset + limit);
      return {
        events: page.map(renderEvent),
        nextForwardToken: `f/${String(offset + page.length).padStart(56, '0')}`,
        nextBackwardToken: `b/${String(offset).padStart(56, '0')}`,
      };
    },
  },
  // https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html
  FilterLogEvents: {
    kind: 'read',
    category: 'logs.read',
    handle(ctx, input) {
      const g = requireGroup(ctx, input);
      const names = input.optStrList('logStreamNames');
      const prefix = input.optStr('logStreamNamePrefix');
      const start = input.optNum('startTime') ?? -Infinity;
      const end = input.optNum('endTime') ?? Infinity;
      const pattern = input.optStr('filterPattern');
      const limit = input.optNum('limit') ?? 10_000;
      const token = input.optStr('nextToken');
      const offset = token === undefined ? 0 : Number.parseInt(Buffer.from(token, 'base64url').toString('utf8'), 10);
      if (!Number.isInteger(offset) || offset < 0) throw input.invalid('Invalid nextToken.');
      const matched: JsonObject[] = [];
      for (const s of Object.values(g.streams)) {
        if (names && !names.includes(s.logStreamName)) continue;
        if (prefix !== undefined && !s.logStreamName.startsWith(prefix)) continue;
        for (const e of s.events) {
          if (e.timestamp >= start && e.timestamp <= end && matchesPattern(pattern, e.message)) {
            matched.push({ logStreamName: s.logStreamName, ...renderEvent(e), eventId: e.eventId });
          }
        }
      }
      matched.sort((a, b) => Number(a.timestamp) - Number(b.timestamp));
      const page = matched.slice(offset, offset + limit);
      const next = offset + limit < matched.length ? Buffer.from(String(offset + limit)).toString('base64url') : undefined;
      return compact({ events: page, nextToken: next, searchedLogStreams: [] });
    },
  },
};
