import type { Command } from 'commander';
import type { Answer, CommandDefinition } from '../../commands/index.ts';
import type { CliForm, OptionSpec } from '../../commands/types.ts';
import { channelPlatform } from '../channel-name.ts';
import { ConsoleChat, OPERATOR } from '../platforms/console/console-chat.ts';
import { renderAnswer } from '../platforms/console/render-answer.ts';
import { CliError, positiveInt, printJson, withApp } from './context.ts';

const CHANNEL_HELP = 'a channel: console:<name>, slack:<team>/<channel> or discord:<channel>';
const PAGE_SIZE_DEFAULT = '10';

/**
 * The CLI forms of the chat commands that declare one (`ainews watch add <channel> <keyword...>`),
 * generated from their definitions: the same options, checks and answers as in chat, run by the
 * operator as an admin in the channel named on the command line.
 */
export function registerCommandForms(program: Command, commands: readonly CommandDefinition[]): void {
  for (const command of commands) if (command.cli) registerForm(program, command, command.cli, commands);
}

function registerForm(program: Command, command: CommandDefinition, form: CliForm, commands: readonly CommandDefinition[]): void {
  const forms = commands.flatMap((c) => (c.cli ? [c.cli.name] : []));
  const words = form.name.split(' ');
  let parent = program;
  for (const word of words.slice(0, -1)) {
    const subcommands = forms.filter((name) => name.startsWith(`${word} `)).map((name) => name.slice(word.length + 1));
    parent = parent.commands.find((c) => c.name() === word) ?? parent.command(word).description(`${word}: ${subcommands.join(', ')}`);
  }
  const description = command.description.charAt(0).toLowerCase() + command.description.slice(1);
  const cli = parent.command(words.at(-1)!).description(`${description} (/ainews ${command.usage} in chat)`);
  const args = argumentsOf(command, form);
  for (const arg of args) cli.argument(arg.syntax, arg.description);
  // The option's description says its default already.
  for (const [name, flag] of Object.entries(form.flags ?? {})) cli.option(flag.flag, optionNamed(command, name).description);
  if (form.pageSize) cli.option('--limit <n>', 'results per page', PAGE_SIZE_DEFAULT);
  if (form.json) cli.option('--json', 'print JSON');
  // "-word" excludes a word from a search or a watch: it is part of the text, not an option.
  if (args.some((a) => a.variadic)) cli.allowUnknownOption();
  const usage = `ainews ${form.name} ${[...args.map((a) => a.syntax), ...cli.options.map((o) => `[${o.flags}]`)].join(' ')}`;

  cli.action(async (...given: unknown[]) => {
    const opts = given[args.length] as Record<string, string | boolean | undefined>;
    const values: Record<string, string | number | undefined> = {};
    let channel: string | null = null;
    args.forEach((arg, i) => {
      const value = given[i] as string | string[] | undefined;
      if (arg.option === null) channel = value === undefined ? null : String(value);
      else values[arg.option.name] = fromArgument(arg.option, value);
    });
    for (const [name, flag] of Object.entries(form.flags ?? {})) {
      const option = optionNamed(command, name);
      const text = String(opts[attributeOf(flag.flag)] ?? flag.default);
      values[name] = option.type === 'integer' ? positiveInt(text, longFlag(flag.flag), option.max) : text;
    }
    if (channel !== null) channelPlatform(channel);
    const pageSize = form.pageSize ? positiveInt(String(opts.limit), '--limit', 100) : undefined;
    const more = (next: string) => `ainews ${form.name} ${next}${opts.limit === undefined || opts.limit === PAGE_SIZE_DEFAULT ? '' : ` --limit ${pageSize}`}`;
    await withApp(async (app) => {
      const answer = await ConsoleChat.forOperator(app, app.log, commands).run(command, values, { channel, user: OPERATOR, pageSize });
      print(answer, usage, { json: opts.json === true, more });
    });
  });
}

interface Argument {
  syntax: string;
  description: string;
  /** The option it sets; null for the channel. */
  option: OptionSpec | null;
  variadic: boolean;
}

/** The positional arguments: the channel where the form puts it, and every option that is not a flag. */
function argumentsOf(command: CommandDefinition, form: CliForm): Argument[] {
  const flagged = new Set(Object.keys(form.flags ?? {}));
  const options = command.options.filter((o) => !flagged.has(o.name));
  const args: Argument[] = options.map((option, i) => {
    const variadic = option.rest === true && i === options.length - 1 && form.channel !== 'last';
    const name = `${option.name}${variadic ? '...' : ''}`;
    return { syntax: option.required ? `<${name}>` : `[${name}]`, description: option.description, option, variadic };
  });
  const channel = (required: boolean): Argument => ({ syntax: required ? '<channel>' : '[channel]', description: CHANNEL_HELP, option: null, variadic: false });
  if (form.channel === 'first' || form.channel === 'optional') args.unshift(channel(form.channel === 'first'));
  if (form.channel === 'last') args.push(channel(true));
  return args;
}

/** An argument's words as the option's value; commander hands unknown options over as words, so "--x" is refused. */
function fromArgument(option: OptionSpec, value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  const words = [value].flat();
  const flag = words.find((word) => word.startsWith('--'));
  if (flag) throw new CliError(`unknown option ${flag}`);
  const text = words.join(' ');
  return option.prefix && text.startsWith(option.prefix) ? text.slice(option.prefix.length) : text;
}

/** Prints an answer; an error answer fails the command with the CLI's own usage, not the chat one. */
function print(answer: Answer, usage: string, options: { json?: boolean; more?: (next: string) => string } = {}): void {
  if (answer.kind === 'error') throw new CliError(answer.usage ? `${answer.message}\nusage: ${usage}` : answer.message);
  if (options.json) return printJson('data' in answer ? (answer.data ?? null) : null);
  console.log(renderAnswer(answer, { more: options.more }));
}

function optionNamed(command: CommandDefinition, name: string): OptionSpec {
  const option = command.options.find((o) => o.name === name);
  if (!option) throw new Error(`${command.name} has no option "${name}" for its CLI flag`);
  return option;
}

/** `--limit <n>` → `--limit`, and commander's attribute for it, `limit`. */
function longFlag(flag: string): string {
  return flag.split(' ')[0]!;
}

function attributeOf(flag: string): string {
  return longFlag(flag)
    .replace(/^--/, '')
    .replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
