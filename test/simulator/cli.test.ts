import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { runCli } from '../../src/cli/program.js';
import { parseLatency, runSimulator, type SimulatorFlags } from '../../src/cli/simulator.js';
import { clientConfig, startTestSimulator } from './helpers.js';

const flags: SimulatorFlags = { port: 0, host: '127.0.0.1', timeScale: 50, throttling: true, accountId: '210987654321' };

test('the simulator command serves AWS calls until stopped, then exits 0', async () => {
  const stop = new AbortController();
  const lines: string[] = [];
  const running = runSimulator(flags, stop.signal, (l) => lines.push(l), (l) => lines.push(l));
  const url = await new Promise<string>((resolve) => {
    const poll = setInterval(() => {
      const m = /listening on (http:\/\/\S+)/.exec(lines.join('\n'));
      if (m?.[1]) {
        clearInterval(poll);
        resolve(m[1]);
      }
    }, 5);
  });
  const ecs = new ECSClient(clientConfig(url));
  try {
    const out = await ecs.send(new ListClustersCommand({}));
    expect(out.clusterArns).toEqual([]);
  } finally {
    ecs.destroy();
  }
  stop.abort();
  expect(await running).toBe(0);
  expect(lines).toContain('simulator stopped');
});

test('a port already in use makes the command fail with exit code 1', async () => {
  const taken = await startTestSimulator();
  const errors: string[] = [];
  try {
    const code = await runSimulator({ ...flags, port: taken.port }, new AbortController().signal, () => undefined, (l) => errors.push(l));
    expect(code).toBe(1);
    expect(errors.join('\n')).toMatch(/cannot start/);
  } finally {
    await taken.close();
  }
});

test('an invalid time scale is a usage error', async () => {
  const write = process.stderr.write;
  process.stderr.write = () => true;
  try {
    expect(await runCli(['node', 'switchboard', 'simulator', '--time-scale', '0'])).toBe(2);
  } finally {
    process.stderr.write = write;
  }
});

test('--latency takes a fixed delay and an optional jitter in milliseconds', () => {
  expect(parseLatency('20')).toEqual({ fixedMs: 20, jitterMs: 0 });
  expect(parseLatency('20,10')).toEqual({ fixedMs: 20, jitterMs: 10 });
  expect(() => parseLatency('fast')).toThrow(/FIXED/);
});
