import { Option, type Command } from 'commander';
import { formatPlanJson, formatPlanText, planHasPending } from '../observe/plan-output.js';
import { addAwsFlags, addFilenameFlag, addPruneFlags, type AwsFlags } from './common.js';
import type { PruneFlags } from './reconcile-command.js';

interface PlanFlags extends AwsFlags, PruneFlags {
  filename: string[];
  output: 'text' | 'json';
  verbose: boolean;
}

/** Registers `switchboard plan -f PATH`: exit 0 when nothing would change, 2 when changes are pending, 1 on error. */
export function registerPlan(program: Command, setExit: (code: number) => void): void {
  const cmd = addFilenameFlag(program.command('plan'))
    .description('Show what apply would change, with field-level differences (read-only AWS calls).')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('-v, --verbose', 'also list unchanged resources', false);
  addPruneFlags(addAwsFlags(cmd)).action(async (flags: PlanFlags) => {
    // Loaded here, not at start-up: the AWS SDK is only needed by the commands that call AWS.
    const { openSession } = await import('./reconcile-command.js');
    const { planPass } = await import('../reconcile/engine.js');
    const session = await openSession(flags.filename, flags);
    if (!session) {
      setExit(1);
      return;
    }
    try {
      const { plan } = await planPass(session.loaded.resources, session.ports, session.state, session.passOptions);
      process.stdout.write(
        flags.output === 'json' ? formatPlanJson(plan) : formatPlanText(plan, { color: process.stdout.isTTY === true, verbose: flags.verbose }),
      );
      // Live state that could not be read is an error, not a pending change.
      setExit(plan.resources.some((r) => r.error) ? 1 : planHasPending(plan) ? 2 : 0);
    } catch (err) {
      process.stderr.write(`plan failed: ${err instanceof Error ? err.message : String(err)}\n`);
      setExit(1);
    } finally {
      session.ports.close();
    }
  });
}
