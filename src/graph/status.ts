/** The live state a map shows on each node: what a controller's status document says of it. */
import { resourceView } from '../observe/status-table.js';
import type { StatusDocument } from '../observe/status.js';
import type { StatusLookup } from './labels.js';

/** Each resource's state (Ready, Reconciling, Stalled, NotReady) and why, by key. */
export function statusLookup(doc: StatusDocument): StatusLookup {
  const byKey = new Map(doc.resources.map((r) => [r.key, r]));
  return (key) => {
    const r = byKey.get(key);
    return r ? resourceView(r) : undefined;
  };
}
