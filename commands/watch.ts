import { MAX_WATCHES_PER_CHANNEL } from '../src/db/watches.ts';
import { WATCH_SYNTAX } from '../src/match/watch-query.ts';
import { shortTime } from '../src/format.ts';
import { CommandError, requireChannel, type CommandDefinition } from './types.ts';

export const watchCommand: CommandDefinition = {
  name: 'watch',
  usage: 'watch <keyword or "phrase"> [-exclude] [source:<name>] [in:title] | watch *',
  summary: `post new items that match to this channel (at most ${MAX_WATCHES_PER_CHANNEL} watches per channel)`,
  run(args, ctx) {
    const channel = requireChannel(ctx);
    const { watch, created, reactivated } = ctx.services.watches.add(channel, args, ctx.user, ctx.now);
    const revived = reactivated ? [`This channel had been marked inactive (${reactivated}); alerts will be posted here again.`] : [];
    if (!created) return { kind: 'notice', lines: [`This channel already watches that, as #${watch.id} "${watch.query}".`, ...revived], data: watch };
    return {
      kind: 'notice',
      announce: true,
      lines: [
        `Watching "${watch.query}" here (#${watch.id}).`,
        'New items that match are posted to this channel; items collected before now are not. Search them with /ainews <query>.',
        ...revived,
      ],
      data: watch,
    };
  },
};

export const unwatchCommand: CommandDefinition = {
  name: 'unwatch',
  usage: 'unwatch <keyword or #id>',
  summary: 'stop a watch of this channel',
  run(args, ctx) {
    const channel = requireChannel(ctx);
    if (!args.trim()) throw new CommandError('which watch? Give its keyword or its #id (/ainews watches lists them)');
    const removed = ctx.services.watches.remove(channel, args);
    if (!removed) throw new CommandError(`this channel has no watch "${args.trim()}"; /ainews watches lists them`);
    return { kind: 'notice', announce: true, lines: [`Stopped watching "${removed.query}" (#${removed.id}).`], data: removed };
  },
};

export const watchesCommand: CommandDefinition = {
  name: 'watches',
  usage: 'watches',
  summary: "list this channel's watches",
  run(_args, ctx) {
    const watches = ctx.services.watches.list(ctx.channel ?? undefined);
    return {
      kind: 'list',
      heading: ctx.channel ? `Watches of ${ctx.channel} (${watches.length} of ${MAX_WATCHES_PER_CHANNEL})` : `Watches (${watches.length})`,
      rows: watches.map((w) => `#${w.id}  ${w.query}${ctx.channel ? '' : `  in ${w.channel}`}  · added ${shortTime(w.created_at)}${w.created_by ? ` by ${w.created_by}` : ''}`),
      empty: `No watches yet. Add one with: /ainews ${WATCH_SYNTAX}`,
      data: watches.map(({ id, channel, query, created_by, created_at }) => ({ id, channel, query, created_by, created_at })),
    };
  },
};
