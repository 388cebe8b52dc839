/**
 * `switchboard import` as a command: selection, output to stdout or a folder, exit codes (0 done,
 * 1 AWS error with its request id, 2 usage), progress on stderr, and resources this controller
 * already owns.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runSwitchboard } from '../helpers/cli.js';
import { copyWalkthrough } from '../helpers/fs.js';
import { createRawFleet } from '../helpers/raw-fleet.js';
import { useSimWorld } from '../helpers/sim-world.js';
import { consoleWalkthrough } from './fleets.js';

const w = useSimWorld();

function importCli(...args: string[]) {
  return runSwitchboard(['import', ...args, '--endpoint-url', w.sim.url]);
}

test('usage errors exit 2 with one line and no stack trace', async () => {
  const noCluster = await importCli();
  expect(noCluster.code).toBe(2);
  expect(noCluster.stderr).toBe('switchboard import: no cluster given: pass --cluster NAME (repeat for several), e.g. switchboard import --cluster shop\n');
  expect(noCluster.stderr).not.toMatch(/\n\s+at /);

  const dir = path.join(w.dir, 'taken');
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'mine.yaml'), 'keep me\n');
  const taken = await importCli('--cluster', 'default', '-o', dir);
  expect(taken).toEqual({ code: 2, stdout: '', stderr: `switchboard import: output folder ${dir} is not empty: pass --force to write into it, or name an empty folder\n` });
  expect(w.sim.calls().totals.calls).toBe(0);
});

test('--force writes into a folder that is not empty, leaving other files alone', async () => {
  await createRawFleet(w.aws, consoleWalkthrough);
  const dir = path.join(w.dir, 'taken');
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'mine.yaml'), 'keep me\n');
  const run = await importCli('--cluster', 'default', '-o', dir, '--force');
  expect(run.code).toBe(0);
  expect(readdirSync(dir).sort()).toEqual(['clusters.yaml', 'mine.yaml', 'namespaces.yaml', 'services']);
  expect(readdirSync(path.join(dir, 'services')).sort()).toEqual(['curl.yaml', 'nginx.yaml']);
  expect(readFileSync(path.join(dir, 'mine.yaml'), 'utf8')).toBe('keep me\n');
});

test('what AWS does not have is an error naming it (exit 1)', async () => {
  await createRawFleet(w.aws, consoleWalkthrough);
  expect(await importCli('--cluster', 'nope')).toEqual({ code: 1, stdout: '', stderr: 'import failed: no ACTIVE cluster nope\n' });
  expect(await importCli('--cluster', 'default', '--service', 'nginx', '--service', 'gone')).toEqual({
    code: 1,
    stdout: '',
    stderr: 'import failed: no ACTIVE service gone in cluster default\n',
  });
  expect(await importCli('--cluster', 'default', '--namespace', 'elsewhere')).toEqual({ code: 1, stdout: '', stderr: 'import failed: no Cloud Map namespace elsewhere\n' });
});

test('an AWS error exits 1 naming the error and its request id', async () => {
  await createRawFleet(w.aws, consoleWalkthrough);
  w.sim.addFault({ operation: 'DescribeServices', effect: { type: 'error', errorType: 'AccessDeniedException', message: 'not authorized to perform ecs:DescribeServices' } });
  const run = await importCli('--cluster', 'default');
  expect(run.code).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/^import failed: ecs:DescribeServices failed: AccessDeniedException: not authorized to perform ecs:DescribeServices \(request id [0-9a-f-]{36}\)\n$/);
});

test('without -o, one multi-document YAML on stdout that validates; --service and --namespace select', async () => {
  await createRawFleet(w.aws, consoleWalkthrough);
  const all = await importCli('--cluster', 'default');
  expect(all.code).toBe(0);
  expect(all.stderr).toBe('import: wrote 2 services, 2 task definitions, 1 namespace, 1 cluster to stdout\n');
  expect(all.stdout.match(/^kind: .*/gm)).toEqual(['kind: Namespace', 'kind: Cluster', 'kind: TaskDefinition', 'kind: Service', 'kind: TaskDefinition', 'kind: Service']);
  // Without --adopt, resources no controller owns are written without the annotation.
  expect(all.stdout).not.toContain('switchboard.dev/adopt');
  const file = path.join(w.dir, 'all.yaml');
  writeFileSync(file, all.stdout);
  expect((await runSwitchboard(['validate', file])).code).toBe(0);

  const one = await importCli('--cluster', 'default', '--service', 'curl');
  expect(one.stdout.match(/^ {2}name: .*/gm)).toEqual(['  name: test-namespace', '  name: default', '  name: curl', '  name: curl']);

  const users = await importCli('--cluster', 'default', '--namespace', 'test-namespace');
  expect(users.stdout.match(/^kind: Service/gm)).toHaveLength(2);
});

test('a fleet this controller manages imports as it is and plans no change at all', async () => {
  const examples = path.join(w.dir, 'examples');
  copyWalkthrough(examples);
  expect((await runSwitchboard(['apply', '-f', examples, '--endpoint-url', w.sim.url, '--log-level', 'silent'])).code).toBe(0);
  const dir = path.join(w.dir, 'imported');
  const run = await importCli('--cluster', 'default', '--adopt', '-o', dir);
  expect(run.code).toBe(0);
  expect(readFileSync(path.join(dir, 'services', 'nginx.yaml'), 'utf8')).not.toContain('switchboard.dev/adopt');
  w.sim.resetCalls();
  const plan = await runSwitchboard(['plan', '-f', dir, '--endpoint-url', w.sim.url, '--log-level', 'silent']);
  expect({ code: plan.code, out: plan.stdout }).toEqual({ code: 0, out: expect.stringContaining('No changes.') as string });
});

test('a large cluster reports its progress on stderr', async () => {
  const services = Array.from({ length: 120 }, (_, i) => `svc-${String(i).padStart(3, '0')}`);
  await createRawFleet(w.aws, {
    clusters: [{ clusterName: 'big' }],
    taskDefinitions: [{ family: 'app', containerDefinitions: [{ name: 'app', image: 'busybox', memory: 64 }] }],
    services: services.map((serviceName) => ({ cluster: 'big', serviceName, taskDefinition: 'app', desiredCount: 1 })),
  });
  const run = await importCli('--cluster', 'big', '-o', path.join(w.dir, 'big'));
  expect(run.code).toBe(0);
  expect(run.stderr).toContain('import: services: 120/120\n');
  expect(run.stderr).toContain('import: wrote 121 files to');
  // ListServices by 100, DescribeServices by 10, the family described once.
  const ecs = w.sim.calls().services.ecs.operations;
  expect({ list: ecs.ListServices?.calls, describe: ecs.DescribeServices?.calls, td: ecs.DescribeTaskDefinition?.calls }).toEqual({ list: 2, describe: 12, td: 1 });
});
