/**
 * A child process that changes files in a tight loop while a test reads the folder, so the
 * changes race the reads for real (another process, another thread pool), not at points the
 * test chose. Each kind repeats one change a person or a tool makes.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export type Mutation =
  /** `mv a.yaml a.moved; mv a.moved a.yaml`: the file is briefly absent. */
  | { kind: 'rename-flip'; file: string; content: string }
  /** `echo ... > a.yaml`: truncated, then written, in place (editors, shell redirection, git). */
  | { kind: 'truncate-write'; file: string; content: string }
  /** The file replaced by a FIFO and back (a FIFO never opens for reading without a writer). */
  | { kind: 'fifo-swap'; file: string; content: string }
  /** The file replaced by a large sparse file and back. */
  | { kind: 'grow'; file: string; content: string; bytes: number };

// Runs in the child: plain JavaScript, synchronous file calls in batches (so the parent's "stop"
// message is heard between them), until told to stop; then it reports how many changes it made.
const SCRIPT = `
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');
const m = JSON.parse(process.argv[1]);
const aside = m.file + '.aside';
if (m.kind === 'fifo-swap') { try { fs.rmSync(aside); } catch {} execFileSync('mkfifo', [aside]); }
let changes = 0;
let stopping = false;
process.on('message', () => { stopping = true; });
function once() {
  switch (m.kind) {
    case 'rename-flip':
      fs.renameSync(m.file, aside);
      fs.renameSync(aside, m.file);
      break;
    case 'truncate-write':
      fs.writeFileSync(m.file, m.content);
      break;
    case 'fifo-swap':
      // Swap the FIFO in, then the file back: the FIFO keeps being reused under the aside name.
      fs.renameSync(m.file, m.file + '.keep');
      fs.renameSync(aside, m.file);
      fs.renameSync(m.file, aside);
      fs.renameSync(m.file + '.keep', m.file);
      break;
    case 'grow':
      fs.writeFileSync(aside, m.content);
      fs.truncateSync(aside, m.bytes);
      fs.renameSync(aside, m.file);
      fs.writeFileSync(aside, m.content);
      fs.renameSync(aside, m.file);
      break;
  }
  changes++;
}
function batch() {
  if (stopping) {
    process.send({ changes }, () => process.exit(0));
    return;
  }
  for (let i = 0; i < 20; i++) {
    try { once(); } catch (e) { if (e.code !== 'ENOENT') throw e; }
  }
  setImmediate(batch);
}
process.send('ready');
batch();
`;

/** A running mutator; stop() ends it (between two changes, so the file is in place) and says how many changes it made. */
export interface Mutator {
  stop(): Promise<number>;
}

/** Starts a mutation loop in a child process; resolves once it runs. */
export async function startMutator(m: Mutation): Promise<Mutator> {
  const child: ChildProcess = spawn(process.execPath, ['-e', SCRIPT, JSON.stringify(m)], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    void exited.then(() => reject(new Error(`mutator exited early: ${stderr}`)));
  });
  return {
    async stop() {
      const report = new Promise<number>((resolve) => {
        child.on('message', (msg: unknown) => {
          if (typeof msg === 'object' && msg !== null && typeof (msg as { changes?: unknown }).changes === 'number') resolve((msg as { changes: number }).changes);
        });
        void exited.then(() => resolve(0));
      });
      child.send('stop');
      const changes = await report;
      await exited;
      return changes;
    },
  };
}
