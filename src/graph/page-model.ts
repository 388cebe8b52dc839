/**
 * What the controller's page shows, computed here so the browser only draws it: the map in DOT
 * (the same text `switchboard graph --format dot --url` prints), the status header, and one row
 * per resource with its state, why, and its last change set (secret-looking values already
 * masked by the status store).
 */
import { renderDot } from './dot.js';
import type { StatusLookup } from './labels.js';
import type { ServiceMap } from './model.js';
import type { ChangeSetStatus, StatusDocument } from '../observe/status.js';
import { headerFields, resourceView } from '../observe/status-table.js';

export interface PageRow {
  key: string;
  state: string;
  reason: string;
  message: string;
  /** When the Ready condition last flipped. */
  since?: string;
  lastChange?: ChangeSetStatus;
}

export interface PageModel {
  dot: string;
  header: { source: string; lastPass: string; controller: string };
  rows: PageRow[];
}

/** The page's content for one status document and map (`lookup` is the document's states by key). */
export function pageModel(doc: StatusDocument, map: ServiceMap, lookup: StatusLookup): PageModel {
  const rows = doc.resources.map((r): PageRow => {
    const s = resourceView(r);
    const since = r.conditions.find((c) => c.type === 'Ready')?.lastTransitionTime;
    return { key: r.key, state: s.state, reason: s.reason, message: s.message, ...(since !== undefined ? { since } : {}), ...(r.lastChangeSet ? { lastChange: r.lastChangeSet } : {}) };
  });
  // Times as times, not ages: the page is redrawn only when the status changes.
  const h = headerFields(doc);
  return {
    dot: renderDot(map, lookup),
    header: { source: [h.source, h.sourceError].filter((x) => x !== undefined).join(' — '), lastPass: h.lastPass, controller: h.controller },
    rows,
  };
}
