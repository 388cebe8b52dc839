#!/usr/bin/env node
/** The `switchboard` executable: parse argv, run one command, exit with its code. */
import { runCli } from './cli/program.js';

runCli(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`switchboard: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
