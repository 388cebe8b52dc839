/**
 * The controller's logger: pino JSON (what the ECS awslogs driver ships), or pretty for people.
 * Stable vocabulary: `pass`, `resource`, `action`, `result`, `durationMs`; errors under `err`.
 */
import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger } from 'pino';
import type PinoPretty from 'pino-pretty';

type PrettyFactory = typeof PinoPretty;

/** pino-pretty, required only for the pretty format: a daemon logging JSON never loads it. */
function loadPretty(): PrettyFactory {
  // CommonJS, so it can be required synchronously from here and createLogger stays synchronous.
  return createRequire(import.meta.url)('pino-pretty') as PrettyFactory;
}

export type { Logger } from 'pino';
export type LogFormat = 'json' | 'pretty';

export interface LoggerOptions {
  level?: string;
  format?: LogFormat;
  /** Where lines go; stdout by default (the daemon), stderr for one-shot commands whose stdout is the result. */
  destination?: 'stdout' | 'stderr' | DestinationStream;
}

/** Creates the root logger. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const fd = options.destination === 'stderr' ? 2 : 1;
  const format = options.format ?? 'json';
  const level = options.level ?? 'info';
  if (typeof options.destination === 'object') return pino({ level, base: undefined }, options.destination);
  if (format === 'pretty') {
    // One line per event: the message says what happened; the rest (diffs, counts) follows inline.
    const stream = loadPretty()({
      destination: fd,
      colorize: fd === 1 ? process.stdout.isTTY : process.stderr.isTTY,
      ignore: 'pid,hostname,pass,action,result,resource,revision',
      singleLine: true,
      sync: true,
    });
    return pino({ level, base: undefined }, stream);
  }
  // Through the process streams (not the raw fd), so lines interleave with other output in order.
  const stream = fd === 2 ? process.stderr : process.stdout;
  return pino({ level, base: undefined }, { write: (line: string) => stream.write(line) });
}

/** A logger that drops everything (tests, library use). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
