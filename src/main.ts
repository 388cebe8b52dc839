#!/usr/bin/env node
/** The `switchboard` executable: parse argv, run one command, exit with its code. */
import { quietSdkNodeVersionWarning } from './cli/runtime.js';
import { runCli } from './cli/program.js';

quietSdkNodeVersionWarning();
runCli(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // Not a usage error: something failed that the command did not expect. One line, like every
    // other error; the stack trace only on request.
    const debug = process.env.SWITCHBOARD_DEBUG === '1' || process.env.SWITCHBOARD_DEBUG === 'true';
    const text = err instanceof Error ? (debug ? (err.stack ?? err.message) : err.message) : String(err);
    process.stderr.write(`switchboard: ${text}${debug ? '' : ' (SWITCHBOARD_DEBUG=1 shows where)'}\n`);
    process.exitCode = 1;
  },
);
