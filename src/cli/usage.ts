/**
 * Usage errors as one line each: `switchboard plan: <cause>; <fix>`, exit code 2.
 *
 * Commander checks required options before unknown options and stray arguments, so a misspelt
 * `-f` was reported as "required option '-f' not specified". Here required options and stray
 * arguments are checked in a `preAction` hook, which runs after commander's own unknown-option
 * check, and every commander message is rewritten into one line with a suggestion.
 */
import type { Command, CommanderError } from 'commander';
import { closest } from '../manifests/suggest.js';
import { UsageError } from '../util/usage-error.js';

export { UsageError } from '../util/usage-error.js';

/** A required option: its attribute name (as in `opts()`) and the one-line fix shown when it is missing. */
export interface RequiredOption {
  attribute: string;
  fix: string;
}

export interface UsageRules {
  required?: readonly RequiredOption[];
  /** How to say what a stray argument probably meant, e.g. `plan manifests/` → `plan -f manifests/`. */
  strayArgument?: (arg: string) => string;
}

/** Adds the stray-argument and required-option checks to a command without positional arguments. */
export function checkUsage(cmd: Command, rules: UsageRules = {}): Command {
  return cmd.allowExcessArguments(true).hook('preAction', (command) => {
    const stray = command.args[0];
    if (stray !== undefined) {
      const hint = rules.strayArgument?.(stray) ?? `${commandPath(command)} takes no arguments; see ${commandPath(command)} --help`;
      throw new UsageError(`unexpected argument "${stray}": ${hint}`);
    }
    const opts = command.opts<Record<string, unknown>>();
    for (const r of rules.required ?? []) {
      if (opts[r.attribute] === undefined) throw new UsageError(r.fix);
    }
  });
}

/** `switchboard plan` for the plan command. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Every flag a command accepts (its own and its parents'), long and short. */
function flagsOf(command: Command): string[] {
  const flags: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) {
    for (const o of c.options) {
      if (o.long) flags.push(o.long);
      if (o.short) flags.push(o.short);
    }
  }
  return flags;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** Commander's message without its `error: ` prefix and its own multi-line "(Did you mean ...)" part. */
function commanderCause(err: CommanderError): string {
  return err.message.replace(/^error: /, '').split('\n')[0]?.replace(/\.$/, '').trim() ?? err.message;
}

/**
 * The one line a usage error prints for `command` (the command being run, or the program when the
 * error came before one was chosen).
 */
export function usageLine(err: CommanderError | UsageError, command: Command): string {
  const where = commandPath(command);
  const help = `see ${where} --help`;
  if (err instanceof UsageError) return `${where}: ${err.message}`;
  const cause = commanderCause(err);
  switch (err.code) {
    case 'commander.unknownOption': {
      const flag = /unknown option '(.*)'/.exec(cause)?.[1] ?? '';
      const name = flag.split('=')[0] ?? flag;
      const suggestion = closest(name, flagsOf(command));
      return `${where}: ${cause}${suggestion ? `; did you mean ${suggestion}?` : `; ${help}`}`;
    }
    case 'commander.unknownCommand': {
      const suggestion = /\(Did you mean (.+)\?\)/.exec(err.message)?.[1];
      return `${where}: ${cause}${suggestion ? `; did you mean ${where} ${suggestion}?` : `; ${help}`}`;
    }
    case 'commander.invalidArgument': {
      // "option '--listen <host:port>' argument 'foo' is invalid. <why>" (or "value 'foo' from env 'X'").
      const m = /^option '(-\S+?)(?:, (--\S+))?(?: [^']*)?' (?:argument '(.*)'|value '(.*)' from env '(.*)') is invalid\. ?(.*)$/s.exec(cause);
      if (!m) return `${where}: ${cause}`;
      const flag = m[2] ?? m[1] ?? '';
      const subject = m[5] !== undefined ? `${m[5]}=${JSON.stringify(m[4])}` : `${flag} ${JSON.stringify(m[3])}`;
      return `${where}: ${subject}: ${lowerFirst(m[6] ?? 'is invalid')}`;
    }
    default:
      return `${where}: ${cause}; ${help}`;
  }
}
