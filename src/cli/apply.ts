import { Option, type Command } from 'commander';
import { formatApplyJson, formatApplyText } from '../observe/plan-output.js';
import { RolloutProgressView } from '../observe/rollout-progress.js';
import type { RolloutProgress } from '../reconcile/apply.js';
import { addAwsFlags, addFilenameFlag, addPruneFlags, parseDurationFlag, type AwsFlags } from './common.js';
import type { PruneFlags } from './reconcile-command.js';

interface ApplyFlags extends AwsFlags, PruneFlags {
  filename: string[];
  output: 'text' | 'json';
  verbose: boolean;
  allowReplace: boolean;
  wait: boolean;
  lease?: string;
  leaseTimeout: number;
}

/** Registers `switchboard apply -f PATH`: exit 0 when everything converged, 1 if anything failed or needs attention. */
export function registerApply(program: Command, setExit: (code: number) => void): void {
  const cmd = addFilenameFlag(program.command('apply'))
    .description('Converge AWS to the manifests and print the outcome per resource.')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--allow-replace', 'recreate services whose changes AWS cannot make in place', false)
    .option('--wait', 'wait until every changed service has rolled out, showing each rollout\'s progress on stderr', false)
    .option('-v, --verbose', 'also list unchanged resources', false)
    .option('--lease <s3://bucket/key|s3://bucket/prefix/>', 'take this lease first (the one `run` holds), so apply never writes alongside a running controller')
    .addOption(new Option('--lease-timeout <duration>', 'how long to wait for the lease before giving up').argParser(parseDurationFlag).default(30_000, '30s'));
  addPruneFlags(addAwsFlags(cmd)).action(async (flags: ApplyFlags) => {
    // Loaded here, not at start-up: the AWS SDK is only needed by the commands that call AWS.
    const { openSession } = await import('./reconcile-command.js');
    const { applyPass } = await import('../reconcile/engine.js');
    const { takeLeaseForApply } = await import('./apply-lease.js');
    const lease = await takeLeaseForApply(flags);
    const session = await openSession(flags.filename, flags, lease?.gate);
    // With --wait, every rollout shows its progress (without, the report alone is the output).
    const progress = new RolloutProgressView({ stream: process.stderr, tty: process.stderr.isTTY === true });
    try {
      if (!session) {
        setExit(1);
        return;
      }
      if (lease !== undefined && !(await lease.acquire())) {
        setExit(1);
        return;
      }
      const { plan, result } = await applyPass(session.loaded.resources, session.ports, session.state, {
        ...session.passOptions,
        logger: session.logger,
        wait: flags.wait,
        ...(flags.wait ? { onRolloutProgress: (p: RolloutProgress) => progress.update(p) } : {}),
      });
      progress.close();
      process.stdout.write(
        flags.output === 'json' ? formatApplyJson(plan, result) : formatApplyText(plan, result, { color: process.stdout.isTTY === true, verbose: flags.verbose }),
      );
      setExit(result.ok ? 0 : 1);
    } catch (err) {
      process.stderr.write(`apply failed: ${err instanceof Error ? err.message : String(err)}\n`);
      setExit(1);
    } finally {
      progress.close();
      session?.ports.close();
      await lease?.finish();
    }
  });
}
