import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { DEFAULT_LIMITS } from '../manifests/decode.js';
import { compareProblems } from '../manifests/problems.js';
import { formatJson, formatText } from '../manifests/report.js';
import { validateSnapshot } from '../manifests/validate.js';
import { collectFiles } from '../manifests/walk.js';

interface ValidateOptions {
  output: 'text' | 'json';
  maxFileSize: number;
}

function parseBytes(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive whole number of bytes.');
  return n;
}

/** Registers `switchboard validate PATH...`: offline validation; exit 0 when valid (warnings allowed), 1 on any error. */
export function registerValidate(program: Command, setExit: (code: number) => void): void {
  program
    .command('validate')
    .description('Validate manifests offline (no AWS calls): schemas, references between manifests, Service Connect rules.')
    .argument('<paths...>', 'files or folders of *.yaml / *.yml manifests (folders are read recursively)')
    .addOption(new Option('-o, --output <format>', 'report format').choices(['text', 'json']).default('text'))
    .option('--max-file-size <bytes>', 'largest manifest file accepted', parseBytes, DEFAULT_LIMITS.maxFileSize)
    .action(async (paths: string[], options: ValidateOptions) => {
      const limits = { ...DEFAULT_LIMITS, maxFileSize: options.maxFileSize };
      const collected = await collectFiles(paths, limits);
      const result = validateSnapshot(collected.files, limits);
      const problems = [...collected.problems, ...result.problems].sort(compareProblems);
      const summary = { files: collected.files.length + collected.problems.filter((p) => p.code === 'file-too-large').length, resources: result.resources.length };
      process.stdout.write(options.output === 'json' ? formatJson(problems, summary) : formatText(problems, summary));
      setExit(problems.some((p) => p.severity === 'error') ? 1 : 0);
    });
}
