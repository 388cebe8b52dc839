/**
 * The acceptance of `import`: import -> validate passes -> plan shows only adoption (ownership
 * tags) -> apply makes only tagging calls -> a second plan says "No changes.".
 */
import type { SimulatorHandle } from '../../src/simulator/index.js';
import { runSwitchboard, type CliRun } from './cli.js';

interface PlanJson {
  pending: boolean;
  resources: { key: string; outcome: string; reason: string; changes: { path: string }[]; steps: { op: string }[] }[];
}

/** What a round trip saw, for further assertions. */
export interface RoundTrip {
  imported: CliRun;
  /** The first plan's resources that change (adoption only). */
  adopted: PlanJson['resources'];
  /** Every write apply made, as `service:Operation` -> calls. */
  applyWrites: Record<string, number>;
}

const ADOPTION_STEPS = new Set(['tagEcs', 'tagCloudMap']);
const OWN_TAG = /^tags\.switchboard\.dev\//;

function writesOf(sim: SimulatorHandle): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [service, counts] of Object.entries(sim.calls().services)) {
    for (const [op, c] of Object.entries(counts.operations)) if (c.kind === 'write' && c.calls > 0) out[`${service}:${op}`] = c.calls;
  }
  return out;
}

/**
 * Runs the round trip on `dir` (which must not exist yet or be empty) and fails the test at the
 * first step that does not hold. `importArgs` select what to import (e.g. `--cluster shop`).
 */
export async function expectRoundTrip(sim: SimulatorHandle, dir: string, importArgs: readonly string[]): Promise<RoundTrip> {
  const aws = ['--endpoint-url', sim.url];
  const imported = await runSwitchboard(['import', ...importArgs, '--adopt', '-o', dir, ...aws]);
  expect({ code: imported.code, stderr: imported.stderr }).toEqual({ code: 0, stderr: expect.any(String) as string });

  const validate = await runSwitchboard(['validate', dir]);
  expect({ code: validate.code, out: validate.stdout }).toEqual({ code: 0, out: expect.stringMatching(/0 errors/) as string });

  const plan = await runSwitchboard(['plan', '-f', dir, '--output', 'json', '--log-level', 'silent', ...aws]);
  // Validation warnings (a secret-looking environment value) may be printed; errors may not.
  expect(plan.stderr).not.toMatch(/: error: /);
  const planned = JSON.parse(plan.stdout) as PlanJson;
  const changing = planned.resources.filter((r) => r.outcome !== 'unchanged');
  for (const r of changing) {
    // Adoption only: the ownership tags, nothing else.
    expect({ key: r.key, outcome: r.outcome, steps: r.steps.map((s) => s.op).filter((op) => !ADOPTION_STEPS.has(op)), changes: r.changes.map((c) => c.path).filter((p) => !OWN_TAG.test(p)) }).toEqual({
      key: r.key,
      outcome: 'update',
      steps: [],
      changes: [],
    });
  }

  sim.resetCalls();
  const apply = await runSwitchboard(['apply', '-f', dir, '--log-level', 'silent', ...aws]);
  expect({ code: apply.code, out: apply.stdout }).toEqual({ code: 0, out: expect.any(String) as string });
  const applyWrites = writesOf(sim);
  for (const op of Object.keys(applyWrites)) expect(op).toMatch(/^(ecs|cloudmap):TagResource$/);

  const again = await runSwitchboard(['plan', '-f', dir, '--log-level', 'silent', ...aws]);
  expect({ code: again.code, out: again.stdout }).toEqual({ code: 0, out: expect.stringContaining('No changes.') as string });
  return { imported, adopted: changing, applyWrites };
}
