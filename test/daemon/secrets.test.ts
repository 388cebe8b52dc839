/**
 * No secret of the shared table (test/helpers/secrets.ts) appears in anything the daemon shows:
 * its logs (JSON and pretty), /status, the status file written next to the source, /metrics.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { leaks, SECRETS, secretsManifest } from '../helpers/secrets.js';
import { daemonWorld, startDaemon, until } from './helpers.js';

const w = daemonWorld();

function plant(version: 1 | 2): void {
  const tmp = path.join(w.dir, '.vault-app.yaml.tmp');
  writeFileSync(tmp, secretsManifest(version));
  renameSync(tmp, path.join(w.dir, 'vault-app.yaml'));
}

test.each([['json'], ['pretty']])('no secret appears in %s logs, /status, the status file or /metrics', async (format) => {
  plant(1);
  w.daemon = await startDaemon(['--source', w.dir, '--endpoint-url', w.sim.url, '--log-level', 'debug', '--status-to', 'source', '--log-format', format]);
  await until('ready', async () => (await fetch(`${w.daemon?.url}/readyz`)).status === 200);
  // A change of every value, so change sets carry old and new.
  plant(2);
  await until('the change recorded', async () => {
    const status = (await (await fetch(`${w.daemon?.url}/status`)).json()) as { resources: { key: string; lastChangeSet?: { revision: string } }[] };
    return status.resources.some((r) => r.key === 'TaskDefinition/vault-app' && r.lastChangeSet !== undefined);
  }, 20_000);
  const status = await (await fetch(`${w.daemon.url}/status`)).text();
  const outputs: Record<string, string> = {
    logs: w.daemon.lines.map((l) => JSON.stringify(l)).join('\n') + w.daemon.stdout(),
    stderr: w.daemon.stderr(),
    status,
    statusFile: readFileSync(path.join(w.dir, '.switchboard', 'status.json'), 'utf8'),
    metrics: await (await fetch(`${w.daemon.url}/metrics`)).text(),
  };
  for (const [what, text] of Object.entries(outputs)) expect({ what, leaks: leaks(text) }).toEqual({ what, leaks: [] });
  // The change set still says what changed, by name.
  for (const s of SECRETS.filter((x) => x.at === 'environment')) expect(status).toContain(s.name);
  w.daemon.child.kill('SIGTERM');
  expect(await w.daemon.exited).toBe(0);
}, 40_000);
