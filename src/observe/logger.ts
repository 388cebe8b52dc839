/**
 * The controller's logger: pino JSON (what the ECS awslogs driver ships), or pretty for people.
 * Stable vocabulary: `pass`, `resource`, `action`, `result`, `durationMs`; errors under `err`.
 * Every line is made safe on its way out, whatever the caller logged: credentials masked
 * (src/util/secrets.ts), long values cut to about 1 KB with their length and hash
 * (src/util/truncate.ts), and in pretty logs control characters escaped (src/util/terminal.ts).
 */
import { createRequire } from 'node:module';
import { pino, stdSerializers, type DestinationStream, type Logger, type LoggerOptions as PinoOptions } from 'pino';
import type PinoPretty from 'pino-pretty';
import { mapStrings } from '../util/plain-object.js';
import { maskJson, maskText } from '../util/secrets.js';
import { escapeControls } from '../util/terminal.js';
import { MAX_VALUE_CHARS, truncateText } from '../util/truncate.js';

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

/** A message may be longer than a value (it often names a resource and an AWS error), but not unbounded. */
const MAX_MESSAGE_CHARS = 4 * MAX_VALUE_CHARS;

/**
 * pino options that mask and bound everything a line carries: fields, errors, the message. For
 * people (`forTerminal`), control characters are escaped too, so a file name with a newline or an
 * ESC sequence cannot forge a line or drive the terminal; JSON lines escape them on their own.
 */
function safeOptions(level: string, forTerminal: boolean): PinoOptions {
  const text = (s: string, max: number): string => {
    const bounded = truncateText(maskText(s), max);
    return forTerminal ? escapeControls(bounded) : bounded;
  };
  const safe = <T>(value: T): T => mapStrings(maskJson(value), (s) => text(s, MAX_VALUE_CHARS));
  return {
    level,
    base: undefined,
    formatters: { log: (fields) => safe(fields) },
    serializers: { err: (err: Error) => safe(stdSerializers.err(err)) },
    hooks: {
      logMethod(args, method) {
        const cleaned = args.map((a: unknown) => (typeof a === 'string' ? text(a, MAX_MESSAGE_CHARS) : a));
        method.apply(this, cleaned as Parameters<typeof method>);
      },
    },
  };
}

/** Creates the root logger. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const fd = options.destination === 'stderr' ? 2 : 1;
  const format = options.format ?? 'json';
  const level = options.level ?? 'info';
  if (typeof options.destination === 'object') return pino(safeOptions(level, false), options.destination);
  if (format === 'pretty') {
    // One line per event: the message says what happened; the rest (diffs, counts) follows inline.
    const stream = loadPretty()({
      destination: fd,
      colorize: fd === 1 ? process.stdout.isTTY : process.stderr.isTTY,
      ignore: 'pid,hostname,pass,action,result,resource,revision',
      singleLine: true,
      sync: true,
    });
    return pino(safeOptions(level, true), stream);
  }
  // Through the process streams (not the raw fd), so lines interleave with other output in order.
  const stream = fd === 2 ? process.stderr : process.stdout;
  return pino(safeOptions(level, false), { write: (line: string) => stream.write(line) });
}

/** A logger that drops everything (tests, library use). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
