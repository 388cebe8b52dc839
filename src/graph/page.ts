/**
 * The controller's page on its listener: `/` (the HTML), `/map.json` (what it draws, see
 * page-model.ts), `/map.dot` and `/map.mmd` (the map as text, for tools), and `/assets/*` (its
 * script, its CSS, and Graphviz for the browser). Read-only; what is computed from the status is
 * computed at most once per change and per second, whoever asks.
 */
import type { PageAnswer, PageRouteKind, PageView } from '../observe/http.js';
import type { StatusDocument } from '../observe/status.js';
import { renderMermaid } from './mermaid.js';
import type { ServiceMap } from './model.js';
import { statusLookup } from './status.js';
import { PAGE_CSP, PAGE_CSS, PAGE_HTML, readPageScript, readVizScript } from './page-assets.js';
import { pageModel } from './page-model.js';

/** What the page reads: the status store, and the map of the last good manifests. */
export interface PageSources {
  status: { readonly version: number; toJSON(): StatusDocument };
  map: { readonly version: number; current(): ServiceMap };
  now?: () => number;
  /** A changed status is turned into page data at most this often (default 1 s). */
  minIntervalMs?: number;
}

const HTML = 'text/html; charset=utf-8';
const JS = 'text/javascript; charset=utf-8';
const ASSET_CACHE = { 'Cache-Control': 'public, max-age=300' };
const PAGE_HEADERS = { 'Content-Security-Policy': PAGE_CSP, 'Referrer-Policy': 'no-referrer', 'X-Frame-Options': 'DENY' };

/** The page's routes; `answer` returns undefined for paths that are not the page's. */
export class MapPage implements PageView {
  private cached: { stamp: string; at: number; model: Buffer; dot: string; mermaid: string } | undefined;

  constructor(private readonly sources: PageSources) {}

  /** What `path` serves: data derived from the status (behind the token), a static asset, or nothing of the page's. */
  classify(path: string): PageRouteKind | undefined {
    if (path === '/' || path === '/map.json' || path === '/map.dot' || path === '/map.mmd') return 'status-data';
    if (path === '/assets/page.js' || path === '/assets/page.css' || path === '/assets/viz.js') return 'asset';
    return undefined;
  }

  async answer(path: string, ifNoneMatch: string | undefined): Promise<PageAnswer | undefined> {
    switch (path) {
      case '/':
        return { status: 200, contentType: HTML, body: PAGE_HTML, headers: PAGE_HEADERS };
      case '/assets/page.css':
        return { status: 200, contentType: 'text/css; charset=utf-8', body: PAGE_CSS, headers: ASSET_CACHE };
      case '/assets/page.js':
        return { status: 200, contentType: JS, body: await readPageScript(), headers: ASSET_CACHE };
      case '/assets/viz.js':
        // 1.3 MB, asked for once per page load: read from the package each time rather than kept in memory.
        return { status: 200, contentType: JS, body: await readVizScript(), headers: ASSET_CACHE };
      case '/map.json':
      case '/map.dot':
      case '/map.mmd': {
        const c = this.current();
        const etag = `"${c.stamp}"`;
        const headers = { ETag: etag };
        if (ifNoneMatch === etag) return { status: 304, contentType: JS, body: '', headers };
        if (path === '/map.json') return { status: 200, contentType: 'application/json; charset=utf-8', body: c.model, headers };
        if (path === '/map.dot') return { status: 200, contentType: 'text/vnd.graphviz; charset=utf-8', body: c.dot, headers };
        return { status: 200, contentType: 'text/plain; charset=utf-8', body: c.mermaid, headers };
      }
      default:
        return undefined;
    }
  }

  /** The page data, computed again only when the status or the map changed and the last computation is old enough. */
  private current(): NonNullable<MapPage['cached']> {
    const now = (this.sources.now ?? Date.now)();
    const stamp = `${this.sources.status.version}.${this.sources.map.version}`;
    const last = this.cached;
    if (last !== undefined && (last.stamp === stamp || now - last.at < (this.sources.minIntervalMs ?? 1000))) return last;
    const doc = this.sources.status.toJSON();
    const map = this.sources.map.current();
    const lookup = statusLookup(doc);
    const model = pageModel(doc, map, lookup);
    this.cached = { stamp, at: now, model: Buffer.from(JSON.stringify(model), 'utf8'), dot: model.dot, mermaid: renderMermaid(map, lookup) };
    return this.cached;
  }
}
