import { shortTime } from '../src/format.ts';
import type { Verdict } from '../src/match/matcher.ts';
import type { RouteVerdict } from '../src/pipeline/route-alerts.ts';
import { describeGathering } from './why-gathered.ts';
import { defineCommand, requireChannel } from './types.ts';

export const whyCommand = defineCommand({
  name: 'why',
  usage: 'why <item url or id>',
  summary: 'explain whether this channel got an item, and why',
  description: 'Whether this channel got an item, and why',
  options: [{ name: 'item', type: 'string', rest: true, required: 'which item? Give its URL or its id (search results show ids)', description: 'the item URL or #id' }],
  access: 'anyone',
  uses: ['items', 'router', 'stories', 'outbox', 'rhythm'],
  cli: { name: 'why', channel: 'last' },
  async run({ item: asked }, ctx) {
    const channel = requireChannel(ctx);
    const key = asked.replace(/^#/, '');
    const { items, router, stories, outbox, rhythm } = ctx.services;
    const item = await items.find(key);
    if (!item) {
      return { kind: 'notice', heading: `Why: ${key}`, lines: ['ainews has no such item: no feed has carried it yet, or its feed has not been polled since it was published.'] };
    }
    const lines: string[] = [`Item #${item.id} "${item.title}", first seen ${shortTime(item.first_seen_at)} in ${item.sources.join(', ') || 'a removed feed'}.`];
    const pending = await items.pendingState(item.id);
    if (pending) {
      lines.push(
        pending.attempts > 0
          ? `Not posted yet: indexing it, putting it in a story or routing it failed ${pending.attempts} ${pending.attempts === 1 ? 'time' : 'times'} (${pending.last_error}); it is tried again at ${shortTime(pending.next_attempt_at!)}.`
          : 'It is stored and waiting for the follow-up pass that indexes it for search, puts it in a story and queues its alerts; ask again in a moment.',
      );
      return { kind: 'notice', heading: `Why: #${item.id}`, lines };
    }
    const story = await stories.joined(item.id);
    if (story?.story_via) lines.push(`It is part of story #${story.story_id}: it was found like item #${story.story_via} (${story.story_reason}).`);
    const verdict = await router.explain(item, channel);
    const delivery = verdict.kind === 'alert' || verdict.kind === 'update' ? verdict.delivery : null;
    const gathering = delivery && (await describeGathering(delivery, { outbox, zone: (await rhythm.settings(channel)).timezone, now: ctx.now ?? new Date() }));
    const { said, data } = gathering ? { said: gathering, data: delivery } : describeVerdict(verdict, channel);
    const translation = delivery ? describeTranslation(delivery) : [];
    return { kind: 'notice', heading: `Why: #${item.id}`, lines: [...lines, ...said, ...translation], ...(data === undefined ? {} : { data }) };
  },
});

/** The router's verdict in words, with the outbox row it rests on, if any. */
function describeVerdict(verdict: RouteVerdict, channel: string): { said: string[]; data?: unknown } {
  switch (verdict.kind) {
    case 'update': {
      const { delivery } = verdict;
      return { said: [`Not posted as an alert of its own: ${channel} already had story #${delivery.story_id}'s alert, so it was ${describeUpdate(delivery)}.`], data: delivery };
    }
    case 'story-alerted': {
      const { alert } = verdict;
      const first = alert.sent_at ? `first alerted at ${shortTime(alert.sent_at)}` : `whose alert is ${alert.status}`;
      return {
        said: [
          `Not posted on its own: ${channel} gets one alert per story, and story #${alert.story_id} was ${first} (item #${alert.item_id}, watch "${alert.watch_query}").`,
          alert.status === 'sent' || alert.status === 'pending' || alert.status === 'retrying'
            ? 'Its source is named in that alert, or in an update of it (a thread reply on Slack, an edit on Discord), at most STORY_MAX_UPDATES times per alert.'
            : 'That alert was not posted, so no update was.',
        ],
        data: alert,
      };
    }
    case 'alert': {
      const { delivery } = verdict;
      const cause = `it matched the watch "${delivery.watch_query}"`;
      if (delivery.status === 'sent') return { said: [`Posted to ${channel} at ${shortTime(delivery.sent_at)}: ${cause}.`], data: delivery };
      if (delivery.status === 'failed') return { said: [`Not posted: ${cause}, but delivery failed after ${delivery.attempts} attempts: ${delivery.last_error}.`], data: delivery };
      return {
        said: [`Queued for ${channel} (${delivery.status}, ${delivery.attempts} attempts so far${delivery.last_error ? `, last error: ${delivery.last_error}` : ''}): ${cause}.`],
        data: delivery,
      };
    }
    case 'backlog':
      return { said: [`Not posted: it was already in ${verdict.feed ?? 'its feed'} when ainews first polled that feed, so it is backlog (searchable, never posted).`] };
    case 'channel-inactive':
      return { said: [`Not posted: ${channel} is inactive (${verdict.reason ?? 'no reason recorded'}); adding a watch there makes it active again.`] };
    case 'no-watches':
      return { said: [`Not posted: ${channel} watches nothing. Add a watch with /ainews watch <keyword>.`] };
    case 'watch-added-later':
      return {
        said: [
          `Not posted: it matches the watch "${verdict.watch.query}", but that watch was added (${shortTime(verdict.watch.created_at)}) after the item arrived. Watches apply to items that arrive after them.`,
        ],
      };
    case 'below-min': {
      const { watch, storyId, outlets, need } = verdict;
      const own = watch.min_sources !== null ? `this watch needs (min:${need})` : `this channel needs (settings min ${need})`;
      return {
        said: [
          `Not posted yet: it matches the watch "${watch.query}", but story #${storyId} has ${outlets} of the ${need} sources ${own}. The alert goes out when another outlet reports the story within STORY_WINDOW.`,
        ],
      };
    }
    case 'matched-not-queued':
      return { said: [`It matches the watch "${verdict.watch.query}", yet no alert was queued for it.`] };
    case 'no-match':
      return {
        said: [
          `Not posted: none of the ${verdict.watches.length} watches of ${channel} matches it.`,
          ...verdict.watches.map(({ watch, verdict: made }) => `  "${watch.query}": ${describe(made)}`),
        ],
      };
  }
}

/** What the row showed of a translation into the channel's language, when one was wanted. */
function describeTranslation(delivery: { translated: 0 | 1 | null; untranslated_reason: string | null }): string[] {
  if (delivery.translated === null) return [];
  return [delivery.translated ? "Shown translated into this channel's language, with the original title under it." : `Shown untranslated: ${delivery.untranslated_reason ?? 'no reason recorded'}.`];
}

function describe(verdict: Verdict): string {
  switch (verdict.kind) {
    case 'match':
      return 'matches';
    case 'missing':
      return `no ${verdict.terms.map((t) => `"${t}"`).join(' or ')} in the ${verdict.titleOnly ? 'title' : 'title or text'}`;
    case 'no-regex-match':
      return `no match for ${verdict.regex} in the ${verdict.titleOnly ? 'title' : 'title or text'}`;
    case 'excluded':
      return `excluded by -${verdict.terms.join(', -')}`;
    case 'other-source':
      return `limited to source "${verdict.source}"`;
    case 'unreadable':
      return `never matches: it no longer reads as a watch (${verdict.reason}); remove it by its #id (/ainews watches lists them)`;
  }
}

function describeUpdate(update: { status: string; sent_at: string | null; next_attempt_at: string; last_error: string | null }): string {
  switch (update.status) {
    case 'sent':
      return `named in an update of that alert at ${shortTime(update.sent_at)}`;
    case 'skipped':
      return 'going to be named in an update, but the alert or an earlier update named its source already';
    case 'failed':
      return `going to be named in an update, which failed: ${update.last_error}`;
    default:
      return `queued as an update of that alert, due ${shortTime(update.next_attempt_at)} (updates are gathered and spaced out: STORY_UPDATE_DELAY, STORY_UPDATE_INTERVAL)`;
  }
}
