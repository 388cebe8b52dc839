/** Where events go, as a narrow port the EventBridge adapter implements. */

/** One entry of a PutEvents call. */
export interface EventEntry {
  source: string;
  detailType: string;
  /** JSON text. */
  detail: string;
  time: Date;
  eventBusName: string;
}

/** An entry the service refused (PutEvents answers 200 with per-entry errors). */
export interface FailedEntry {
  /** Index in the batch sent. */
  index: number;
  code: string;
  message: string;
}

/** Publishes a batch (at most 10 entries); resolves with the entries refused, rejects when the whole call failed. */
export interface EventSink {
  putEvents(entries: readonly EventEntry[], signal?: AbortSignal): Promise<FailedEntry[]>;
}
