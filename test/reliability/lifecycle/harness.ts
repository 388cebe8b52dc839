/**
 * The system under test of the lifecycle property test: the reconcile engine (as the daemon runs
 * it: one process memory across passes, prune on, no waiting) against the simulator through the
 * real SDK clients, with the manifests of a world as its source. Each pass is recorded with the
 * simulator's state before and after, the writes it made and what the engine reported.
 */
import { connectAws } from '../../../src/aws/index.js';
import type { DesiredResource } from '../../../src/manifests/model.js';
import { validateSnapshot } from '../../../src/manifests/validate.js';
import { silentLogger } from '../../../src/observe/logger.js';
import type { ResourceResult } from '../../../src/reconcile/apply.js';
import { ReconcileState } from '../../../src/reconcile/state.js';
import { applyPass, planPass, type PassOptions } from '../../../src/reconcile/engine.js';
import { isChange, type ResourcePlan } from '../../../src/reconcile/plan-types.js';
import type { AwsPorts } from '../../../src/reconcile/ports.js';
import type { RandomFaults, SimState, SimulatorHandle } from '../../../src/simulator/index.js';
import { manifestText, type World } from './world.js';

export const CONTROLLER = 'switchboard';

const passOptions: PassOptions = {
  controllerId: CONTROLLER,
  defaultCluster: 'default',
  prune: true,
  allowReplace: false,
  allowEmpty: false,
  maxPrune: 10,
  sourceHealthy: true,
  concurrency: 4,
  // Every pass here is a resync: it re-checks the revisions and log groups out-of-band commands
  // may have removed (the daemon does so once per resync interval).
  verifyAssumed: true,
};
const waits = { intervalMs: 2, maxIntervalMs: 10, timeoutMs: 5_000 };

/** One reconcile pass as observed from outside. */
export interface PassRecord {
  label: string;
  before: SimState;
  after: SimState;
  /** Calls to mutating operations during the pass (whatever their outcome). */
  writes: number;
  results: ResourceResult[];
  /** The world the pass reconciled towards. */
  world: World;
}

/** The manifests of a world through the real validator; generated manifests must be valid. */
export function load(world: World): DesiredResource[] {
  const text = manifestText(world);
  const result = validateSnapshot([{ path: 'lifecycle.yaml', content: Buffer.from(text) }]);
  const errors = result.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) throw new Error(`generated manifests are invalid:\n${errors.map((p) => `${p.line}:${p.column} ${p.resource ?? ''} ${p.path ?? ''}: ${p.message}`).join('\n')}\n---\n${text}`);
  return result.resources;
}

/** The engine on one simulator; `restart()` models a new process (its memory lost). */
export class Harness {
  private state = new ReconcileState();
  /** Passes run so far (records are not kept: a long run makes tens of thousands). */
  passCount = 0;

  private constructor(
    readonly sim: SimulatorHandle,
    readonly ports: AwsPorts & { close(): void },
  ) {}

  static async start(sim: SimulatorHandle): Promise<Harness> {
    return new Harness(sim, await connectAws({ endpoint: sim.url, region: 'us-east-1' }));
  }

  close(): void {
    this.ports.close();
  }

  /** A new process: nothing remembered between passes survives. */
  restart(): void {
    this.state = new ReconcileState();
  }

  /** One pass towards `world`, with random faults on its AWS calls when given. */
  async pass(world: World, label: string, faults?: RandomFaults): Promise<PassRecord> {
    const desired = load(world);
    const before = this.sim.dumpState();
    const writesBefore = this.sim.calls().mutatingCalls;
    if (faults) this.sim.setFaults(faults);
    let results: ResourceResult[];
    try {
      const { result } = await applyPass(desired, this.ports, this.state, { ...passOptions, logger: silentLogger(), wait: false, waits });
      results = result.results;
    } finally {
      if (faults) this.sim.setFaults({ rates: { serverError: 0, throttling: 0, reset: 0, slow: 0, lostResponse: 0 } });
    }
    const record: PassRecord = { label, before, after: this.sim.dumpState(), writes: this.sim.calls().mutatingCalls - writesBefore, results, world };
    this.passCount++;
    return record;
  }

  /**
   * Lets the simulated time run until what AWS was doing is done (drains, rollouts, namespace
   * operations), as it would be by the daemon's next pass; bounded.
   */
  async settle(): Promise<void> {
    const deadline = Date.now() + 2_000;
    while (Date.now() < deadline) {
      const r = this.sim.dumpState().regions['us-east-1'];
      if (!r) return;
      const busy =
        Object.values(r.ecs.services).some((byName) => Object.values(byName).some((s) => s.status === 'DRAINING' || s.deployments.some((d) => d.status === 'PRIMARY' && d.rolloutState === 'IN_PROGRESS'))) ||
        Object.values(r.cloudmap.operations).some((op) => !op.applied);
      if (!busy) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** What a plan towards `world` would still change (read calls only). */
  async pending(world: World): Promise<ResourcePlan[]> {
    const { plan } = await planPass(load(world), this.ports, this.state, passOptions);
    return plan.resources.filter((r) => isChange(r) || r.steps.length > 0);
  }
}
