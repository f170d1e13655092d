import type { Command } from 'commander';
import { runDefinition, type Answer, type CommandContext } from '../../commands/index.ts';
import { searchCommand } from '../../commands/search.ts';
import { storiesCommand } from '../../commands/stories.ts';
import { unwatchCommand, watchCommand, watchesCommand } from '../../commands/watch.ts';
import { whyCommand } from '../../commands/why.ts';
import type { App } from '../app.ts';
import { channelPlatform } from '../channel-name.ts';
import { shortTime, truncate } from '../format.ts';
import { renderAnswer } from '../platforms/console/render-answer.ts';
import { CliError, positiveInt, printJson, withApp } from './context.ts';
import { table } from './table.ts';

/** The CLI is an admin's tool: it acts in the channel it is given, as user "cli". */
function context(app: App, channel: string | null, pageSize?: number): CommandContext {
  if (channel) channelPlatform(channel);
  return { channel, user: 'cli', isAdmin: true, services: app, pageSize };
}

/** Prints an answer; an error answer fails the command with the CLI's own usage, not the chat one. */
function print(answer: Answer, usage: string, options: { json?: boolean; more?: (next: string) => string } = {}): void {
  if (answer.kind === 'error') throw new CliError(answer.usage ? `${answer.message}\nusage: ${usage}` : answer.message);
  if (options.json) return printJson('data' in answer ? (answer.data ?? null) : null);
  console.log(renderAnswer(answer, { more: options.more }));
}

/** commander hands unknown options over as words (so that "-mini" can exclude): refuse the "--" ones. */
function keywords(words: string[]): string {
  const option = words.find((word) => word.startsWith('--'));
  if (option) throw new CliError(`unknown option ${option}`);
  return words.join(' ');
}

export function registerChatCommands(program: Command): void {
  program
    .command('search')
    .argument('<query...>', 'words, "phrases", -exclude, OR, source:, since:, lang:, page:')
    .option('--limit <n>', 'results per page', '10')
    .option('--json', 'print JSON')
    // "-word" excludes a word: it is part of the query, not an option.
    .allowUnknownOption()
    .description('search what was collected (the same as /ainews <query> in chat)')
    .action(async (words: string[], opts: { limit: string; json?: boolean }) => {
      const limit = positiveInt(opts.limit, '--limit', 100);
      const more = (next: string) => `ainews search ${next}${opts.limit === '10' ? '' : ` --limit ${limit}`}`;
      await withApp((app) =>
        print(runDefinition(searchCommand, keywords(words), context(app, null, limit), bug(app)), 'ainews search <query...> [--limit N] [--json]', { json: opts.json, more }),
      );
    });

  const watch = program.command('watch').description("manage a channel's keyword watches");
  watch
    .command('add')
    .argument('<channel>', 'a channel: console:<name>, slack:<team>/<channel> or discord:<channel>')
    .argument('<keyword...>', 'keyword or "phrase", -exclude, source:<name>, in:title, or *')
    .allowUnknownOption()
    .description('watch a keyword in a channel')
    .action(async (channel: string, words: string[]) => {
      await withApp((app) => print(runDefinition(watchCommand, keywords(words), context(app, channel), bug(app)), 'ainews watch add <channel> <keyword...>'));
    });
  watch
    .command('remove')
    .argument('<channel>')
    .argument('<keyword|id...>')
    .allowUnknownOption()
    .description('stop a watch')
    .action(async (channel: string, words: string[]) => {
      await withApp((app) => print(runDefinition(unwatchCommand, keywords(words), context(app, channel), bug(app)), 'ainews watch remove <channel> <keyword|id>'));
    });
  watch
    .command('list')
    .argument('[channel]')
    .option('--json', 'print JSON')
    .description("list a channel's watches, or every channel's")
    .action(async (channel: string | undefined, opts: { json?: boolean }) => {
      await withApp((app) => print(runDefinition(watchesCommand, '', context(app, channel ?? null), bug(app)), 'ainews watch list [channel] [--json]', { json: opts.json }));
    });

  program
    .command('why')
    .argument('<item>', 'item id or URL')
    .argument('<channel>')
    .description('explain whether a channel got an item, and why')
    .action(async (item: string, channel: string) => {
      await withApp((app) => print(runDefinition(whyCommand, item, context(app, channel), bug(app)), 'ainews why <item> <channel>'));
    });

  program
    .command('stories')
    .argument('[story]', "one story in full, by its number (its first item's id)")
    .option('--limit <n>', 'how many recent stories', '10')
    .option('--json', 'print JSON')
    .description('recent stories (the same news from several sources) with their sources, or one story')
    .action(async (story: string | undefined, opts: { limit: string; json?: boolean }) => {
      const args = story === undefined ? String(positiveInt(opts.limit, '--limit', 50)) : `#${story.replace(/^#/, '')}`;
      await withApp((app) => print(runDefinition(storiesCommand, args, context(app, null), bug(app)), 'ainews stories [story] [--limit N] [--json]', { json: opts.json }));
    });

  program
    .command('deliveries')
    .option('--channel <channel>', 'only this channel')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print JSON')
    .description('alerts in the outbox, newest first, with their delivery status')
    .action(async (opts: { channel?: string; limit: string; json?: boolean }) => {
      const limit = positiveInt(opts.limit, '--limit', 10_000);
      if (opts.channel) channelPlatform(opts.channel);
      await withApp((app) => {
        const rows = app.outbox.list({ channel: opts.channel, limit });
        if (opts.json) {
          return printJson(
            rows.map((r) => ({
              id: r.id,
              channel: r.channel,
              item_id: r.item_id,
              title: r.title,
              watch: r.watch_query,
              kind: r.kind,
              story_id: r.story_id,
              status: r.status,
              attempts: r.attempts,
              last_error: r.last_error,
              created_at: r.created_at,
              sent_at: r.sent_at,
              platform_message_id: r.platform_message_id,
            })),
          );
        }
        if (rows.length === 0) return console.log('no alerts yet: add a watch with "ainews watch add <channel> <keyword>"');
        console.log(
          table(
            ['ID', 'CHANNEL', 'KIND', 'STATUS', 'TRIES', 'QUEUED', 'ITEM', 'LAST ERROR'],
            rows.map((r) => [String(r.id), r.channel, r.kind, r.status, String(r.attempts), shortTime(r.created_at), truncate(`#${r.item_id} ${r.title}`, 50), r.last_error ?? '']),
          ),
        );
      });
    });
}

function bug(app: App) {
  return (error: unknown) => app.log.error({ err: error }, 'command failed');
}
