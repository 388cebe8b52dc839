import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isSimState, type SimState } from './state.js';

/** Thrown when a state file exists but cannot be used. */
export class StateFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${message}`, options);
    this.name = 'StateFileError';
  }
}

/** Loads a persisted state; undefined when the file does not exist. */
export function loadState(file: string): SimState | undefined {
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new StateFileError(file, 'not valid JSON', { cause: err });
  }
  if (!isSimState(parsed)) throw new StateFileError(file, 'not a simulator state file (version 1)');
  return parsed;
}

/** Writes the state atomically (temp file + rename), so a crash never leaves half a file. */
export function saveState(file: string, state: SimState): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, file);
}

/** Debounced saving: `markDirty()` after changes, `flush()` on close. */
export class StateSaver {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly file: string,
    private readonly state: () => SimState,
    private readonly debounceMs = 250,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  /** Schedules a save (collapsing bursts of changes into one write). */
  markDirty(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.save();
    }, this.debounceMs);
    this.timer.unref();
  }

  /** Saves now if a save is pending. */
  flush(): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.save();
  }

  private save(): void {
    try {
      saveState(this.file, this.state());
    } catch (err) {
      this.onError(err);
    }
  }
}
