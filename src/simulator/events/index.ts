/**
 * The simulated Amazon EventBridge: PutEvents, as the controller uses it to publish its events,
 * and what each bus received (for the admin API and tests). Rules and targets are not simulated.
 */
import { SimulatorError } from '../errors.js';
import { uuid } from '../ids.js';
import { isJsonObject, type JsonObject } from '../json.js';
import type { OperationDef, RequestContext, ServiceDef } from '../context.js';
import type { Input } from '../input.js';
import type { EventsState, ReceivedEventRecord, SimState } from '../state.js';

/** The EventBridge X-Amz-Target prefix (botocore `events/2015-10-07/service-2.json`, `targetPrefix`). */
export const eventsTarget = 'AWSEvents';

/** Entries per PutEvents call (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html). */
const maxEntries = 10;
/** Largest entry, bytes (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html). */
const maxEntryBytes = 256 * 1024;
/** Events kept per Region; older ones are dropped and counted. */
const keep = 10_000;

function eventsState(ctx: RequestContext): EventsState {
  return (ctx.state.events ??= { received: [], dropped: 0 });
}

function busName(ref: string | undefined): string {
  if (ref === undefined || ref === '') return 'default';
  // An ARN names the bus after `event-bus/`.
  const i = ref.indexOf(':event-bus/');
  return i >= 0 ? ref.slice(i + ':event-bus/'.length) : ref;
}

/** Why an entry is refused (ErrorCode, ErrorMessage), or undefined when it is accepted. */
function entryProblem(e: JsonObject): [string, string] | undefined {
  const missing = ['Source', 'DetailType', 'Detail'].filter((k) => typeof e[k] !== 'string' || e[k] === '');
  if (missing.length > 0) return ['InvalidArgument', `Parameter(s) ${missing.join(', ')} must be specified.`];
  let detail: unknown;
  try {
    detail = JSON.parse(e.Detail as string);
  } catch {
    return ['MalformedDetail', 'Detail is malformed.'];
  }
  if (!isJsonObject(detail)) return ['MalformedDetail', 'Detail is malformed.'];
  if (Buffer.byteLength(JSON.stringify(e)) > maxEntryBytes) return ['InvalidArgument', 'Total size of the entry exceeds the 256 KB limit.'];
  return undefined;
}

/**
 * PutEvents (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html):
 * 1 to 10 entries, else ValidationException; each entry is accepted (`EventId`) or refused
 * (`ErrorCode`, `ErrorMessage`) on its own, in order, and `FailedEntryCount` counts the refused;
 * the answer is HTTP 200 either way. Source, DetailType and Detail are required; Detail must be a
 * JSON object. The `entryFailure` fault refuses every entry of the call with its error code.
 */
const putEvents: OperationDef = {
  kind: 'write',
  category: 'events.PutEvents',
  handle(ctx: RequestContext, input: Input): JsonObject {
    const entries = input.optObjList('Entries') ?? [];
    if (entries.length < 1 || entries.length > maxEntries) {
      throw new SimulatorError(
        'ValidationException',
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length ${entries.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${maxEntries}`}`,
      );
    }
    const fault = ctx.effects.find((e) => e.type === 'entryFailure');
    const state = eventsState(ctx);
    let failed = 0;
    const results = entries.map((e): JsonObject => {
      const problem: [string, string] | undefined =
        fault && fault.type === 'entryFailure' ? [fault.errorCode ?? 'InternalFailure', fault.message ?? 'Injected entry failure'] : entryProblem(e);
      if (problem) {
        failed += 1;
        return { ErrorCode: problem[0], ErrorMessage: problem[1] };
      }
      const record: ReceivedEventRecord = {
        eventId: uuid(),
        receivedAt: ctx.now,
        region: ctx.region,
        eventBusName: busName(typeof e.EventBusName === 'string' ? e.EventBusName : undefined),
        source: e.Source as string,
        detailType: e.DetailType as string,
        detail: e.Detail as string,
        resources: Array.isArray(e.Resources) ? e.Resources.filter((r): r is string => typeof r === 'string') : [],
        // Timestamps are epoch seconds in this JSON protocol.
        time: typeof e.Time === 'number' ? Math.round(e.Time * 1000) : ctx.now,
      };
      state.received.push(record);
      return { EventId: record.eventId };
    });
    if (state.received.length > keep) {
      const excess = state.received.length - keep;
      state.received.splice(0, excess);
      state.dropped += excess;
    }
    return { FailedEntryCount: failed, Entries: results };
  },
};

/** The simulated Amazon EventBridge. */
export const eventsService: ServiceDef = {
  key: 'events',
  targetPrefix: eventsTarget,
  operations: { PutEvents: putEvents },
  settle: () => undefined,
};

/** Every event the buses received, oldest first, in every Region (`GET /_sim/events`). */
export function receivedEvents(state: SimState): { events: ReceivedEventRecord[]; dropped: number } {
  const regions = Object.values(state.regions);
  return {
    events: regions.flatMap((r) => r.events?.received ?? []).sort((a, b) => a.receivedAt - b.receivedAt),
    dropped: regions.reduce((n, r) => n + (r.events?.dropped ?? 0), 0),
  };
}
