/**
 * Small things a new user meets in the first hour: help text, counts that add up, wording, and a
 * demo that cleans up after itself.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describePassCounts } from '../../src/observe/pass.js';
import { runSwitchboard } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { WalkthroughWorld } from '../helpers/walkthrough.js';
import { until } from '../daemon/helpers.js';

describe('against the simulator', () => {
  const w = WalkthroughWorld.perTest();

  test('a missing log group names the task definitions that need it', async () => {
    const plan = await w.cli('plan');
    expect(plan.stdout).toContain('+ LogGroup//ecs/nginx  create: log group /ecs/nginx does not exist; needed by TaskDefinition/nginx');
    expect(plan.stdout).not.toContain('write to it');
  });
});

test('logs --help shows its --since default as a duration', async () => {
  const help = await runSwitchboard(['logs', '--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/--since <when> .*\(default: 1h\)/s);
  expect(help.stdout).not.toContain('agoMs');
});

test('pass counts add up: log groups are counted and named apart from the resources', () => {
  const r = (key: string, outcome: 'configured' | 'unchanged' | 'failed') => ({ key, outcome });
  expect(describePassCounts([r('Service/a', 'unchanged'), r('Cluster/b', 'unchanged'), r('TaskDefinition/a', 'unchanged'), r('Namespace/n', 'unchanged'), r('LogGroup//ecs/a', 'configured')])).toBe(
    '4 resources and 1 log group: 1 configured, 4 unchanged',
  );
  expect(describePassCounts([r('Service/a', 'failed')])).toBe('1 resource: 1 failed');
  expect(describePassCounts([])).toBe('0 resources: nothing to do');
});

test('the demo points its copies at the installed schema and removes its temporary folder on exit', async () => {
  const port = await freePort();
  const child = spawn(process.execPath, [path.resolve('dist/main.js'), 'demo', '--listen', `127.0.0.1:${port}`, '--time-scale', '50'], {
    env: { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_REGION: '' },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    await until('the demo printing its folder', () => /manifests: +(\S+)/.test(out), 30_000);
    const dir = /manifests: +(\S+)/.exec(out)?.[1] ?? '';
    const modeline = /# yaml-language-server: \$schema=(.+)/.exec(readFileSync(path.join(dir, 'nginx.yaml'), 'utf8'))?.[1] ?? '';
    expect(path.isAbsolute(modeline)).toBe(true);
    expect(existsSync(modeline)).toBe(true);
    expect(path.resolve(modeline)).toBe(path.resolve('schemas/manifest.schema.json'));
    await until('the demo ready', async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200, 30_000);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(existsSync(dir)).toBe(false);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}, 60_000);
