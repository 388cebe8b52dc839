/** Rollout progress as `apply --wait` shows it: redrawn on a terminal, one line per change elsewhere. */
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import type { RolloutProgress } from '../../src/reconcile/apply.js';
import { RolloutProgressView } from '../../src/observe/rollout-progress.js';
import { runSwitchboard } from '../helpers/cli.js';
import { copyWalkthrough, tempDir } from '../helpers/fs.js';

function sink(): { text: () => string; write: (s: string) => boolean } {
  const chunks: string[] = [];
  return { text: () => chunks.join(''), write: (s: string) => chunks.push(s) > 0 };
}

const poll = (key: string, rolloutState: string, running: number, desired: number, extra: Partial<RolloutProgress> = {}): RolloutProgress => ({
  key,
  rolloutState,
  running,
  desired,
  done: false,
  elapsedMs: 2000,
  ...extra,
});

test('off a terminal, a line is printed only when a service\'s state changes', () => {
  const out = sink();
  const view = new RolloutProgressView({ stream: out, tty: false });
  view.update(poll('Service/web', 'IN_PROGRESS', 0, 2));
  view.update(poll('Service/web', 'IN_PROGRESS', 0, 2));
  view.update(poll('Service/api', 'IN_PROGRESS', 1, 1));
  view.update(poll('Service/web', 'IN_PROGRESS', 1, 2));
  view.update(poll('Service/web', 'COMPLETED', 2, 2, { done: true, elapsedMs: 8000 }));
  view.update(poll('Service/api', 'FAILED', 0, 1, { done: true, failed: 'deployment failed (circuit breaker)' }));
  view.close();
  expect(out.text().split('\n')).toEqual([
    'Service/web: IN_PROGRESS, 0/2 running (2s)',
    'Service/api: IN_PROGRESS, 1/1 running (2s)',
    'Service/web: IN_PROGRESS, 1/2 running (2s)',
    'Service/web: rolled out, 2/2 running (8s)',
    'Service/api: failed: deployment failed (circuit breaker) (2s)',
    '',
  ]);
});

test('on a terminal, one line per service is drawn at once, redrawn in place every interval, and left final on close', () => {
  const out = sink();
  const ticks: (() => void)[] = [];
  let stopped = false;
  const view = new RolloutProgressView({
    stream: out,
    tty: true,
    intervalMs: 3000,
    every: (ms, tick) => {
      expect(ms).toBe(3000);
      ticks.push(tick);
      return () => {
        stopped = true;
      };
    },
  });
  view.update(poll('Service/web', 'IN_PROGRESS', 0, 2));
  expect(out.text()).toBe('\x1b[2K  Service/web  IN_PROGRESS, 0/2 running  2s\n');
  view.update(poll('Service/api', 'IN_PROGRESS', 0, 1));
  view.update(poll('Service/web', 'IN_PROGRESS', 1, 2));
  // Polls between two intervals draw nothing.
  expect(out.text().split('\n')).toHaveLength(2);
  ticks[0]?.();
  expect(out.text().endsWith('\x1b[1F\x1b[2K  Service/web  IN_PROGRESS, 1/2 running  2s\n\x1b[2K  Service/api  IN_PROGRESS, 0/1 running  2s\n')).toBe(true);
  view.update(poll('Service/web', 'COMPLETED', 2, 2, { done: true }));
  view.close();
  expect(stopped).toBe(true);
  expect(out.text().endsWith('\x1b[2F\x1b[2K  Service/web  rolled out, 2/2 running  2s\n\x1b[2K  Service/api  IN_PROGRESS, 0/1 running  2s\n')).toBe(true);
  expect(ticks).toHaveLength(1);
});

test('a failure reason with control characters (an echoed command, an image name) is printed escaped, on one line', () => {
  const hostile = 'exec: "x\nFORGED\u001b]0;pwned\u0007\u001b[2J": not found';
  for (const tty of [false, true]) {
    const out = sink();
    const view = new RolloutProgressView({ stream: out, tty, every: () => () => undefined });
    view.update(poll('Service/web', 'FAILED', 0, 1, { done: true, failed: `deployment failed: ${hostile}` }));
    view.close();
    // Without the view's own redraw sequences (clear line, one line up), no control character but line ends remains.
    const text = out.text().split('\x1b[2K').join('').split('\x1b[1F').join('');
    expect(text).toContain('x\\nFORGED\\x1b]0;pwned\\x07\\x1b[2J');
    expect([...text].filter((c) => c !== '\n' && (c < ' ' || c === '\u007f'))).toEqual([]);
    expect(text.trimEnd().split('\n')).toHaveLength(tty ? 2 : 1);
  }
});

describe('apply --wait', () => {
  let sim: SimulatorHandle;
  let dir: string;
  let cleanup: () => void;

  beforeEach(async () => {
    // Rollouts take about a second at this scale, so the first polls see them in progress.
    sim = await startSimulator({ timeScale: 4 });
    ({ dir, cleanup } = tempDir());
    copyWalkthrough(dir);
  });

  afterEach(async () => {
    await sim.close();
    cleanup();
  });

  test('prints each rollout\'s progress on stderr, one line per state change, and the report on stdout', async () => {
    const apply = await runSwitchboard(['apply', '-f', dir, '--endpoint-url', sim.url, '--wait']);
    expect(apply.code).toBe(0);
    const lines = apply.stderr.trimEnd().split('\n');
    for (const service of ['nginx', 'curl']) {
      const mine = lines.filter((l) => l.startsWith(`Service/${service}: `));
      expect(mine[0]).toMatch(new RegExp(`^Service/${service}: IN_PROGRESS, \\d/1 running \\(\\d+s\\)$`));
      expect(mine[mine.length - 1]).toMatch(new RegExp(`^Service/${service}: rolled out, 1/1 running \\(\\d+s\\)$`));
      expect(new Set(mine).size).toBe(mine.length);
    }
    expect(apply.stdout).toMatch(/^Apply: \d+ created, 0 configured/m);
    expect(apply.stdout).not.toContain('running');
  }, 60_000);
});
