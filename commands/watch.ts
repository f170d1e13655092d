import { MAX_WATCHES_PER_CHANNEL, type WatchRow } from '../src/db/watches.ts';
import type { MentionTarget } from '../src/mention.ts';
import { MAX_REGEX_CHARS } from '../src/match/regex-watch.ts';
import { MAX_WATCH_CHARS, parseWatch, WATCH_SYNTAX } from '../src/match/watch-query.ts';
import { shortTime } from '../src/format.ts';
import { CommandError, defineCommand, requireChannel } from './types.ts';

const CHANGE_WATCHES = "change this channel's watches";

export const watchCommand = defineCommand({
  name: 'watch',
  usage: 'watch <keyword or "phrase"> [-exclude] [source:<name>] [in:title] [min:<outlets>] [mention:@who] | watch /regex/i | watch *',
  summary: `post new items that match to this channel (at most ${MAX_WATCHES_PER_CHANNEL} watches per channel)`,
  description: 'Post new items that match to this channel',
  options: [
    {
      name: 'keyword',
      type: 'string',
      rest: true,
      required: `what should this channel watch? Usage: ${WATCH_SYNTAX}`,
      // A regex watch's pattern alone may take 200 characters, its modifiers 100 more.
      maxLength: MAX_REGEX_CHARS + MAX_WATCH_CHARS,
      description: 'keyword or "phrase", /regex/i, -exclude, source:, in:title, min:N, mention:@who, or *',
    },
  ],
  access: 'channel-manager',
  action: CHANGE_WATCHES,
  writes: true,
  needsPosting: true,
  uses: ['watches'],
  cli: { name: 'watch add', channel: 'first' },
  async run({ keyword }, ctx) {
    const channel = requireChannel(ctx);
    const spec = parseWatch(keyword);
    let mention: MentionTarget | null = null;
    if (spec.mention !== null) {
      if (!ctx.mention) throw new CommandError('mentions cannot be made here');
      mention = await ctx.mention(spec.mention);
    }
    const { watch, created, reactivated } = await ctx.services.watches.add(channel, keyword, ctx.user, ctx.now, mention);
    const revived = reactivated ? [`This channel had been marked inactive (${reactivated}); alerts will be posted here again.`] : [];
    if (!created) return { kind: 'notice', lines: [`This channel already watches that, as #${watch.id} "${watch.query}".`, ...revived], data: { ...watch, ...watchJson(watch) } };
    const min = watch.min_sources ? [`It alerts once a story is carried by ${watch.min_sources} outlets, naming them all; a story that never gets there is not alerted.`] : [];
    const ping = mention ? [`Its alerts mention ${mention.label} (updates of a story, folds and digests do not).`] : [];
    return {
      kind: 'notice',
      announce: true,
      lines: [
        `Watching "${watch.query}" here (#${watch.id}).`,
        'New items that match are posted to this channel; items collected before now are not. Search them with /ainews <query>.',
        ...min,
        ...ping,
        ...revived,
      ],
      data: { ...watch, ...watchJson(watch) },
    };
  },
});

export const unwatchCommand = defineCommand({
  name: 'unwatch',
  usage: 'unwatch <keyword or #id>',
  summary: 'stop a watch of this channel',
  description: 'Stop a watch of this channel',
  options: [
    {
      name: 'keyword',
      type: 'string',
      rest: true,
      required: 'which watch? Give its keyword or its #id (/ainews watches lists them)',
      autocomplete: 'channel-watches',
      description: 'the watch, by keyword or #id',
    },
  ],
  access: 'channel-manager',
  action: CHANGE_WATCHES,
  writes: true,
  uses: ['watches'],
  cli: { name: 'watch remove', channel: 'first' },
  async run({ keyword }, ctx) {
    const channel = requireChannel(ctx);
    const removed = await ctx.services.watches.remove(channel, keyword);
    if (!removed) throw new CommandError(`this channel has no watch "${keyword}"; /ainews watches lists them`);
    return { kind: 'notice', announce: true, lines: [`Stopped watching "${removed.query}" (#${removed.id}).`], data: removed };
  },
});

export const watchesCommand = defineCommand({
  name: 'watches',
  usage: 'watches',
  summary: "list this channel's watches",
  description: "This channel's watches",
  options: [],
  access: 'anyone',
  uses: ['watches', 'rhythm'],
  cli: { name: 'watch list', channel: 'optional', json: true },
  async run(_options, ctx) {
    const watches = await ctx.services.watches.list(ctx.channel ?? undefined);
    const channelMin = ctx.channel ? (await ctx.services.rhythm.settings(ctx.channel)).minSources : null;
    return {
      kind: 'list',
      heading: ctx.channel ? `Watches of ${ctx.channel} (${watches.length} of ${MAX_WATCHES_PER_CHANNEL})` : `Watches (${watches.length})`,
      rows: watches.map((w) => `#${w.id}  ${w.query}${ctx.channel ? '' : `  in ${w.channel}`}  · ${minOf(w, channelMin)}${w.mention ? ` · mentions ${mentionOf(w)!.label}` : ''} · added ${shortTime(w.created_at)}${w.created_by ? ` by ${w.created_by}` : ''}`),
      empty: `No watches yet. Add one with: /ainews ${WATCH_SYNTAX}`,
      data: watches.map(watchJson),
    };
  },
});

function mentionOf(watch: WatchRow): MentionTarget | null {
  return watch.mention ? (JSON.parse(watch.mention) as MentionTarget) : null;
}

/** `min 3`, or the channel's default, in words. */
function minOf(watch: WatchRow, channelMin: number | null): string {
  if (watch.min_sources) return `min ${watch.min_sources} outlets`;
  return channelMin ? `min ${channelMin} outlets (the channel's)` : 'any story';
}

/** A watch as `watch list --json` prints it: the field names are a contract. */
function watchJson(watch: WatchRow) {
  const { id, channel, query, created_by, created_at } = watch;
  return { id, channel, query, created_by, created_at, min_sources: watch.min_sources, mention: mentionOf(watch), regex: query.trim().startsWith('/') };
}
