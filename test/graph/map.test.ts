/**
 * The Service Connect map of manifests: its model (namespaces, servers with their endpoints and
 * aliases, clients, clusters, calls), and the Mermaid and DOT forms, which escape every text they
 * take from manifests. The DOT form is laid out by Graphviz itself (the library the page uses).
 */
import { instance } from '@viz-js/viz';
import { loadManifests } from '../../src/cli/common.js';
import { renderDot } from '../../src/graph/dot.js';
import { renderMermaid } from '../../src/graph/mermaid.js';
import { buildServiceMap, type ServiceMap } from '../../src/graph/model.js';
import type { ResourceView } from '../../src/observe/status-table.js';

async function examples(): Promise<ServiceMap> {
  const loaded = await loadManifests(['manifests/examples']);
  expect(loaded.valid).toBe(true);
  return buildServiceMap(loaded.resources, 'default');
}

test('the bundled examples map to two namespaces with their servers, clients, clusters, aliases and calls', async () => {
  const map = await examples();
  expect(map.namespaces.map((n) => [n.name, n.declared, n.services.map((s) => `${s.name}:${s.role}@${s.cluster}`)])).toEqual([
    ['shop', true, ['api:server@shop', 'web:server@shop', 'worker:server@shop']],
    ['test-namespace', true, ['curl:client@default', 'nginx:server@default']],
  ]);
  const api = map.namespaces[0]?.services.find((s) => s.name === 'api');
  expect(api?.endpoints).toEqual([{ portName: 'api-http', discoveryName: 'api', aliases: [{ dnsName: 'api', port: 8080, url: 'http://api:8080' }] }]);
  const nginx = map.namespaces[1]?.services.find((s) => s.name === 'nginx');
  // dnsName defaults to discoveryName.namespace, discoveryName to the port name.
  expect(nginx?.endpoints[0]?.aliases).toEqual([{ dnsName: 'nginx-80-tcp.test-namespace', port: 80, url: 'http://nginx-80-tcp.test-namespace:80' }]);
  const worker = map.namespaces[0]?.services.find((s) => s.name === 'worker');
  expect(worker?.endpoints[0]?.aliases[0]?.url).toBe('grpc://worker:50051');
  expect(map.calls).toEqual([
    { from: 'Service/web', to: 'Service/api', alias: 'api:8080' },
    { from: 'Service/api', to: 'Service/worker', alias: 'worker:50051' },
    { from: 'Service/curl', to: 'Service/nginx', alias: 'nginx-80-tcp.test-namespace:80' },
  ]);
  expect(map.outside).toEqual([]);
});

test('Mermaid: one subgraph per namespace, a node per service with its lines, calls as labelled edges', async () => {
  const text = renderMermaid(await examples());
  expect(text.startsWith('flowchart LR\n')).toBe(true);
  expect(text).toContain('  subgraph ns_shop["namespace shop"]');
  expect(text).toContain('    svc_api["api<br/>cluster shop<br/>port api-http → api<br/>http://api:8080"]');
  expect(text).toContain('    svc_curl(["curl<br/>cluster default<br/>client only"])');
  expect(text).toContain('  svc_web -->|"api:8080"| svc_api');
  expect(text).not.toContain('classDef');
});

const hostile: ServiceMap = {
  namespaces: [
    {
      name: 'ns"]; click x call alert(1)',
      key: 'Namespace/ns"]; click x call alert(1)',
      declared: true,
      services: [
        {
          key: 'Service/a"b',
          name: 'a"b <img src=x onerror=alert(1)>',
          cluster: 'c\\N\u001b[2J',
          role: 'server',
          endpoints: [{ portName: 'p#1', discoveryName: 'd`x`', aliases: [{ dnsName: 'x"y', port: 1, url: 'http://x"y:1' }] }],
        },
      ],
    },
  ],
  calls: [],
  outside: [],
};

test('Mermaid escapes quotes, markup, entities and control characters from manifests', () => {
  const text = renderMermaid(hostile);
  for (const line of text.split('\n').filter((l) => l.includes('["') || l.includes('(["'))) {
    // Inside a label only the delimiting quotes and the line breaks the renderer writes are raw.
    const inner = line.slice(line.indexOf('"') + 1, line.lastIndexOf('"')).replaceAll('<br/>', ' ');
    expect(inner).not.toMatch(/["<>`]/);
  }
  expect(text).toContain('a#34;b #60;img src=x onerror=alert(1)#62;');
  expect(text).toContain('p#35;1');
  expect(text).not.toContain('\u001b');
  expect(text).not.toMatch(/^\s*click /m);
});

const status = (state: ResourceView['state'], message = ''): ResourceView => ({ state, reason: state === 'Stalled' ? 'InvalidManifest' : 'Configured', message });

test('with live state, Mermaid nodes carry their state line and a class per state', async () => {
  const states = new Map<string, ResourceView>([
    ['Service/api', status('Stalled', 'api.yaml:3:5: unknown field "desiredCont"')],
    ['Service/web', status('Ready')],
  ]);
  const text = renderMermaid(await examples(), (k) => states.get(k));
  expect(text).toContain('svc_api["api<br/>cluster shop<br/>port api-http → api<br/>http://api:8080<br/>Stalled: api.yaml:3:5: unknown field #34;desiredCont#34;"]');
  expect(text).toMatch(/^ {2}class svc_api stalled$/m);
  expect(text).toMatch(/^ {2}class .*svc_web.* ready$/m);
  expect(text).toMatch(/^ {2}classDef stalled fill:#fce8e6,stroke:#d93025/m);
});

describe('DOT, laid out by Graphviz', () => {
  let render: (dot: string) => string;

  beforeAll(async () => {
    const viz = await instance();
    render = (dot) => {
      const r = viz.render(dot, { format: 'svg' });
      if (r.status !== 'success') throw new Error(r.errors.map((e) => e.message).join('; '));
      return r.output;
    };
  });

  test('each namespace is a box holding its services; node ids are resource keys, classes their kind and state', async () => {
    const states = new Map<string, ResourceView>([['Service/nginx', status('Stalled', 'nginx.yaml:1:1: broken')]]);
    const svg = render(renderDot(await examples(), (k) => states.get(k)));
    // (Graphviz writes `-` in attributes as `&#45;`.)
    expect(svg).toContain('<g id="Namespace/shop" class="cluster namespace state&#45;unknown">');
    expect(svg).toContain('<g id="Service/nginx" class="node service server state&#45;stalled">');
    expect(svg).toContain('<g id="Service/curl" class="node service client state&#45;unknown">');
    expect(svg).toContain('>http://api:8080</text>');
    expect(svg).toContain('>Stalled: nginx.yaml:1:1: broken</text>');
    expect(svg).toMatch(/<g id="edge\d+" class="edge">\s*<title>Service\/web&#45;&gt;Service\/api<\/title>/);
  });

  test('text from manifests stays text: quotes, backslash escapes and markup are escaped', () => {
    const svg = render(renderDot(hostile));
    expect(svg).toContain('a&quot;b &lt;img src=x onerror=alert(1)&gt;');
    // `\N` would be Graphviz's node-name escape; it stays a backslash and an N.
    expect(svg).toContain('cluster c\\N [2J');
    expect(svg).not.toContain('<img');
  });
});
