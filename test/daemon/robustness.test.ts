/**
 * `switchboard run` held up against what an unlucky operator meets: SIGHUP, a source that stops
 * reading, a file swapped for a FIFO mid-read. The built CLI in its own process, a directory
 * source, the embedded simulator as AWS.
 */
import { rmSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ListNamespacesCommand } from '@aws-sdk/client-servicediscovery';
import { clientsFor } from '../helpers/aws.js';
import { startMutator } from '../sources/mutator.js';
import { daemonWorld, startDaemon, until } from './helpers.js';

const w = daemonWorld();

async function readyz(): Promise<{ status: number; text: string }> {
  const res = await fetch(`${w.daemon?.url}/readyz`);
  return { status: res.status, text: await res.text() };
}

test('SIGHUP stops the daemon the way SIGTERM does: in-flight work finishes, exit 0', async () => {
  w.sim.setLatency({ fixedMs: 100 });
  w.daemon = await startDaemon(['--source', w.dir, '--endpoint-url', w.sim.url]);
  await until('the first write', () => w.sim.calls().mutatingCalls > 0);
  w.daemon.child.kill('SIGHUP');
  expect(await w.daemon.exited).toBe(0);
  expect(w.daemon.lines.some((l) => l.action === 'shutdown' && l.signal === 'SIGHUP')).toBe(true);
  expect(w.daemon.lines.some((l) => l.action === 'shutdown' && l.result === 'ok')).toBe(true);
}, 30_000);

test('/readyz turns 503 once the source has not read for three poll intervals, and 200 when it reads again', async () => {
  w.daemon = await startDaemon(['--source', w.dir, '--endpoint-url', w.sim.url, '--poll-interval', '200ms']);
  await until('ready', async () => (await readyz()).status === 200);
  // The folder goes away: every read fails from now on.
  const aside = `${w.dir}-aside`;
  renameSync(w.dir, aside);
  try {
    await until('not ready', async () => (await readyz()).status === 503, 10_000);
    expect((await readyz()).text).toMatch(/^not ready: no successful read of the source for \d+s \(limit 1s\)/);
    const metrics = await (await fetch(`${w.daemon.url}/metrics`)).text();
    expect(metrics).toMatch(/switchboard_source_reads_total\{result="failed"\} [1-9]/);
  } finally {
    renameSync(aside, w.dir);
  }
  await until('ready again', async () => (await readyz()).status === 200, 10_000);
  w.daemon.child.kill('SIGTERM');
  expect(await w.daemon.exited).toBe(0);
}, 40_000);

test('a file swapped for a FIFO while the daemon reads neither wedges the source nor keeps SIGTERM from ending the process', async () => {
  const raced = path.join(w.dir, 'raced.yaml');
  const content = 'apiVersion: switchboard.dev/v1alpha1\nkind: Namespace\nmetadata: {name: raced}\nspec: {type: HTTP}\n';
  writeFileSync(raced, content);
  w.daemon = await startDaemon(['--source', w.dir, '--endpoint-url', w.sim.url, '--poll-interval', '500ms', '--shutdown-timeout', '3s']);
  await until('ready', async () => (await readyz()).status === 200);
  const mutator = await startMutator({ kind: 'fifo-swap', file: raced, content });
  await new Promise((r) => setTimeout(r, 2000));
  await mutator.stop();
  for (const leftover of [raced, `${raced}.aside`, `${raced}.keep`]) rmSync(leftover, { force: true });
  writeFileSync(raced, content);
  // The source still reads: a change made now is picked up.
  writeFileSync(path.join(w.dir, 'late.yaml'), content.replace('raced', 'late'));
  const aws = clientsFor(w.sim.url);
  try {
    await until('the late namespace', async () => ((await aws.cloudMap.send(new ListNamespacesCommand({}))).Namespaces ?? []).some((n) => n.Name === 'late'), 15_000);
  } finally {
    aws.destroy();
  }
  const signalled = Date.now();
  w.daemon.child.kill('SIGTERM');
  expect(await w.daemon.exited).toBe(0);
  expect(Date.now() - signalled).toBeLessThan(10_000);
}, 60_000);
