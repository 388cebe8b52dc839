import type { Command } from 'commander';

/** Registers `switchboard validate PATH...` (placeholder wiring; the validator lands with the manifest module). */
export function registerValidate(program: Command, setExit: (code: number) => void): void {
  program
    .command('validate')
    .description('Validate manifests offline (no AWS calls).')
    .argument('<paths...>', 'files or folders of *.yaml / *.yml manifests')
    .action(() => {
      process.stderr.write('validate: not implemented yet\n');
      setExit(1);
    });
}
