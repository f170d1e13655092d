import type { TrendData } from '../src/charts/trend-chart.ts';
import type { MentionTarget } from '../src/mention.ts';
import { UserError } from '../src/user-error.ts';
import type { Marked } from '../src/search/snippet.ts';
import type { CommandServices } from './services.ts';

export type { CommandServices } from './services.ts';

/** One option of a command, as every platform shows it: a Discord option, a CLI argument, a word typed in Slack. */
export interface OptionSpec {
  readonly name: string;
  readonly type: 'string' | 'integer';
  /** At most 100 characters (Discord's limit). */
  readonly description: string;
  /** Required options say what is missing when they are left out. */
  readonly required?: string;
  /** Takes the rest of the typed text, spaces and quotes included (a query, a watch). */
  readonly rest?: boolean;
  /** Written with this prefix when typed (`#12`), which tells it apart from the other options. */
  readonly prefix?: string;
  /** In an error about what was typed: how to write this option ("a story as #id"). */
  readonly typedAs?: string;
  readonly min?: number;
  readonly max?: number;
  readonly maxLength?: number;
  readonly choices?: readonly { name: string; value: string | number }[];
  /** Where suggestions come from while the option is typed, on platforms that offer them. */
  readonly autocomplete?: AutocompleteSource;
  /** It counts results shown in one message: a platform that shows fewer may lower `max`. */
  readonly countsResults?: boolean;
}

export type AutocompleteSource = 'channel-watches' | 'feeds';

/**
 * Who may run a command: anyone; those who manage the channel (its watches post to everyone in it); or
 * admins (feeds change what every channel gets). Each platform says who those people are.
 */
export type Access = 'anyone' | 'channel-manager' | 'admin';

/** The values of a command's options, as typed or as a platform's form gave them. */
export type OptionValues<T extends readonly OptionSpec[]> = {
  [S in T[number] as S['name']]: (S['type'] extends 'integer' ? number : string) | (S extends { required: string } ? never : undefined);
};

/**
 * How a command also appears on the CLI, where an operator names the channel it acts in. Only commands
 * that have a CLI form get one; the CLI's own commands (feeds, poll, run…) are its own.
 */
export interface CliForm {
  /** The CLI's words, e.g. `watch add`. */
  readonly name: string;
  /** Where the channel argument goes: before the options, after them, optional before them, or none. */
  readonly channel: 'first' | 'last' | 'optional' | 'none';
  /** Options given as flags rather than arguments: option name → flag (`--limit <n>`) and its default. */
  readonly flags?: Readonly<Record<string, { flag: string; default: string }>>;
  /** A `--limit <n>` flag that sets the results per page. */
  readonly pageSize?: boolean;
  /** A `--json` flag that prints the answer's data. */
  readonly json?: boolean;
}

/** Who is asking, and where; `services` holds only what the command declared it `uses`. */
export interface CommandContext<U extends keyof CommandServices = keyof CommandServices> {
  /** The channel the command was typed in; null only on the CLI when no channel was given. */
  channel: string | null;
  /** How the user is recorded (a watch's `created_by`): `@alice`, `cli`. */
  user: string;
  services: Pick<CommandServices, U>;
  now?: Date;
  /** Results per page, where the platform shows more or fewer than the default. */
  pageSize?: number;
  /**
   * Resolves who `mention:@who` names on this platform (a user, a user group, a role), checking that the
   * user may ping them; absent where the platform cannot ping anyone.
   */
  mention?: (target: string) => Promise<MentionTarget>;
}

/**
 * A command, defined once and exposed on every platform. Its policy is declared here and applied by the
 * dispatcher (commands/dispatch.ts); platforms only say who the user is and whether the bot can post.
 */
export interface CommandDefinition<T extends readonly OptionSpec[] = readonly OptionSpec[], U extends keyof CommandServices = keyof CommandServices> {
  /** The words typed after /ainews: `watch`, `feeds add`. */
  readonly name: string;
  /** As typed after /ainews, e.g. `watch <keyword or "phrase">`. */
  readonly usage: string;
  /** One line for `help`. */
  readonly summary: string;
  /** At most 100 characters, for platforms that list commands (Discord). */
  readonly description: string;
  readonly options: T;
  readonly access: Access;
  /** What a refusal says the user may not do: "add feeds". */
  readonly action?: string;
  /** It writes to the database, which may wait on a lock: platforms that must answer fast defer the reply. */
  readonly writes?: boolean;
  /** Its point is alerts in this channel: the answer says when the bot cannot post there. */
  readonly needsPosting?: boolean;
  /** What anything typed that names no command means (search). */
  readonly fallback?: boolean;
  /** The services `run` needs; it is given those alone. */
  readonly uses: readonly U[];
  readonly cli?: CliForm;
  /** Most commands answer at once; one that asks the platform something first (a mention) answers later. */
  run(options: OptionValues<T>, ctx: CommandContext<U>): Answer | Promise<Answer>;
}

/** Declares a command, checking its `run` against its options and the services it uses. */
export function defineCommand<const T extends readonly OptionSpec[], const U extends keyof CommandServices>(definition: CommandDefinition<T, U>): CommandDefinition {
  return definition as unknown as CommandDefinition;
}

export interface ResultItem {
  id: number;
  title: Marked;
  url: string | null;
  source: string | null;
  publishedAt: string;
  lang: 'zh' | 'en' | 'other';
  snippet: Marked;
  summary: string | null;
  /** How many sources tell the item's story (1 when it is the only report). */
  sourceCount: number;
}

/**
 * A structured answer: each platform renders it in its own way. `data` is the same answer for machines
 * (the CLI's --json); `more` is the command text that fetches the next page.
 */
export type Answer =
  | { kind: 'results'; heading: string; results: ResultItem[]; more: string | null; data: unknown }
  | { kind: 'list'; heading: string; rows: string[]; empty: string; data: unknown }
  /**
   * `announce`: the whole channel should see it (its watches changed), not only who asked. `warnings`:
   * what the user should know even though the command worked (the bot cannot post in this channel).
   */
  | { kind: 'notice'; heading?: string; lines: string[]; data?: unknown; announce?: boolean; warnings?: string[] }
  /**
   * A chart: platforms that show pictures draw `chart` as a PNG; text platforms show `lines` (a sparkline
   * per series).
   */
  | { kind: 'chart'; heading: string; chart: TrendData; lines: string[]; data: unknown }
  /** `usage` is empty when the command itself was fine (the user is over the rate limit, say). */
  | { kind: 'error'; message: string; usage: string };

/** A mistake of the user's in a command: answered with its message and the command's usage. */
export class CommandError extends UserError {
  override name = 'CommandError';
}

export function requireChannel(ctx: { channel: string | null }): string {
  if (!ctx.channel) throw new CommandError('this command needs a channel');
  return ctx.channel;
}
