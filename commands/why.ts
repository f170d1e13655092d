import { shortTime } from '../src/format.ts';
import { WatchMatcher, type Verdict } from '../src/match/matcher.ts';
import { defineCommand, requireChannel } from './types.ts';

export const whyCommand = defineCommand({
  name: 'why',
  usage: 'why <item url or id>',
  summary: 'explain whether this channel got an item, and why',
  description: 'Whether this channel got an item, and why',
  options: [{ name: 'item', type: 'string', rest: true, required: 'which item? Give its URL or its id (search results show ids)', description: 'the item URL or #id' }],
  access: 'anyone',
  uses: ['items', 'outbox', 'watches', 'stories'],
  cli: { name: 'why', channel: 'last' },
  run({ item: asked }, ctx) {
    const channel = requireChannel(ctx);
    const key = asked.replace(/^#/, '');
    const { items, outbox, watches } = ctx.services;
    const item = items.find(key);
    if (!item) {
      return { kind: 'notice', heading: `Why: ${key}`, lines: ['ainews has no such item: no feed has carried it yet, or its feed has not been polled since it was published.'] };
    }
    const lines: string[] = [`Item #${item.id} "${item.title}", first seen ${shortTime(item.first_seen_at)} in ${item.sources.join(', ') || 'a removed feed'}.`];
    const pending = items.pendingState(item.id);
    if (pending) {
      lines.push(
        pending.attempts > 0
          ? `Not posted yet: indexing it, putting it in a story or routing it failed ${pending.attempts} ${pending.attempts === 1 ? 'time' : 'times'} (${pending.last_error}); it is tried again at ${shortTime(pending.next_attempt_at!)}.`
          : 'It is stored and waiting for the follow-up pass that indexes it for search, puts it in a story and queues its alerts; ask again in a moment.',
      );
      return { kind: 'notice', heading: `Why: #${item.id}`, lines };
    }
    const story = ctx.services.stories.joined(item.id);
    if (story?.story_via) lines.push(`It is part of story #${story.story_id}: it was found like item #${story.story_via} (${story.story_reason}).`);
    const delivery = outbox.find(item.id, channel);
    if (delivery?.kind === 'update') {
      lines.push(`Not posted as an alert of its own: ${channel} already had story #${delivery.story_id}'s alert, so it was ${describeUpdate(delivery)}.`);
      return { kind: 'notice', heading: `Why: #${item.id}`, lines, data: delivery };
    }
    const storyAlert = !delivery && story && story.story_id !== item.id ? outbox.findStoryAlert(story.story_id, channel) : undefined;
    if (storyAlert) {
      const first = storyAlert.sent_at ? `first alerted at ${shortTime(storyAlert.sent_at)}` : `whose alert is ${storyAlert.status}`;
      lines.push(
        `Not posted on its own: ${channel} gets one alert per story, and story #${story!.story_id} was ${first} (item #${storyAlert.item_id}, watch "${storyAlert.watch_query}").`,
        storyAlert.status === 'sent' || storyAlert.status === 'pending' || storyAlert.status === 'retrying'
          ? 'Its source is named in that alert, or in an update of it (a thread reply on Slack, an edit on Discord), at most STORY_MAX_UPDATES times per alert.'
          : 'That alert was not posted, so no update was.',
      );
      return { kind: 'notice', heading: `Why: #${item.id}`, lines, data: storyAlert };
    }
    if (delivery) {
      const cause = `it matched the watch "${delivery.watch_query}"`;
      if (delivery.status === 'sent') lines.push(`Posted to ${channel} at ${shortTime(delivery.sent_at)}: ${cause}.`);
      else if (delivery.status === 'failed') lines.push(`Not posted: ${cause}, but delivery failed after ${delivery.attempts} attempts: ${delivery.last_error}.`);
      else lines.push(`Queued for ${channel} (${delivery.status}, ${delivery.attempts} attempts so far${delivery.last_error ? `, last error: ${delivery.last_error}` : ''}): ${cause}.`);
      return { kind: 'notice', heading: `Why: #${item.id}`, lines, data: delivery };
    }
    if (item.backlog) {
      const feed = items.feedsOf(item.id)[0];
      lines.push(`Not posted: it was already in ${feed?.name ?? 'its feed'} when ainews first polled that feed, so it is backlog (searchable, never posted).`);
      return { kind: 'notice', heading: `Why: #${item.id}`, lines };
    }
    const channelRow = watches.channel(channel);
    if (channelRow && !channelRow.active) {
      lines.push(`Not posted: ${channel} is inactive (${channelRow.inactive_reason ?? 'no reason recorded'}); adding a watch there makes it active again.`);
      return { kind: 'notice', heading: `Why: #${item.id}`, lines };
    }
    const channelWatches = watches.list(channel);
    if (channelWatches.length === 0) {
      lines.push(`Not posted: ${channel} watches nothing. Add a watch with /ainews watch <keyword>.`);
      return { kind: 'notice', heading: `Why: #${item.id}`, lines };
    }
    // Alerts were routed when the first feed delivered the item, with that feed as its source.
    const first = items.feedsOf(item.id)[0];
    const verdicts = new WatchMatcher(channelWatches).explain({ title: item.title, body: item.body, sources: first ? [first.name ?? '', first.url] : [] });
    const matched = verdicts.find((v) => v.verdict.kind === 'match');
    if (matched) {
      const watch = channelWatches.find((w) => w.id === matched.watch.id)!;
      lines.push(
        watch.created_at > item.first_seen_at
          ? `Not posted: it matches the watch "${watch.query}", but that watch was added (${shortTime(watch.created_at)}) after the item arrived. Watches apply to items that arrive after them.`
          : `It matches the watch "${watch.query}", yet no alert was queued for it.`,
      );
    } else {
      lines.push(`Not posted: none of the ${channelWatches.length} watches of ${channel} matches it.`);
      for (const { watch, verdict } of verdicts) lines.push(`  "${watch.query}": ${describe(verdict)}`);
    }
    return { kind: 'notice', heading: `Why: #${item.id}`, lines };
  },
});

function describe(verdict: Verdict): string {
  switch (verdict.kind) {
    case 'match':
      return 'matches';
    case 'missing':
      return `no ${verdict.terms.map((t) => `"${t}"`).join(' or ')} in the ${verdict.titleOnly ? 'title' : 'title or text'}`;
    case 'excluded':
      return `excluded by -${verdict.terms.join(', -')}`;
    case 'other-source':
      return `limited to source "${verdict.source}"`;
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
