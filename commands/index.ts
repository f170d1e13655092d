import { feedsAddCommand, feedsCommand, feedsRemoveCommand } from './feeds.ts';
import { helpCommand } from './help.ts';
import { latestCommand } from './latest.ts';
import { searchCommand } from './search.ts';
import { storiesCommand } from './stories.ts';
import type { CommandDefinition } from './types.ts';
import { unwatchCommand, watchCommand, watchesCommand } from './watch.ts';
import { whyCommand } from './why.ts';
import { settingsCommand } from './settings.ts';
import { settingsMinCommand } from './settings-min.ts';
import { settingsLanguageCommand } from './settings-language.ts';
import { timezoneCommand } from './timezone.ts';
import { digestCommand } from './digest.ts';
import { quietCommand } from './quiet.ts';
import { limitCommand } from './limit.ts';
import { trendsCommand } from './trends.ts';

export type { Answer, CommandContext, CommandDefinition, CommandServices, ResultItem } from './types.ts';

/** A set of commands with `help` over them all, for a dispatcher and the platforms' generated forms. */
export function commandSet(definitions: readonly CommandDefinition[]): CommandDefinition[] {
  const all = [...definitions];
  all.push(helpCommand(all));
  return all;
}

/**
 * Every command a user can type after /ainews, in the order `help` lists them; search is what anything
 * else means. A new command is a file of its own in commands/ and a line here.
 */
export const COMMANDS: readonly CommandDefinition[] = commandSet([
  searchCommand,
  watchCommand,
  unwatchCommand,
  watchesCommand,
  latestCommand,
  storiesCommand,
  feedsCommand,
  feedsAddCommand,
  feedsRemoveCommand,
  whyCommand,
  settingsCommand,
  settingsMinCommand,
  settingsLanguageCommand,
  digestCommand,
  quietCommand,
  limitCommand,
  timezoneCommand,
  trendsCommand,
]);
