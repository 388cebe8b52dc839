/**
 * Which Service Connect endpoints a task definition calls, read from what its containers are
 * started with (environment values, command, entry point), and the order that gives the servers
 * of one pass. What the manifests show, not traffic: a false positive costs only an ordering (or
 * one redeploy), never correctness. Pure.
 */
import type { DesiredResourceOf } from '../manifests/model.js';

/** An endpoint clients call: a client alias (`dnsName:port`), or a discovery name without aliases (any port). */
export interface Endpoint {
  dnsName: string;
  port?: number;
}

/** `dnsName:port`, or the bare name of an endpoint without a port. */
export function endpointLabel(e: Endpoint): string {
  return e.port === undefined ? e.dnsName : `${e.dnsName}:${e.port}`;
}

/** The text a task definition's containers are started with: environment values, command, entry point. */
export function containerText(td: DesiredResourceOf<'TaskDefinition'> | undefined): string {
  const parts: string[] = [];
  for (const c of td?.spec.containerDefinitions ?? []) {
    for (const e of c.environment ?? []) if (e.value !== undefined) parts.push(e.value);
    parts.push(...(c.command ?? []), ...(c.entryPoint ?? []));
  }
  return parts.join('\n');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Characters that continue a host name: a match touching one of them is part of another name. */
const HOST_CHAR = '[\\w.-]';

/**
 * Whether `text` names endpoint `e` as a whole host: its DNS name, or that name followed by
 * `.namespace` (`bravo.orders:8080` for alias `bravo:8080` in namespace `orders`), not preceded or
 * followed by another host-name character (`api` matches `http://api:8080/x` and `API_HOST=api`,
 * not `api.example.com`, `my-api` or `api_v2`). With `requirePort`, the host must be followed by
 * `:port`; without it a bare host (`BRAVO_HOST=bravo`, with the port elsewhere) counts too. A host
 * followed by another port (`api:9090` for `api:8080`) never names the endpoint.
 */
export function namesEndpoint(text: string, e: Endpoint, namespaceName?: string, requirePort = false): boolean {
  // Most texts do not mention most endpoints: a substring check spares building their pattern.
  if (!text.includes(e.dnsName)) return false;
  const host = `${escapeRegExp(e.dnsName)}${namespaceName ? `(?:\\.${escapeRegExp(namespaceName)})?` : ''}`;
  const withPort = e.port === undefined ? ':\\d+(?!\\d)' : `:${e.port}(?!\\d)`;
  const after = requirePort ? withPort : `(?:${withPort}|(?!${HOST_CHAR}|:\\d))`;
  return new RegExp(`(?<!${HOST_CHAR})${host}${after}`).test(text);
}

/**
 * Strongly connected components of a directed graph (Tarjan), each listed in the order of
 * `nodes`; components come out targets first (a component is listed after every component it
 * reaches). Deterministic for a given order of `nodes` and of each edge list.
 */
export function stronglyConnected<K extends string>(nodes: readonly K[], edges: ReadonlyMap<K, readonly K[]>): K[][] {
  const index = new Map<K, number>();
  const low = new Map<K, number>();
  const onStack = new Set<K>();
  const stack: K[] = [];
  const out: K[][] = [];
  const order = new Map(nodes.map((n, i) => [n, i]));
  const visit = (v: K): void => {
    index.set(v, index.size);
    low.set(v, index.get(v) as number);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!order.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: K[] = [];
    for (;;) {
      const w = stack.pop() as K;
      onStack.delete(w);
      component.push(w);
      if (w === v) break;
    }
    out.push(component.sort((a, b) => (order.get(a) as number) - (order.get(b) as number)));
  };
  for (const n of nodes) if (!index.has(n)) visit(n);
  return out;
}
