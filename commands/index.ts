import { ChannelNameError } from '../src/channel-name.ts';
import { describeDatabaseError } from '../src/db/errors.ts';
import { WatchLimitError } from '../src/db/watches.ts';
import { UrlRefusedError } from '../src/feeds/errors.ts';
import { FeedInputError } from '../src/feeds/feed-admin.ts';
import { WatchSyntaxError } from '../src/match/watch-query.ts';
import { QueryError } from '../src/search/query.ts';
import { feedsCommand } from './feeds.ts';
import { latestCommand } from './latest.ts';
import { searchCommand } from './search.ts';
import { storiesCommand } from './stories.ts';
import { CommandError, type Answer, type CommandContext, type CommandDefinition } from './types.ts';
import { unwatchCommand, watchCommand, watchesCommand } from './watch.ts';
import { whyCommand } from './why.ts';

export type { Answer, CommandContext, CommandDefinition, CommandServices, ResultItem } from './types.ts';

const helpCommand: CommandDefinition = {
  name: 'help',
  usage: 'help',
  summary: 'this list',
  run() {
    return {
      kind: 'notice',
      heading: 'ainews: AI news, searched and watched',
      lines: COMMANDS.map((c) => `/ainews ${c.usage}  — ${c.summary}`),
    };
  },
};

/** Every command a user can type after /ainews; search is what anything else means. */
export const COMMANDS: CommandDefinition[] = [searchCommand, watchCommand, unwatchCommand, watchesCommand, latestCommand, storiesCommand, feedsCommand, whyCommand, helpCommand];

/** Errors that are the user's to fix: answered with their message and the usage. */
export const USER_ERRORS = [CommandError, QueryError, WatchSyntaxError, WatchLimitError, ChannelNameError, UrlRefusedError, FeedInputError];

/** Finds the command for what was typed after /ainews: its first word, else a search. */
export function resolveCommand(text: string): { command: CommandDefinition; args: string } {
  const trimmed = text.trim();
  const [first = '', ...rest] = trimmed.split(/\s+/);
  const named = COMMANDS.find((c) => c.name !== 'search' && c.name === first.toLowerCase());
  if (named) return { command: named, args: rest.join(' ') };
  if (!trimmed) return { command: helpCommand, args: '' };
  return { command: searchCommand, args: trimmed };
}

/**
 * Runs one command for any platform. A user's mistake comes back as an error answer with the command's
 * usage; anything else is reported without internals and rethrown to the caller's logs by `onBug`.
 */
export function runCommand(text: string, ctx: CommandContext, onBug: (error: unknown) => void = () => undefined): Answer {
  const { command, args } = resolveCommand(text);
  return runDefinition(command, args, ctx, onBug);
}

export function runDefinition(command: CommandDefinition, args: string, ctx: CommandContext, onBug: (error: unknown) => void = () => undefined): Answer {
  try {
    return command.run(args, ctx);
  } catch (error) {
    const usage = `/ainews ${command.usage}`;
    if (USER_ERRORS.some((type) => error instanceof type)) return { kind: 'error', message: (error as Error).message, usage };
    // The database refusing (busy, full, read-only) is nobody's mistake: say what it is, not "a bug".
    const storage = describeDatabaseError(error);
    if (storage) {
      onBug(error);
      return { kind: 'error', message: storage, usage: '' };
    }
    onBug(error);
    return { kind: 'error', message: 'something went wrong on our side; it has been logged', usage };
  }
}
