import type { Command } from 'commander';
import type { ListedItem } from '../db/items.ts';
import { ConsoleSender } from '../platforms/console/console-sender.ts';
import { databaseLocation } from '../db-location.ts';
import { migratePostgres } from '../db/postgres/migrate.ts';
import { withPostgres } from '../db/postgres/pool.ts';
import { CliError, loadCliConfig, positiveInt, printJson, withApp } from './context.ts';
import { shortTime, truncate } from '../format.ts';

/** The public shape of an item in `items --json`: fields are added, never renamed. */
export function itemJson(item: ListedItem) {
  return {
    id: item.id,
    title: item.title,
    url: item.url,
    source: item.sources[0] ?? null,
    sources: item.sources,
    published_at: item.published_at,
    published_at_source: item.published_at_source,
    first_seen_at: item.first_seen_at,
    lang: item.lang,
    author: item.author,
    backlog: item.backlog === 1,
    summary: item.summary,
    summarizer: item.summarizer,
  };
}

export function registerPipelineCommands(program: Command): void {
  program
    .command('poll')
    .option('--once', 'poll once and exit (the only mode; "ainews run" polls on a schedule)')
    .option('--all', 'poll every enabled feed, not only those that are due')
    .option('--json', 'print the summary as JSON')
    .description('poll the feeds that are due, print one summary line, and exit')
    .action(async (opts: { once?: boolean; all?: boolean; json?: boolean }) => {
      if (!opts.once) throw new CliError('"ainews poll" needs --once; "ainews run" keeps polling on a schedule');
      await withApp(async (app) => {
        const summary = (await app.scheduler.tick({ all: opts.all }))!;
        // A script that polls and then lists items sees their final summaries.
        await app.summaries.llm?.idle();
        // Console alerts in a channel's language go translated: what they want is asked for first.
        await app.translator?.request();
        await app.translator?.idle();
        // Console alerts, including any queued earlier; Slack and Discord ones are left to "ainews run".
        const delivered = await app.deliveryWorker([new ConsoleSender((text) => console.log(text))]).drain();
        // What the delivery round asked for (for other platforms' rows) is finished, not cut off.
        await app.translator?.idle();
        if (opts.json) return printJson({ ...summary, delivered });
        console.log(
          `polled ${summary.polled} feeds: ${summary.fresh} new items, ${summary.alerts} alerts queued, ${summary.backlog} backlog, ` +
            `${summary.notModified} not modified, ${summary.failed} failed; ${delivered} alerts delivered to console`,
        );
      });
    });

  program
    .command('items')
    .option('--limit <n>', 'how many', '20')
    .option('--json', 'print JSON')
    .description('show recent items, newest first')
    .action(async (opts: { limit: string; json?: boolean }) => {
      const limit = positiveInt(opts.limit, '--limit');
      await withApp(async (app) => {
        const items = (await app.items.recent(limit)).map(itemJson);
        if (opts.json) return printJson(items);
        if (items.length === 0) return console.log('no items yet; run "ainews poll --once" first');
        console.log(
          items
            .map((i) => `#${i.id}  ${shortTime(i.published_at)}  [${truncate(i.source ?? '', 24)}] ${i.title}${i.summary ? `\n      ${i.summary}` : ''}`)
            .join('\n'),
        );
      });
    });

  program
    .command('summarize')
    .argument('<item>', 'item id or URL')
    .option('--json', 'print JSON')
    .description('summarize an item again (with the LLM when one is configured), store the summary and print it')
    .action(async (key: string, opts: { json?: boolean }) => {
      await withApp(async (app) => {
        const item = await app.items.find(key);
        if (!item) throw new CliError(`no item ${key}; "ainews items" and "ainews search" show ids`);
        const { summary, summarizer } = await app.summaries.redo(item);
        if (opts.json) return printJson({ id: item.id, title: item.title, summary, summarizer });
        console.log(`#${item.id} ${item.title}\n${summary}\n(${summarizer})`);
      });
    });

  program
    .command('migrate')
    .description('apply pending database migrations (seeding a brand-new SQLite database) and exit; SQLite or PostgreSQL, as AINEWS_DB says')
    .action(async () => {
      const location = databaseLocation(loadCliConfig().AINEWS_DB);
      // PostgreSQL is migrated, not seeded: `ainews export-db` needs it empty.
      const applied =
        location.kind === 'postgres' ? await withPostgres(location.url, (pool) => migratePostgres(pool)) : await withApp(({ applied }) => applied);
      console.log(applied.length ? `applied ${applied.map((m) => `${m.version} ${m.name}`).join(', ')}` : 'database is up to date');
    });
}
