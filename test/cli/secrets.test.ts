/**
 * No secret of the shared table (test/helpers/secrets.ts) appears in what plan and apply print,
 * as text or JSON, nor in their logs; the names of what changed still do.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CliRun } from '../helpers/cli.js';
import { leaks, SECRETS, secretsManifest } from '../helpers/secrets.js';
import { WalkthroughWorld } from '../helpers/walkthrough.js';

const w = WalkthroughWorld.perTest();

test('no secret appears in plan or apply output, text or JSON, or in their logs, and the changed names do', async () => {
  const plant = (version: 1 | 2): void => writeFileSync(path.join(w.dir, 'vault-app.yaml'), secretsManifest(version));
  const runs: [string, CliRun][] = [];
  const run = async (what: string, cmd: 'plan' | 'apply', ...extra: string[]): Promise<CliRun> => {
    const r = await w.cli(cmd, '--log-level', 'debug', ...extra);
    runs.push([what, r]);
    return r;
  };
  plant(1);
  await run('plan from empty', 'plan');
  await run('plan from empty, JSON', 'plan', '--output', 'json');
  expect((await run('apply from empty', 'apply')).code).toBe(0);
  plant(2);
  const planText = await run('plan of a change', 'plan');
  await run('plan of a change, JSON', 'plan', '--output', 'json');
  expect((await run('apply of a change, JSON', 'apply', '--output', 'json')).code).toBe(0);
  plant(1);
  expect((await run('apply of a change back', 'apply')).code).toBe(0);

  for (const [what, r] of runs) expect({ what, leaks: leaks(r.stdout + r.stderr) }).toEqual({ what, leaks: [] });
  for (const s of SECRETS) expect(planText.stdout).toContain(s.name);
}, 60_000);
