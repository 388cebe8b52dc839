import { Command, CommanderError } from 'commander';
import { packageVersion } from './package-info.js';
import { registerApply } from './apply.js';
import { registerDemo } from './demo.js';
import { registerGraph } from './graph.js';
import { registerImport } from './import.js';
import { registerLogs } from './logs.js';
import { registerPlan } from './plan.js';
import { registerRun } from './run.js';
import { registerSimulator } from './simulator.js';
import { registerStatus } from './status.js';
import { registerValidate } from './validate.js';
import { usageLine, UsageError } from './usage.js';

/** Exit codes shared by every command. */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
} as const;

/** Builds the command tree; each command's action resolves to its exit code. */
export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command();
  program
    .name('switchboard')
    .description('A reconciling controller for Amazon ECS Service Connect.')
    .version(packageVersion, '-V, --version')
    .exitOverride()
    // Errors are printed by runCli, as one line naming the command.
    .configureOutput({ outputError: () => undefined });
  registerValidate(program, setExit);
  registerPlan(program, setExit);
  registerApply(program, setExit);
  registerImport(program, setExit);
  registerRun(program, setExit);
  registerDemo(program, setExit);
  registerSimulator(program, setExit);
  registerStatus(program, setExit);
  registerGraph(program, setExit);
  registerLogs(program, setExit);
  return program;
}

/** Runs the CLI for argv and returns the process exit code (usage errors print one line and are 2). */
export async function runCli(argv: readonly string[]): Promise<number> {
  let code: number = ExitCode.ok;
  const program = buildProgram((c) => {
    code = c;
  });
  let active: Command = program;
  program.hook('preSubcommand', (_program, sub) => {
    active = sub;
  });
  try {
    await program.parseAsync([...argv]);
  } catch (err) {
    if (err instanceof CommanderError && (err.code === 'commander.helpDisplayed' || err.code === 'commander.version')) return ExitCode.ok;
    // `switchboard` alone: commander has printed the help to stderr.
    if (err instanceof CommanderError && err.code === 'commander.help') return ExitCode.usage;
    if (err instanceof CommanderError || err instanceof UsageError) {
      process.stderr.write(`${usageLine(err, active)}\n`);
      return ExitCode.usage;
    }
    throw err;
  }
  return code;
}
