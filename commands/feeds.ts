import { formatDuration } from '../src/duration.ts';
import { relativeTime } from '../src/format.ts';
import { intervalWords } from '../src/polling/interval-words.ts';
import { defineCommand } from './types.ts';

export const feedsCommand = defineCommand({
  name: 'feeds',
  usage: 'feeds',
  summary: 'list feeds with their status',
  description: 'The feeds, with their status',
  options: [],
  access: 'anyone',
  uses: ['feeds'],
  async run(_options, ctx) {
    const feeds = await ctx.services.feeds.list();
    const now = ctx.now ?? new Date();
    return {
      kind: 'list',
      heading: `Feeds (${feeds.length})`,
      rows: feeds.map((f) => {
        const state = f.status === 'ok' ? `ok, ${f.last_success_at ? `updated ${relativeTime(f.last_success_at, now)}` : 'not polled yet'}` : `${f.status}: ${f.last_error ?? 'unknown error'}`;
        return `#${f.id}  ${f.name ?? f.url}  · every ${formatDuration(f.interval_seconds * 1000)} · ${state}\n    ${intervalWords(f)}`;
      }),
      empty: 'No feeds yet.',
      data: feeds.map(({ id, url, name, status, last_error, last_success_at, interval_mode, interval_seconds, interval_reason }) => ({
        id, url, name, status, last_error, last_success_at, interval_mode, interval_seconds, interval_reason,
      })),
    };
  },
});

export const feedsAddCommand = defineCommand({
  name: 'feeds add',
  usage: 'feeds add <url>',
  summary: 'subscribe to a feed, or to the feed a web page names (admins)',
  description: 'Subscribe to a feed',
  options: [{ name: 'url', type: 'string', rest: true, required: 'give the feed URL: feeds add https://example.com/feed.xml', description: 'the feed URL (http or https), or a page naming its feed' }],
  access: 'admin',
  action: 'add feeds',
  writes: true,
  uses: ['admin'],
  async run({ url }, ctx) {
    const result = await ctx.services.admin.subscribe({ url });
    const found = result.foundOn ? [`Found the feed ${result.feed.url} on that page${result.alsoOnPage.length ? ` (it names ${result.alsoOnPage.length} more)` : ''}.`] : [];
    if (!result.created) return { kind: 'notice', lines: [...found, `Already subscribed: ${result.message}.`] };
    const added = `Added feed #${result.feed.id} ${result.feed.url}. It is polled within a minute; its current items are stored as backlog, not posted.`;
    return { kind: 'notice', lines: [...found, added, ...(result.note ? [`Note: ${result.note}.`] : [])] };
  },
});

export const feedsRemoveCommand = defineCommand({
  name: 'feeds remove',
  usage: 'feeds remove <id>',
  summary: 'unsubscribe from a feed; its items stay searchable (admins)',
  description: 'Unsubscribe from a feed',
  options: [{ name: 'feed', type: 'string', rest: true, required: 'give the feed id: feeds remove 3 (feeds lists the ids)', autocomplete: 'feeds', description: 'the feed, by #id or URL' }],
  access: 'admin',
  action: 'remove feeds',
  writes: true,
  uses: ['admin'],
  async run({ feed }, ctx) {
    const removed = await ctx.services.admin.remove(feed.replace(/^#/, ''));
    return { kind: 'notice', lines: [`Removed feed #${removed.id} ${removed.name ?? removed.url}. Its items stay searchable.`] };
  },
});
