import { CommandError, type CommandDefinition, type OptionSpec } from './types.ts';

/** Option values by name, before they are checked against a command's options. */
export type RawValues = Record<string, string | number | boolean | null | undefined>;
/** Checked option values: what a command's `run` is given. */
export type Values = Record<string, string | number | undefined>;

/**
 * Finds the command for text typed after /ainews: the longest command name its first words spell
 * (`feeds add` before `feeds`), else the fallback command (search) with the whole text. Empty text is
 * `help`.
 */
export function resolveTyped(commands: readonly CommandDefinition[], text: string): { command: CommandDefinition; args: string } {
  // Runs of spaces count as one, as they did when typed.
  const typed = text.trim().split(/\s+/);
  const trimmed = typed.join(' ');
  const words = typed.map((word) => word.toLowerCase());
  let best: CommandDefinition | null = null;
  for (const command of commands) {
    if (command.fallback) continue;
    const parts = command.name.split(' ');
    if (parts.every((part, i) => words[i] === part) && parts.length > (best?.name.split(' ').length ?? 0)) best = command;
  }
  if (best) return { command: best, args: typed.slice(best.name.split(' ').length).join(' ') };
  if (!trimmed) return { command: byName(commands, 'help'), args: '' };
  return { command: commands.find((c) => c.fallback) ?? byName(commands, 'help'), args: trimmed };
}

/**
 * Reads a command's options from typed text. An option that takes the rest of the text takes all of it;
 * otherwise each word is the option its prefix names (`#12`), or the next option without a prefix.
 */
export function parseTypedArgs(command: CommandDefinition, args: string, family: readonly CommandDefinition[] = [command]): Values {
  const text = args.trim();
  const rest = command.options.find((option) => option.rest);
  if (rest) return checkValues(command, text ? { [rest.name]: text } : {});
  const values: RawValues = {};
  for (const word of text ? text.split(/\s+/) : []) {
    const prefixed = command.options.find((o) => o.prefix && word.startsWith(o.prefix) && values[o.name] === undefined);
    const option = prefixed ?? command.options.find((o) => !o.prefix && values[o.name] === undefined);
    if (!option) throw new CommandError(unexpected(command, text, family));
    values[option.name] = prefixed ? word.slice(prefixed.prefix!.length) : word;
  }
  return checkValues(command, values, text);
}

/**
 * Checks option values however they were given (typed, a platform's form, CLI arguments): whole numbers
 * in range, required ones present. `typed` is the text they came from, for the error message.
 */
export function checkValues(command: CommandDefinition, raw: RawValues, typed?: string): Values {
  const values: Values = {};
  for (const option of command.options) {
    const given = raw[option.name];
    const value = given === null || given === undefined || given === '' ? undefined : convert(command, option, given, typed);
    if (value === undefined && option.required) throw new CommandError(option.required);
    values[option.name] = value;
  }
  return values;
}

function convert(command: CommandDefinition, option: OptionSpec, given: string | number | boolean, typed: string | undefined): string | number {
  if (option.type === 'string') return String(given).trim();
  const text = String(given).trim();
  const n = Number(text);
  const inRange = /^\d+$/.test(text) && (option.min === undefined || n >= option.min) && (option.max === undefined || n <= option.max);
  if (!inRange) throw new CommandError(`${command.name} takes ${command.options.map(describeOption).join(', or ')} (got "${typed ?? text}")`);
  return n;
}

function describeOption(option: OptionSpec): string {
  if (option.typedAs) return option.typedAs;
  if (option.type === 'string') return option.description;
  const max = option.max === undefined ? '' : ` to ${option.max}`;
  return `a number from ${option.min ?? 0}${max}`;
}

/** Words after a command that takes no more: a mistyped sub-command, when the command has some. */
function unexpected(command: CommandDefinition, text: string, family: readonly CommandDefinition[]): string {
  const [first] = text.split(/\s+/);
  if (family.length > 1) return `unknown ${command.name} action "${first}"`;
  if (command.options.length === 0) return `${command.name} takes nothing after it (got "${text}")`;
  return `${command.name} takes ${command.options.map(describeOption).join(', or ')} (got "${text}")`;
}

function byName(commands: readonly CommandDefinition[], name: string): CommandDefinition {
  const found = commands.find((c) => c.name === name);
  if (!found) throw new Error(`no command "${name}" among the registered commands`);
  return found;
}
