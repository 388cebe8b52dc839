#!/usr/bin/env node
// Regenerates RELIABILITY.md from a real run of the reliability tests: the long forms (100-service
// fleet, every crash point) with their measured rows, plus the pass/fail of every test class.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import path from 'node:path';

const work = mkdtempSync(path.join(tmpdir(), 'switchboard-reliability-'));
const rowsFile = path.join(work, 'rows.jsonl');
const jsonFile = path.join(work, 'jest.json');

const CLASSES = [
  { name: 'Faults: throttling, 5xx, resets, lost answers; outage of one service', files: ['test/reliability/faults.test.ts'] },
  { name: 'Async failures: namespace operation FAIL, circuit breaker rollback', files: ['test/cli/apply-behaviour.test.ts', 'test/controller/controller.test.ts'], match: /FAIL|rollout|rolled back/ },
  { name: 'Quota and other terminal errors are not retried in a loop', files: ['test/controller/controller.test.ts'], match: /cannot fix|not retried in a loop/ },
  { name: 'Crashes: SIGKILL after each mutating call, restart', files: ['test/reliability/crash.test.ts'] },
  { name: 'SIGTERM mid-pass exits 0 with nothing half-applied', files: ['test/daemon/run.test.ts'], match: /SIGTERM/ },
  { name: 'Hostile and broken input', files: ['test/reliability/hostile.test.ts'] },
  { name: 'Property tests (fast-check)', files: ['test/reliability/properties.test.ts', 'test/reliability/import-round-trip.test.ts', 'test/reliability/directory-properties.test.ts'] },
  { name: 'Differential: validate flags exactly what the simulator refuses', files: ['test/reliability/differential.test.ts'] },
  { name: 'Lifecycle model-based test (fast-check commands) and its counterexamples', files: ['test/reliability/lifecycle.test.ts', 'test/reliability/lifecycle-regressions.test.ts'] },
  { name: 'Source races: files renamed, truncated, swapped for a FIFO or a sparse file mid-read; a misbehaving S3 endpoint', files: ['test/sources/directory-races.test.ts', 'test/sources/s3-races.test.ts', 'test/daemon/prune-races.test.ts'] },
  { name: 'Prune safety', files: ['test/cli/reconcile.test.ts', 'test/controller/controller.test.ts'], match: /prun|invalid manifest|half-written|incomplete|ownership|controller's resources|namespace is deleted/ },
  { name: 'One writer: lease takeover, standby, cut-off leader, apply waiting; leader changes under faults', files: ['test/lease/lease.test.ts', 'test/daemon/lease.test.ts', 'test/reliability/leader-changes.test.ts'] },
  { name: 'Security: IAM policy covers exactly the calls made', files: ['test/deploy/iam-policy.test.ts'] },
  { name: 'Security: no secret values in output, status, metrics', files: ['test/daemon/run.test.ts', 'test/cli/apply-behaviour.test.ts', 'test/daemon/secrets.test.ts', 'test/cli/secrets.test.ts'], match: /secret/ },
  { name: 'Security: control characters escaped and values bounded in every human-facing output', files: ['test/cli/terminal-injection.test.ts', 'test/observe/bounded-output.test.ts'] },
  { name: 'Security: non-root container, read-only loopback endpoints', files: ['test/deploy/dockerfile.test.ts', 'test/observe/http.test.ts'] },
];

// The lifecycle model test's long run (2,000 sequences) takes about half an hour on 2 CPUs. With
// RELIABILITY_LIFECYCLE=carry it is left out of this run and the figure measured by running it alone
// (which says so) is carried over from the current RELIABILITY.md; its regressions still run here.
const carryLifecycle = process.env.RELIABILITY_LIFECYCLE === 'carry';
const LIFECYCLE_LONG = 'test/reliability/lifecycle.test.ts';
const carriedLifecycleLine = carryLifecycle
  ? (existsSync('RELIABILITY.md') ? readFileSync('RELIABILITY.md', 'utf8') : '').split('\n').find((l) => l.startsWith('- **Lifecycle model-based test**') && l.includes('alone'))
  : undefined;
if (carryLifecycle && !carriedLifecycleLine) {
  process.stderr.write('RELIABILITY_LIFECYCLE=carry: RELIABILITY.md has no lifecycle figure measured alone to carry over\n');
  process.exit(2);
}
const files = [...new Set(CLASSES.flatMap((c) => c.files))].filter((f) => existsSync(f) && !(carryLifecycle && f === LIFECYCLE_LONG));
const started = Date.now();
const run = spawnSync(
  process.execPath,
  ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', 'node_modules/jest/bin/jest.js', '--runInBand', '--json', `--outputFile=${jsonFile}`, ...files],
  { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, RELIABILITY_REPORT: rowsFile, RELIABILITY_FLEET: '100', RELIABILITY_CRASH_ALL: '1', RELIABILITY_FULL: '1', RELIABILITY_LEADER_CHANGES: '100' } },
);
const seconds = Math.round((Date.now() - started) / 1000);
const jest = JSON.parse(readFileSync(jsonFile, 'utf8'));
const rows = existsSync(rowsFile) ? readFileSync(rowsFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];

const results = new Map();
for (const suite of jest.testResults) {
  const rel = path.relative(process.cwd(), suite.name);
  results.set(rel, suite.assertionResults);
}

const lines = [];
lines.push('# Reliability report', '');
lines.push(`Regenerated by \`npm run reliability\` (${new Date().toISOString().slice(0, 10)}, ${cpus().length} CPUs, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${seconds} s).` + (carriedLifecycleLine ? ' The lifecycle model test\'s long run was measured on its own, as its line says.' : ''));
lines.push('The ordinary `npm test` runs the same tests in a short form (a 30-service fleet, every third crash point, 2 leader changes, 20 reads per source race, 60 misbehaving S3 reads, 4 s of prune races, 25 directory property runs).', '');
lines.push('| class | tests | passed | failed |', '|---|---:|---:|---:|');
for (const c of CLASSES) {
  const tests = c.files.flatMap((f) => (results.get(f) ?? []).filter((t) => !c.match || c.match.test(t.fullName)));
  const passed = tests.filter((t) => t.status === 'passed').length;
  lines.push(`| ${c.name} | ${tests.length} | ${passed} | ${tests.length - passed} |`);
}
lines.push('', '## Measured', '');
const row = (name) => rows.find((r) => r.test === name);
const examples = row('faults-examples');
if (examples) {
  lines.push(`- **Examples under faults** (30% ThrottlingException, 5% 5xx, 3% connection resets, 2% lost answers, seed 7): converged in ${examples.faultyMs} ms against ${examples.faultFreeMs} ms fault-free (${(examples.faultyMs / examples.faultFreeMs).toFixed(1)}x); ${examples.faultsInjected} faults and ${examples.throttled} throttles injected over ${examples.calls} calls; no duplicate service, namespace or revision. The slowdown is the SDK's standard backoff on throttling (500 ms base, doubling, full jitter): a few consecutive throttles of one call on the critical path (namespace, log groups, task definitions, servers, clients) cost seconds.`);
}
for (const r of rows.filter((x) => String(x.test).startsWith('faults-fleet-'))) {
  lines.push(`- **${String(r.test).slice('faults-fleet-'.length)}-service fleet under the same faults**: converged in ${r.faultyMs} ms; ${r.faultsInjected} faults and ${r.throttled} throttles over ${r.calls} calls; every family has exactly one revision, every cluster exactly its services.`);
}
const outage = row('outage-cloudmap');
if (outage) {
  lines.push(`- **Cloud Map outage** (${outage.outageMs} ms of 100% 5xx on its calls): task definitions and log groups converged meanwhile; the namespace was attempted ${outage.namespaceAttempts} times (backoff from 100 ms doubling to 800 ms), ${outage.listNamespacesCalls} ListNamespaces calls in all; everything converged after recovery.`);
}
const crash = row('crash-points');
if (crash) {
  lines.push(`- **Crash points**: a cold converge of the walkthrough makes ${crash.writesInColdConverge} mutating calls; the daemon was SIGKILLed right after each of ${crash.crashPointsTried} of them in turn and restarted: it converged every time, with no duplicate and no deletion.`);
}
const differential = row('differential');
if (differential) {
  lines.push(`- **Differential** (seed ${differential.seed}): ${differential.cases} generated manifests over ${differential.mutations} mutations of a valid set, ${differential.flagged} of them invalid; \`validate\` and the simulator disagreed on ${differential.disagreements}.`);
}
const dirRaces = row('directory-races');
if (dirRaces) {
  lines.push(`- **Directory races**: ${dirRaces.reads} reads of a folder with ${dirRaces.foldersBesideTheFile} subfolders while another process made ${dirRaces.racingChanges} changes to one manifest (renamed away and back, truncated and rewritten, swapped for a FIFO, swapped for a 64 MiB sparse file); ${dirRaces.failedReads ?? 0} reads failed by their own time bound (safe: nothing is emitted): ${dirRaces.wrongCompleteReads} complete reads without the file or with it empty, ${dirRaces.hungReads} hung reads, ${dirRaces.oversizedReads} reads past the size limit.`);
}
const pruneRaces = row('prune-races');
if (pruneRaces) {
  lines.push(`- **Prune under races**: \`run --prune\` next to 300 folders for ${pruneRaces.raceSeconds} s while a manifest was renamed away and back, then truncated and rewritten (${pruneRaces.racingChanges} changes, ${pruneRaces.sourceReads} source reads): ${pruneRaces.deletions} wrong deletions.`);
}
const s3Races = row('s3-races');
if (s3Races) {
  lines.push(`- **Misbehaving S3** (seed ${s3Races.seed}): ${s3Races.reads} reads through the SDK against truncated listings without a token (${s3Races.truncatedWithoutToken ?? 0}), HTML 200 pages (${s3Races.htmlPage ?? 0}), KeyCount mismatches (${s3Races.keyCountMismatch ?? 0}), repeated tokens (${s3Races.repeatedToken ?? 0}), 500s (${s3Races.serverError ?? 0}) and objects grown past the limit (${s3Races.objectGrown ?? 0}): ${s3Races.failed} reads failed, ${s3Races.incomplete} were incomplete and ${s3Races.complete} complete, of which ${s3Races.wrongCompleteReads} lacked an object; ${s3Races.oversizedReads} read past the limit.`);
}
const dirProp = row('directory-property');
if (dirProp) {
  lines.push(`- **Directory property** (seed ${dirProp.seed}): ${dirProp.runs} random interleavings of writes, renames, truncations and deletions with reads (${dirProp.completeReads} complete and ${dirProp.incompleteReads} incomplete reads): no complete read lacked a file that existed throughout, and two settled reads always showed exactly what was on disk.`);
}
const leaders = row('leader-changes');
if (leaders) {
  lines.push(`- **Leader changes**: ${leaders.changes} leader changes (${leaders.kills} leaders SIGKILLed, ${leaders.cutOffs} cut off from S3) among controllers on one S3 source, with random faults on every AWS call (${leaders.faults} faults and throttles) and out-of-band drift for whoever leads to correct, in ${leaders.seconds} s: ${leaders.writes} reconcile writes by ${leaders.writers} successive leaders, and ${leaders.secondsWithTwoWriters} seconds in which two controllers wrote (from the simulator's call log, per access key).`);
}
const lifecycle = row('lifecycle');
if (carriedLifecycleLine) {
  lines.push(carriedLifecycleLine);
} else if (lifecycle) {
  lines.push(`- **Lifecycle model-based test** (seed ${lifecycle.seed}): ${lifecycle.sequences} random command sequences (${lifecycle.commands} commands: manifest add / edit / remove / re-add, renames, cluster settings and default strategy, Service Connect on and off, client-only <-> client-server, launch type <-> capacity provider, namespaces removed while in use, task definitions that call services, another writer's UpdateService, DeleteService, DeregisterTaskDefinition and DeleteLogGroup, rollout failures, failed creations, restarts, passes under throttling, 5xx, resets and lost answers) and ${lifecycle.passes} reconcile passes in ${lifecycle.seconds} s; ${lifecycle.violations} invariant violations (after every pass: no duplicate, nothing deleted that is in use or not owned, every reported created / configured / deleted true of the simulator; after the last command: converged within two passes or stalled for the cause the model expects, then a pass with zero writes). Every counterexample found is kept as a fixed sequence in test/reliability/lifecycle-regressions.test.ts.`);
}
for (const r of rows.filter((x) => x.test === 'hostile' || x.test === 'properties' || x.test === 'import-properties')) {
  lines.push(`- **${r.test}**: ${Object.entries(r).filter(([k]) => k !== 'test').map(([k, v]) => `${k} ${v}`).join(', ')}.`);
}
lines.push('', `Overall: ${jest.numPassedTests} passed, ${jest.numFailedTests} failed.`, '');
writeFileSync('RELIABILITY.md', `${lines.join('\n')}\n`);
rmSync(work, { recursive: true, force: true });
process.stdout.write(`RELIABILITY.md written: ${jest.numPassedTests} passed, ${jest.numFailedTests} failed\n`);
process.exitCode = run.status ?? 1;
