import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { FeedRow } from '../db/feeds.ts';
import { WebSubSubscriptions, type SubscriptionRow } from '../db/websub-subscriptions.ts';
import { formatDuration } from '../duration.ts';
import { parseOpml, toOpml } from '../feeds/opml.ts';
import { CliError, printJson, withApp } from './context.ts';
import { shortTime, truncate } from '../format.ts';
import { table } from './table.ts';
import { intervalWords } from '../polling/interval-words.ts';

/** The public shape of a feed in `feeds list --json`: fields are added, never renamed. */
export function feedJson(feed: FeedRow, subscription?: SubscriptionRow) {
  return {
    id: feed.id,
    url: feed.url,
    name: feed.name,
    status: feed.status,
    interval_seconds: feed.interval_seconds,
    interval_mode: feed.interval_mode,
    interval_reason: feed.interval_reason,
    consecutive_failures: feed.consecutive_failures,
    last_error: feed.last_error,
    last_polled_at: feed.last_polled_at,
    last_success_at: feed.last_success_at,
    next_poll_at: feed.status === 'disabled' ? null : feed.next_poll_at,
    first_success_at: feed.first_success_at,
    created_at: feed.created_at,
    websub: subscription
      ? {
          hub: subscription.hub,
          topic: subscription.topic,
          state: subscription.state,
          expires_at: subscription.expires_at,
          last_push_at: subscription.last_push_at,
          pushes: subscription.pushes,
          last_error: subscription.last_error,
        }
      : null,
  };
}

export function registerFeedsCommands(program: Command): void {
  const feeds = program.command('feeds').description('manage the feeds ainews polls');

  feeds
    .command('add')
    .argument('[url]', 'feed URL (http or https), or a web page that names its feed')
    .option('--name <name>', 'display name (default: the feed title)')
    .option('--every <duration>', 'a fixed poll interval, at least 1m (default: adaptive, learned from the feed)')
    .option('--defaults', 'add the curated default AI feeds')
    .description('subscribe to a feed, or to the default list with --defaults')
    .action(async (url: string | undefined, opts: { name?: string; every?: string; defaults?: boolean }) => {
      if (!url && !opts.defaults) throw new CliError('give a feed URL, or --defaults for the curated list');
      await withApp(async (app) => {
        if (opts.defaults) {
          const results = await app.admin.addDefaults();
          const added = results.filter((r) => r.created).length;
          console.log(`added ${added} default feeds (${results.length - added} were already there)`);
        }
        if (url) {
          const result = await app.admin.subscribe({ url, name: opts.name, every: opts.every });
          if (result.foundOn) console.log(`found the feed ${result.feed.url} on that page${result.alsoOnPage.length ? ` (it names ${result.alsoOnPage.length} more: ${result.alsoOnPage.join(', ')})` : ''}`);
          if (!result.created) throw new CliError(result.message);
          const every = result.feed.interval_mode === 'fixed' ? `every ${formatDuration(result.feed.interval_seconds * 1000)}` : 'adaptive interval';
          console.log(`added feed #${result.feed.id} ${result.feed.url} (${every}); it is polled on the next tick`);
          if (result.note) console.log(`note: ${result.note}`);
        }
      });
    });

  feeds
    .command('list')
    .option('--json', 'print JSON')
    .description('list feeds with their status')
    .action(async (opts: { json?: boolean }) => {
      await withApp(async (app) => {
        const rows = await app.feeds.list();
        const subscriptions = new Map((await new WebSubSubscriptions(app.sql).list()).map((row) => [row.feed_id, row]));
        if (opts.json) return printJson(rows.map((feed) => feedJson(feed, subscriptions.get(feed.id))));
        if (rows.length === 0) return console.log('no feeds yet; add one with "ainews feeds add <url>" or "ainews feeds add --defaults"');
        console.log(
          table(
            ['ID', 'STATUS', 'EVERY', 'LAST OK', 'NEXT POLL', 'NAME', 'URL / WHY THIS INTERVAL / LAST ERROR'],
            rows.map((f) => [
              String(f.id),
              f.status,
              `${formatDuration(f.interval_seconds * 1000)}${f.interval_mode === 'fixed' ? ' fixed' : ''}`,
              shortTime(f.last_success_at),
              f.status === 'disabled' ? 'never (disabled)' : shortTime(f.next_poll_at),
              truncate(f.name ?? '', 28),
              [f.url, `why: ${intervalWords(f)}`, ...(f.last_error ? [`last error: ${f.last_error}`] : [])].join(`\n${' '.repeat(4)}`),
            ]),
          ),
        );
      });
    });

  feeds
    .command('every')
    .argument('<id|url>', 'feed id (from "feeds list") or URL')
    .argument('<interval>', 'a fixed interval such as 30m (at least 1m), or "adaptive"')
    .description("fix a feed's poll interval, or make it adaptive again; it is due at once")
    .action(async (key: string, every: string) => {
      await withApp(async (app) => {
        const feed = await app.admin.setInterval(key, every);
        const how = feed.interval_mode === 'fixed' ? `polled every ${formatDuration(feed.interval_seconds * 1000)}` : 'polled at an interval learned from its rhythm';
        console.log(`feed #${feed.id} ${feed.url} is ${how}`);
      });
    });

  feeds
    .command('remove')
    .argument('<id|url>', 'feed id (from "feeds list") or URL')
    .description('unsubscribe; items already stored stay searchable')
    .action(async (key: string) => {
      await withApp(async (app) => {
        const feed = await app.admin.remove(key);
        console.log(`removed feed #${feed.id} ${feed.url}`);
      });
    });

  feeds
    .command('enable')
    .argument('<id|url>', 'feed id (from "feeds list") or URL')
    .description('put a disabled or failing feed back on the schedule, due at once')
    .action(async (key: string) => {
      await withApp(async (app) => {
        const feed = await app.admin.enable(key);
        console.log(`enabled feed #${feed.id} ${feed.url}; it is polled on the next tick`);
      });
    });

  feeds
    .command('import')
    .argument('<file.opml>', 'an OPML subscription list')
    .description('add every feed of an OPML file')
    .action(async (file: string) => {
      const entries = parseOpml(readFileSync(file, 'utf8'));
      await withApp(async (app) => {
        let added = 0;
        const problems: string[] = [];
        for (const entry of entries) {
          try {
            if ((await app.admin.add({ url: entry.url, name: entry.name })).created) added++;
          } catch (error) {
            problems.push(`  ${entry.url}: ${(error as Error).message}`);
          }
        }
        const existing = entries.length - added - problems.length;
        console.log(`imported ${added} of ${entries.length} feeds (${existing} already there, ${problems.length} refused)`);
        if (problems.length) console.log(problems.join('\n'));
      });
    });

  feeds
    .command('export')
    .description('print the feeds as OPML')
    .action(async () => {
      await withApp(async (app) => process.stdout.write(toOpml(await app.feeds.list())));
    });
}
