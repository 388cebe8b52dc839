/**
 * What the Mermaid and DOT maps write on each namespace and service: the same lines in both, so
 * the two formats (and the page, which draws the DOT form) tell the same story.
 */
import type { MapNamespace, MapService } from './model.js';
import type { ResourceState, ResourceView } from '../observe/status-table.js';

/** Where a node's live state comes from (`--url`, the daemon); absent offline. */
export type StatusLookup = (key: string) => ResourceView | undefined;

const MAX_MESSAGE = 80;

/** Text from manifests or AWS made fit for one label line: no control characters, bounded. */
export function labelText(text: string, max = MAX_MESSAGE): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

function statusLine(s: ResourceView | undefined): string[] {
  if (!s) return [];
  // A located problem names its file by full path; on a node its name and position say enough.
  const message = s.message.replace(/(?:[^\s:]*\/)+([^\s/:]+:\d+:\d+)/g, '$1');
  const why = s.state === 'Ready' ? '' : message !== '' ? `: ${message}` : s.reason !== '' ? `: ${s.reason}` : '';
  return [labelText(`${s.state}${why}`)];
}

/** The lines of a service node: name, cluster, each endpoint and alias (or "client only"), state. */
export function serviceLines(s: MapService, status: StatusLookup | undefined): string[] {
  const lines = [labelText(s.name), labelText(`cluster ${s.cluster}`)];
  if (s.role === 'client') lines.push('client only');
  for (const e of s.endpoints) {
    lines.push(labelText(e.discoveryName === e.portName ? `port ${e.portName}` : `port ${e.portName} → ${e.discoveryName}`));
    for (const a of e.aliases) lines.push(labelText(a.url));
  }
  return [...lines, ...statusLine(status?.(s.key))];
}

/** The title of a namespace group, with its state when known. */
export function namespaceTitle(ns: MapNamespace, status: StatusLookup | undefined): string {
  const s = status?.(ns.key);
  const origin = ns.declared ? '' : ' (not declared here)';
  return labelText(`namespace ${ns.name}${origin}${s ? ` · ${statusLine(s)[0] ?? ''}` : ''}`, 120);
}

/** A CSS-friendly name of a state (`unknown` when there is no live state). */
export type StateClass = 'unknown' | 'ready' | 'reconciling' | 'stalled' | 'notready';

/** The class a state is drawn with. */
export function stateClass(state: ResourceState | undefined): StateClass {
  switch (state) {
    case undefined:
      return 'unknown';
    case 'Ready':
      return 'ready';
    case 'Reconciling':
      return 'reconciling';
    case 'Stalled':
      return 'stalled';
    case 'NotReady':
      return 'notready';
    default: {
      const never: never = state;
      return never;
    }
  }
}

/** Fill and border colours per state, shared by both formats. */
export const STATE_COLOURS: Record<StateClass, { fill: string; stroke: string }> = {
  unknown: { fill: '#ffffff', stroke: '#5f6b7a' },
  ready: { fill: '#e6f4ea', stroke: '#1e8e3e' },
  reconciling: { fill: '#e8f0fe', stroke: '#1a73e8' },
  stalled: { fill: '#fce8e6', stroke: '#d93025' },
  notready: { fill: '#fef7e0', stroke: '#e37400' },
};
