/**
 * The controller's page in the browser: draws the Service Connect map (DOT, laid out by Graphviz
 * compiled to WebAssembly, served by the controller itself) and the status table, and refreshes
 * both when the controller's status changes. Every text from the controller is set with
 * `textContent`; nothing is fetched from anywhere but the controller.
 */

/** What `/map.json` answers (see src/graph/page-model.ts). */
interface PageModel {
  dot: string;
  header: { source: string; lastPass: string; controller: string };
  rows: PageRow[];
}

interface PageChange {
  path: string;
  old?: unknown;
  new?: unknown;
}

interface PageRow {
  key: string;
  state: string;
  reason: string;
  message: string;
  since?: string;
  lastChange?: { time: string; outcome: string; changes: PageChange[]; truncated?: number };
}

interface VizInstance {
  renderSVGElement(dot: string): SVGSVGElement;
}

declare const Viz: { instance(): Promise<VizInstance> };

const REFRESH_MS = 2000;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (text !== undefined) el.textContent = text;
  if (className !== undefined) el.className = className;
  return el;
}

function byId(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el;
}

/** `45s ago`, `3m ago`, `2h ago`. */
function ago(iso: string | undefined): string {
  if (iso === undefined) return '-';
  const s = Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / 1000));
  if (Number.isNaN(s)) return '-';
  if (s < 120) return `${s}s ago`;
  if (s < 7200) return `${Math.floor(s / 60)}m ago`;
  if (s < 172_800) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

function valueText(v: unknown): string {
  return v === undefined ? '(none)' : JSON.stringify(v);
}

function changeLine(c: PageChange): string {
  if (c.old === undefined) return `+ ${c.path}: ${valueText(c.new)}`;
  if (c.new === undefined) return `- ${c.path}: ${valueText(c.old)}`;
  return `~ ${c.path}: ${valueText(c.old)} → ${valueText(c.new)}`;
}

function renderRows(rows: readonly PageRow[]): void {
  const body = byId('rows');
  body.replaceChildren();
  for (const r of rows) {
    const tr = element('tr', undefined, `state-${r.state.toLowerCase()}`);
    tr.id = r.key;
    tr.append(element('td', r.key), element('td', r.state, 'state'), element('td', r.reason), element('td', ago(r.since)));
    const changeCell = element('td');
    if (r.lastChange) {
      const details = element('details');
      details.append(element('summary', `${r.lastChange.outcome} ${ago(r.lastChange.time)}`));
      const list = element('ul', undefined, 'changes');
      for (const c of r.lastChange.changes) list.append(element('li', changeLine(c)));
      if (r.lastChange.truncated) list.append(element('li', `… ${r.lastChange.truncated} more`));
      details.append(list);
      changeCell.append(details);
    } else {
      changeCell.textContent = '-';
    }
    tr.append(changeCell, element('td', r.message, 'message'));
    body.append(tr);
  }
}

function renderHeader(h: PageModel['header']): void {
  byId('source').textContent = h.source;
  byId('last-pass').textContent = h.lastPass;
  byId('controller').textContent = h.controller;
}

async function main(): Promise<void> {
  const viz = await Viz.instance();
  let etag = '';
  const refresh = async (): Promise<void> => {
    try {
      const res = await fetch('map.json', { headers: etag ? { 'If-None-Match': etag } : {}, cache: 'no-store' });
      if (res.status === 304) return;
      if (!res.ok) throw new Error(`the controller answered HTTP ${res.status}`);
      const model = (await res.json()) as PageModel;
      etag = res.headers.get('ETag') ?? '';
      byId('map').replaceChildren(viz.renderSVGElement(model.dot));
      renderHeader(model.header);
      renderRows(model.rows);
      byId('error').textContent = '';
      document.body.dataset.updated = new Date().toISOString();
    } catch (err) {
      byId('error').textContent = `Cannot refresh: ${err instanceof Error ? err.message : String(err)}`;
    }
  };
  await refresh();
  document.body.dataset.ready = 'true';
  setInterval(() => void refresh(), REFRESH_MS);
}

void main().catch((err: unknown) => {
  byId('error').textContent = `The page could not start: ${err instanceof Error ? err.message : String(err)}`;
});
