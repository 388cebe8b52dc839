/** The events the controller publishes, as operators route them (EventBridge rules match on these). */
import type { FieldChange } from '../reconcile/diff.js';

/** Every event's `source`. */
export const EVENT_SOURCE = 'switchboard.dev';

/** The `detail-type`s, one per kind of thing an operator may want to hear about. */
export type EventDetailType = 'Resource Reconciled' | 'Resource Stalled' | 'Rollout Failed' | 'Prune Refused' | 'Persistent Drift' | 'Leader Changed';

/** What every event carries in its `detail`. */
export interface EventDetail {
  controllerId: string;
  /** `Kind/name`, when the event is about one resource. */
  resource?: string;
  /** The source revision the controller acted on. */
  revision?: string;
  /** A CamelCase cause: `Created`, `Configured`, `Deleted`, `InvalidManifest`, `RolloutFailed`, `MaxPrune`, `Leader`, ... */
  reason: string;
  message: string;
  /** The fields that changed, secret-looking values masked. */
  changes?: FieldChange[];
  /** Leader Changed: who leads now. */
  holder?: string;
  lease?: string;
}

/** One event waiting to be published. */
export interface ControllerEvent {
  detailType: EventDetailType;
  detail: EventDetail;
  /** When it happened, epoch ms. */
  time: number;
}
