/** The EventBridge adapter: PutEvents, with the per-entry failures it reports as data. */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { EventEntry, EventSink, FailedEntry } from '../events/sink.js';
import { baseConfig, type AwsClientConfig } from './clients.js';
import { awsCall } from './errors.js';

/** Builds an EventBridge client with the configuration every client of this package shares. */
export function createEventBridgeClient(cfg: AwsClientConfig): EventBridgeClient {
  return new EventBridgeClient(baseConfig(cfg));
}

/**
 * The event sink over the SDK. PutEvents answers 200 even when entries fail: `FailedEntryCount`
 * and each result entry's `ErrorCode` say which, in request order
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevents.html).
 */
export class SdkEventSink implements EventSink {
  constructor(private readonly client: EventBridgeClient) {}

  async putEvents(entries: readonly EventEntry[], signal?: AbortSignal): Promise<FailedEntry[]> {
    const res = await awsCall('events:PutEvents', () =>
      this.client.send(
        new PutEventsCommand({
          Entries: entries.map((e) => ({ Source: e.source, DetailType: e.detailType, Detail: e.detail, Time: e.time, EventBusName: e.eventBusName })),
        }),
        signal === undefined ? {} : { abortSignal: signal },
      ),
    );
    if ((res.FailedEntryCount ?? 0) === 0) return [];
    const failed: FailedEntry[] = [];
    (res.Entries ?? []).forEach((r, index) => {
      if (r.ErrorCode !== undefined) failed.push({ index, code: r.ErrorCode, message: r.ErrorMessage ?? '' });
    });
    return failed;
  }

  /** Closes the client's connections. */
  close(): void {
    this.client.destroy();
  }
}
