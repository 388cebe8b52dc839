/**
 * The map as a Mermaid flowchart, which GitHub and GitLab render in markdown (a pull request can
 * carry it). Text from manifests is written with Mermaid's entity codes, so no name can close a
 * label, start markup or inject a directive.
 */
import { namespaceTitle, serviceLines, STATE_COLOURS, stateClass, type StateClass, type StatusLookup } from './labels.js';
import type { ServiceMap } from './model.js';

/** Mermaid's entity codes (`#quot;`) for every character that means something in a quoted label. */
function escape(text: string): string {
  return text.replace(/[#"<>&`]/g, (c) => `#${c.charCodeAt(0)};`);
}

/** A node id Mermaid accepts for any name (letters and digits kept, anything else as `_hex_`). */
function nodeId(prefix: string, name: string): string {
  return `${prefix}_${name.replace(/[^A-Za-z0-9]/g, (c) => `_${c.charCodeAt(0).toString(16)}_`)}`;
}

/** Renders the map as a Mermaid `flowchart`; with `status`, each node carries its state and colour. */
export function renderMermaid(map: ServiceMap, status?: StatusLookup): string {
  const lines = ['flowchart LR'];
  const classes = new Map<StateClass, string[]>();
  const classify = (id: string, key: string): void => {
    if (!status) return;
    const c = stateClass(status(key)?.state);
    classes.set(c, [...(classes.get(c) ?? []), id]);
  };
  for (const ns of map.namespaces) {
    const nsId = nodeId('ns', ns.name);
    lines.push(`  subgraph ${nsId}["${escape(namespaceTitle(ns, status))}"]`);
    lines.push('    direction TB');
    for (const s of ns.services) {
      const id = nodeId('svc', s.name);
      const label = serviceLines(s, status).map(escape).join('<br/>');
      lines.push(s.role === 'client' ? `    ${id}(["${label}"])` : `    ${id}["${label}"]`);
      classify(id, s.key);
    }
    lines.push('  end');
    if (ns.declared) classify(nsId, ns.key);
  }
  for (const call of map.calls) {
    lines.push(`  ${nodeId('svc', call.from.slice('Service/'.length))} -->|"${escape(call.alias)}"| ${nodeId('svc', call.to.slice('Service/'.length))}`);
  }
  if (status) {
    for (const [name, ids] of [...classes.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const { fill, stroke } = STATE_COLOURS[name];
      lines.push(`  classDef ${name} fill:${fill},stroke:${stroke},stroke-width:2px`);
      lines.push(`  class ${ids.join(',')} ${name}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
