import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A fresh temporary folder; removed by the returned cleanup. */
export function tempDir(prefix = 'switchboard-test-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Copies the bundled walkthrough manifests (not the multi-service example) into `dir`. */
export function copyWalkthrough(dir: string): void {
  for (const f of ['namespace.yaml', 'cluster.yaml', 'nginx.yaml', 'curl.yaml']) {
    cpSync(path.join('manifests', 'examples', f), path.join(dir, f));
  }
}
