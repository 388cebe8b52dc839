/**
 * The static parts of the controller's page: its HTML and CSS (here), its script (compiled from
 * src/page to dist/page) and Graphviz for the browser (@viz-js/viz, from the installed package).
 * Nothing is fetched from a CDN: the page works in a VPC without internet access.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Only the controller itself may be reached (`connect-src 'self'`); scripts are the two files it
 * serves, and Graphviz's WebAssembly may be compiled (`'wasm-unsafe-eval'`, not `'unsafe-eval'`).
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

// Relative links: the page also works behind a proxy that serves the controller under a path.
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>switchboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="assets/page.css">
</head>
<body>
<header>
  <h1>switchboard</h1>
  <dl>
    <dt>Source</dt><dd id="source">…</dd>
    <dt>Last pass</dt><dd id="last-pass">…</dd>
    <dt>Controller</dt><dd id="controller">…</dd>
  </dl>
  <p id="error" role="alert"></p>
</header>
<main>
  <section>
    <h2>Service Connect map</h2>
    <div id="map" aria-label="Service Connect map"></div>
    <p class="legend"><span class="ready">Ready</span> <span class="reconciling">Reconciling</span> <span class="stalled">Stalled</span> <span class="notready">Not ready</span> <span class="unknown">No status</span></p>
  </section>
  <section>
    <h2>Resources</h2>
    <table>
      <thead><tr><th>Kind/name</th><th>State</th><th>Reason</th><th>Since</th><th>Last change</th><th>Message</th></tr></thead>
      <tbody id="rows"></tbody>
    </table>
  </section>
</main>
<script src="assets/viz.js"></script>
<script src="assets/page.js"></script>
</body>
</html>
`;

export const PAGE_CSS = `body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 0; color: #202124; background: #fafafa; }
header { padding: 12px 24px; background: #fff; border-bottom: 1px solid #dadce0; }
h1 { font-size: 20px; margin: 0 0 8px; }
h2 { font-size: 16px; margin: 16px 0 8px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; }
dt { color: #5f6368; }
dd { margin: 0; }
#error:not(:empty) { color: #d93025; font-weight: 600; }
main { padding: 0 24px 24px; }
#map { background: #fff; border: 1px solid #dadce0; border-radius: 6px; padding: 8px; overflow: auto; }
#map svg { max-width: 100%; height: auto; }
.legend span { display: inline-block; padding: 1px 8px; margin-right: 6px; border-radius: 10px; border: 1px solid; font-size: 12px; }
.legend .ready { background: #e6f4ea; border-color: #1e8e3e; }
.legend .reconciling { background: #e8f0fe; border-color: #1a73e8; }
.legend .stalled { background: #fce8e6; border-color: #d93025; }
.legend .notready { background: #fef7e0; border-color: #e37400; }
.legend .unknown { background: #fff; border-color: #5f6b7a; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid #eceff1; }
th { background: #f1f3f4; }
td.message { white-space: pre-wrap; word-break: break-word; }
tr.state-stalled td.state { color: #d93025; font-weight: 600; }
tr.state-notready td.state { color: #e37400; font-weight: 600; }
tr.state-reconciling td.state { color: #1a73e8; }
tr.state-ready td.state { color: #1e8e3e; }
tr:target { outline: 2px solid #1a73e8; }
ul.changes { margin: 4px 0; padding-left: 16px; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
`;

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The compiled page script: dist/page/page.js, found from src/observe (tests) and dist/observe
 * (the built CLI) alike.
 */
export function readPageScript(): Promise<Buffer> {
  return readFile(path.join(here, '..', '..', 'dist', 'page', 'page.js'));
}

/** Graphviz for the browser: @viz-js/viz's self-contained script (the WebAssembly is inside it). */
export function readVizScript(): Promise<Buffer> {
  const entry = createRequire(import.meta.url).resolve('@viz-js/viz');
  return readFile(path.join(path.dirname(entry), 'viz-global.js'));
}
