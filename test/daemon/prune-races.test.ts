/**
 * `switchboard run --prune` while another process renames a manifest away and back, or truncates
 * and rewrites it in place, next to many folders (so reads take long enough to be caught
 * mid-change): nothing it declares is ever deleted. The built CLI in its own process, the embedded
 * simulator as AWS. `npm test` races for a few seconds; `npm run reliability` for longer.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { reportRow } from '../helpers/report.js';
import { startMutator } from '../sources/mutator.js';
import { daemonWorld, startDaemon, until } from './helpers.js';

const FULL = process.env.RELIABILITY_FULL === '1';
const RACE_MS = FULL ? 30_000 : 2000;
const FOLDERS = 300;
const CONTENT = 'apiVersion: switchboard.dev/v1alpha1\nkind: Namespace\nmetadata: {name: raced}\nspec: {type: HTTP}\n';

const w = daemonWorld();
const rows: Record<string, number>[] = [];

beforeEach(() => {
  for (let i = 0; i < FOLDERS; i++) mkdirSync(path.join(w.dir, `team-${i}`));
  writeFileSync(path.join(w.dir, 'raced.yaml'), CONTENT);
});

afterAll(() => {
  const sum = (k: string): number => rows.reduce((n, r) => n + (r[k] ?? 0), 0);
  reportRow({ test: 'prune-races', raceSeconds: (2 * RACE_MS) / 1000, racingChanges: sum('changes'), sourceReads: sum('reads'), deletions: sum('deletions') });
});

function deletions(): number {
  const ops = (service: 'ecs' | 'cloudmap', op: string): number => w.sim.calls().services[service]?.operations[op]?.calls ?? 0;
  return ops('cloudmap', 'DeleteNamespace') + ops('ecs', 'DeleteService') + ops('ecs', 'DeregisterTaskDefinition');
}

test('renaming a manifest away and back, or truncating and rewriting it, while the daemon reads never deletes what it declares', async () => {
  const file = path.join(w.dir, 'raced.yaml');
  w.daemon = await startDaemon(['--source', w.dir, '--endpoint-url', w.sim.url, '--prune', '--allow-empty']);
  await until('ready', async () => (await fetch(`${w.daemon?.url}/readyz`)).status === 200, 20_000);
  for (const kind of ['rename-flip', 'truncate-write'] as const) {
    const mutator = await startMutator({ kind, file, content: CONTENT });
    await new Promise((r) => setTimeout(r, RACE_MS));
    const changes = await mutator.stop();
    rmSync(`${file}.aside`, { force: true });
    writeFileSync(file, CONTENT);
    expect(changes).toBeGreaterThan(0);
    rows.push({ changes });
  }
  // Long enough for a pending removal to have been confirmed (2 s), had the file been gone.
  await new Promise((r) => setTimeout(r, 2500));
  const metrics = await (await fetch(`${w.daemon.url}/metrics`)).text();
  rows.push({ reads: Number(/switchboard_source_reads_total\{result="ok"\} (\d+)/.exec(metrics)?.[1] ?? 0), deletions: deletions() });
  w.daemon.child.kill('SIGTERM');
  expect(await w.daemon.exited).toBe(0);
  expect(deletions()).toBe(0);
}, 180_000);
