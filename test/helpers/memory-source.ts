import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Snapshot, SnapshotSource } from '../../src/controller/controller.js';

/** A source whose content the test sets: for driving the controller loop without a watcher. */
export class MemorySource implements SnapshotSource {
  readonly description = 'memory';
  private files = new Map<string, string>();
  private listener: ((s: Snapshot) => void) | undefined;
  complete = true;

  constructor(initial: Record<string, string> = {}) {
    for (const [k, v] of Object.entries(initial)) this.files.set(k, v);
  }

  /** Loads every *.yaml under a folder. */
  static fromDir(dir: string): MemorySource {
    const src = new MemorySource();
    const walk = (d: string): void => {
      for (const e of readdirSync(d)) {
        const p = path.join(d, e);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.ya?ml$/.test(e)) src.files.set(path.relative(dir, p), readFileSync(p, 'utf8'));
      }
    };
    walk(dir);
    return src;
  }

  get(name: string): string {
    const v = this.files.get(name);
    if (v === undefined) throw new Error(`no file ${name}`);
    return v;
  }

  /** Replaces file contents (undefined deletes) and emits a snapshot. */
  set(changes: Record<string, string | undefined>): void {
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined) this.files.delete(k);
      else this.files.set(k, v);
    }
    this.listener?.(this.snapshot());
  }

  snapshot(): Snapshot {
    const names = [...this.files.keys()].sort();
    const h = createHash('sha256');
    for (const n of names) h.update(n).update('\0').update(this.files.get(n) ?? '').update('\0');
    return { revision: h.digest('hex'), complete: this.complete, files: names.map((n) => ({ path: n, content: Buffer.from(this.files.get(n) ?? '') })) };
  }

  async read(): Promise<Snapshot> {
    return this.snapshot();
  }

  watch(onSnapshot: (s: Snapshot) => void, _onError: unknown, signal: AbortSignal): void {
    this.listener = onSnapshot;
    signal.addEventListener('abort', () => {
      this.listener = undefined;
    });
  }
}
