#!/usr/bin/env -S node --max-semi-space-size=4
/**
 * The `switchboard` executable: parse argv, run one command, exit with its code.
 *
 * The `#!` line caps V8's young generation at 2 x 4 MB (the default grows to 2 x 16 MB, which the
 * controller's passes fill and keep resident): about 25 MB less resident memory, for a few percent
 * more CPU per pass. It applies when the file is run as the `switchboard` executable (npm's bin
 * link, the container's entrypoint); `node dist/main.js` does not read it. `env -S` splits the
 * line (GNU coreutils 8.30+, BSD and macOS env).
 */
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
