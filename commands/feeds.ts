import { formatDuration } from '../src/duration.ts';
import { relativeTime } from '../src/format.ts';
import { CommandError, requireAdmin, type CommandDefinition } from './types.ts';

export const feedsCommand: CommandDefinition = {
  name: 'feeds',
  usage: 'feeds | feeds add <url> | feeds remove <id>',
  summary: 'list feeds with their status; admins can add and remove them',
  needsAdmin: (args) => /^(add|remove)(\s|$)/.test(args.trim()),
  run(args, ctx) {
    const [action = '', ...rest] = args.trim().split(/\s+/);
    const target = rest.join(' ');
    if (action === 'add') {
      requireAdmin(ctx, 'add feeds');
      if (!target) throw new CommandError('give the feed URL: feeds add https://example.com/feed.xml');
      const result = ctx.services.admin.add({ url: target });
      if (!result.created) return { kind: 'notice', lines: [`Already subscribed: ${result.message}.`] };
      return { kind: 'notice', lines: [`Added feed #${result.feed.id} ${result.feed.url}. It is polled within a minute; its current items are stored as backlog, not posted.`] };
    }
    if (action === 'remove') {
      requireAdmin(ctx, 'remove feeds');
      if (!target) throw new CommandError('give the feed id: feeds remove 3 (feeds lists the ids)');
      const feed = ctx.services.admin.remove(target);
      return { kind: 'notice', lines: [`Removed feed #${feed.id} ${feed.name ?? feed.url}. Its items stay searchable.`] };
    }
    if (action) throw new CommandError(`unknown feeds action "${action}"`);
    const feeds = ctx.services.feeds.list();
    const now = ctx.now ?? new Date();
    return {
      kind: 'list',
      heading: `Feeds (${feeds.length})`,
      rows: feeds.map((f) => {
        const state = f.status === 'ok' ? `ok, ${f.last_success_at ? `updated ${relativeTime(f.last_success_at, now)}` : 'not polled yet'}` : `${f.status}: ${f.last_error ?? 'unknown error'}`;
        return `#${f.id}  ${f.name ?? f.url}  · every ${formatDuration(f.interval_seconds * 1000)} · ${state}`;
      }),
      empty: 'No feeds yet.',
      data: feeds.map(({ id, url, name, status, last_error, last_success_at }) => ({ id, url, name, status, last_error, last_success_at })),
    };
  },
};
