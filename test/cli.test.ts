import { runCli } from '../src/cli/program.js';

test('an unknown command is a usage error with exit code 2', async () => {
  const write = process.stderr.write;
  process.stderr.write = () => true;
  try {
    expect(await runCli(['node', 'switchboard', 'no-such-command'])).toBe(2);
  } finally {
    process.stderr.write = write;
  }
});
