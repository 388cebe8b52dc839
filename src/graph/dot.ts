/**
 * The map in Graphviz DOT: each namespace a cluster subgraph. Every node's SVG element gets its
 * resource key as `id` and its state as `class` (Graphviz copies both into SVG output), which the
 * controller's page styles and links to its status table.
 */
import { namespaceTitle, serviceLines, STATE_COLOURS, stateClass, type StateClass, type StatusLookup } from './labels.js';
import type { ServiceMap } from './model.js';

/** Text inside a DOT double-quoted string: backslashes and quotes escaped, so Graphviz's own `\N`-style escapes cannot be formed. */
function inner(text: string): string {
  return text.replace(/[\\"]/g, (c) => `\\${c}`);
}

function quote(text: string): string {
  return `"${inner(text)}"`;
}

/** Lines of a label, joined with DOT's centred line break. */
function label(lines: readonly string[]): string {
  return `"${lines.map(inner).join('\\n')}"`;
}

const FONT = 'Helvetica,Arial,sans-serif';

/** Renders the map as a DOT digraph; with `status`, nodes are coloured and classed by state. */
export function renderDot(map: ServiceMap, status?: StatusLookup): string {
  const lines = [
    'digraph service_connect {',
    `  graph [rankdir=LR, fontname=${quote(FONT)}, fontsize=12, nodesep=0.4, ranksep=0.8];`,
    `  node [shape=box, style="rounded,filled", fontname=${quote(FONT)}, fontsize=11, margin="0.15,0.08"];`,
    `  edge [fontname=${quote(FONT)}, fontsize=10, color="#5f6b7a", fontcolor="#3c4043"];`,
  ];
  const colours = (key: string): { cls: StateClass; attrs: string } => {
    const cls = status ? stateClass(status(key)?.state) : 'unknown';
    const { fill, stroke } = STATE_COLOURS[cls];
    return { cls, attrs: `fillcolor=${quote(fill)}, color=${quote(stroke)}` };
  };
  map.namespaces.forEach((ns, i) => {
    const c = colours(ns.key);
    // A subgraph is drawn as a box only when its name starts with `cluster`.
    lines.push(`  subgraph cluster_${i} {`);
    lines.push(`    id=${quote(ns.key)}; class=${quote(`namespace state-${c.cls}`)};`);
    lines.push(`    label=${quote(namespaceTitle(ns, status))}; style="rounded,dashed"; color=${quote(STATE_COLOURS[c.cls].stroke)}; fontcolor="#202124";`);
    for (const s of ns.services) {
      const n = colours(s.key);
      lines.push(
        `    ${quote(s.key)} [id=${quote(s.key)}, class=${quote(`service ${s.role} state-${n.cls}`)}, label=${label(serviceLines(s, status))}, ${n.attrs}${s.role === 'client' ? ', shape=oval' : ''}, URL=${quote(`#${s.key}`)}, tooltip=${quote(s.key)}];`,
      );
    }
    lines.push('  }');
  });
  for (const call of map.calls) lines.push(`  ${quote(call.from)} -> ${quote(call.to)} [label=${quote(call.alias)}];`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
