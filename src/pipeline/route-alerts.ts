import type { ItemRow, ItemStore } from '../db/items.ts';
import type { Hold, ItemDelivery, Outbox } from '../db/outbox.ts';
import type { StoryMatches } from '../db/story-matches.ts';
import type { WatchRow, WatchStore } from '../db/watches.ts';
import type { Logger } from '../log.ts';
import { WatchMatcher, type Verdict, type WatchDefinition } from '../match/matcher.ts';
import type { HoldPolicy } from '../rhythm/hold-policy.ts';
import { takesUpdates, updateDueAt, type UpdateSettings } from './story-updates.ts';

/**
 * What routing made of one item for one channel, most telling first. `update` and `alert`: the item has
 * a row of its own there. `story-alerted`: the channel had the item's story's alert, which stands for the
 * item. Otherwise, why nothing was queued: backlog, an inactive channel, no watches, a watch added after
 * the item, a watch matching a story with fewer outlets than it asks for, no watch matching (with what
 * each made of the item), or, should it happen, a match with no alert queued.
 */
export type RouteVerdict =
  | { kind: 'update'; delivery: ItemDelivery }
  | { kind: 'alert'; delivery: ItemDelivery }
  | { kind: 'story-alerted'; alert: ItemDelivery }
  /** `feed`: the feed whose first poll carried it. */
  | { kind: 'backlog'; feed: string | null }
  | { kind: 'channel-inactive'; reason: string | null }
  | { kind: 'no-watches' }
  | { kind: 'watch-added-later'; watch: WatchRow }
  | { kind: 'below-min'; watch: WatchRow; storyId: number; outlets: number; need: number }
  | { kind: 'matched-not-queued'; watch: WatchRow }
  | { kind: 'no-match'; watches: { watch: WatchDefinition; verdict: Verdict }[] };

/** An alert to queue: the watch that fires, and the item it matched (a later outlet's item may bring it). */
interface Firing {
  watch: WatchRow;
  itemId: number;
}

/** Where routing sends one item: updates of the story's alerts, and alerts for the channels without one. */
interface Plan {
  storyId: number;
  /** The alerts channels got for the item's story (another item's): the item becomes an update of each. */
  storyAlerts: ItemDelivery[];
  /** For each other channel whose watches fire now, the watch that fires (the first, by id). */
  alerts: Firing[];
  /** Watches that match, in channels where none fires yet: the story has fewer outlets than they need. */
  waiting: { watch: WatchRow; need: number }[];
  outlets: number;
}

/** A compiled matcher over every watch, each under a key of its own so that every watch that fires is said. */
interface Compiled {
  version: string;
  matcher: WatchMatcher;
  byKey: Map<string, WatchRow>;
  byId: Map<number, WatchRow>;
}

/**
 * Turns new items into outbox rows: an alert per channel whose watches match, unless the channel already
 * has one for the item's story; then the item becomes an update of that alert instead (every channel
 * alerted about the story hears of its new sources). A watch that asks for more outlets (`min:3`, or the
 * channel's default) than the story has yet waits: the match is recorded, and the alert goes out when a
 * later outlet's item brings the story there. Backlog items get none. It runs in the follow-up pass, in
 * the transaction that takes the items off the queue, so an item is never left without its alerts, or
 * alerted twice. `explain` answers `why` from the same plan.
 */
export class AlertRouter {
  private compiled: Compiled | null = null;

  constructor(
    private readonly deps: {
      watches: WatchStore;
      outbox: Outbox;
      /** The feeds that carry an item, first first: the first one's is the source watches were matched with. */
      items: Pick<ItemStore, 'feedsOf'>;
      log: Logger;
      updates: UpdateSettings;
      /** Outlets per story, and matches waiting for more; without it, every watch fires at the first outlet. */
      matches?: StoryMatches;
      /** A channel's default minimum of outlets (`settings min`), or null. */
      channelMin?: (channel: string) => Promise<number | null>;
      /** How long a story takes items: matches older than this are forgotten. */
      storyWindowMs?: number;
      /** Whether a channel's settings hold a row back (quiet hours, a limit, a digest): by default none does. */
      holds?: Pick<HoldPolicy, 'holdFor'>;
    },
  ) {}

  /** Queues the alerts for freshly stored, clustered items; returns how many alerts were queued. */
  async route(items: ItemRow[], sources: string[], now = new Date()): Promise<number> {
    const fresh = items.filter((item) => item.backlog === 0);
    if (fresh.length === 0) return 0;
    const compiled = await this.compile();
    if (compiled.byId.size === 0) return 0;
    const { outbox, watches, log, matches } = this.deps;
    let queued = 0;
    let updates = 0;
    const inactive = new Map<string, number>();
    const mins = new Map<string, number | null>();
    for (const item of fresh) {
      const plan = await this.plan(item, sources, compiled, mins);
      for (const alert of plan.storyAlerts) {
        if (!takesUpdates(alert)) continue;
        const due = updateDueAt(await outbox.updates(alert.id), this.deps.updates, now);
        if (due && (await outbox.enqueueUpdate(alert, item.id, due, now, await this.holdFor(alert.channel, 'update', due)))) updates++;
      }
      for (const { watch, itemId } of plan.alerts) {
        const alert = { itemId, storyId: plan.storyId, channel: watch.channel, watchId: watch.id, watchQuery: watch.query, mention: watch.mention };
        if (await outbox.enqueue(alert, now, await this.holdFor(watch.channel, 'alert', now))) queued++;
        else if ((await watches.channel(watch.channel))?.active === 0) inactive.set(watch.channel, (inactive.get(watch.channel) ?? 0) + 1);
      }
      for (const { watch } of plan.waiting) await matches?.record({ story_id: plan.storyId, watch_id: watch.id, channel: watch.channel, item_id: item.id }, now);
    }
    if (matches && this.deps.storyWindowMs) await matches.prune(new Date(now.getTime() - this.deps.storyWindowMs));
    if (queued || updates) log.debug({ items: items.length, queued, updates }, 'alerts queued');
    for (const [channel, skipped] of inactive) {
      log.info({ channel, skipped, reason: (await watches.channel(channel))?.inactive_reason }, 'alerts not queued: the channel is inactive');
    }
    return queued;
  }

  /**
   * What routing made of a stored item for a channel: the row it queued there, or the plan `route`
   * follows, made again with the channel's watches as they are now, and why it queues nothing.
   */
  async explain(item: ItemRow, channel: string): Promise<RouteVerdict> {
    const { outbox, watches } = this.deps;
    const delivery = await outbox.find(item.id, channel);
    if (delivery) return { kind: delivery.kind, delivery };
    // Alerts were routed when the first feed delivered the item, with that feed as its source.
    const first = (await this.deps.items.feedsOf(item.id))[0];
    const sources = first ? [first.name ?? '', first.url] : [];
    const compiled = await this.compile();
    const plan = await this.plan(item, sources, compiled, new Map());
    const storyAlert = plan.storyAlerts.find((alert) => alert.channel === channel);
    if (storyAlert) return { kind: 'story-alerted', alert: storyAlert };
    if (item.backlog) return { kind: 'backlog', feed: first?.name ?? null };
    const state = await watches.channel(channel);
    if (state && !state.active) return { kind: 'channel-inactive', reason: state.inactive_reason };
    const channelWatches = await watches.list(channel);
    if (channelWatches.length === 0) return { kind: 'no-watches' };
    const fired = plan.alerts.find((alert) => alert.watch.channel === channel)?.watch;
    const watch = fired && channelWatches.find((w) => w.id === fired.id);
    if (watch) return watch.created_at > item.first_seen_at ? { kind: 'watch-added-later', watch } : { kind: 'matched-not-queued', watch };
    const waiting = plan.waiting.find((w) => w.watch.channel === channel);
    if (waiting) return { kind: 'below-min', watch: waiting.watch, storyId: plan.storyId, outlets: plan.outlets, need: waiting.need };
    const verdicts = compiled.matcher
      .explain(matchable(item, sources))
      .flatMap(({ watch: keyed, verdict }) => {
        const row = compiled.byKey.get(keyed.channel)!;
        return row.channel === channel ? [{ watch: { id: row.id, channel: row.channel, query: row.query }, verdict }] : [];
      });
    return { kind: 'no-match', watches: verdicts };
  }

  /** The compiled watches, rebuilt only when a watch was added or removed (by this or another process). */
  async matcher(): Promise<WatchMatcher> {
    return (await this.compile()).matcher;
  }

  private async compile(): Promise<Compiled> {
    const version = await this.deps.watches.version();
    if (this.compiled?.version !== version) {
      const rows = await this.deps.watches.list();
      const byKey = new Map(rows.map((row) => [`${row.channel}\u0000${row.id}`, row]));
      const matcher = new WatchMatcher([...byKey].map(([key, row]) => ({ id: row.id, channel: key, query: row.query })));
      this.compiled = { version, matcher, byKey, byId: new Map(rows.map((row) => [row.id, row])) };
    }
    return this.compiled;
  }

  private async holdFor(channel: string, kind: 'alert' | 'update', at: Date): Promise<Hold | null> {
    return (await this.deps.holds?.holdFor(channel, kind, at)) ?? null;
  }

  /** The outlets a watch asks for: its own `min:N`, else its channel's default, else one. */
  private async need(watch: WatchRow, mins: Map<string, number | null>): Promise<number> {
    if (watch.min_sources !== null) return watch.min_sources;
    if (!mins.has(watch.channel)) mins.set(watch.channel, (await this.deps.channelMin?.(watch.channel)) ?? null);
    return mins.get(watch.channel) ?? 1;
  }

  private async plan(item: ItemRow, sources: string[], compiled: Compiled, mins: Map<string, number | null>): Promise<Plan> {
    const storyId = item.story_id ?? item.id;
    const storyAlerts = storyId === item.id ? [] : await this.deps.outbox.storyAlerts(storyId);
    const alerted = new Set(storyAlerts.map((alert) => alert.channel));
    const outlets = (await this.deps.matches?.outlets(storyId)) ?? 1;
    const byChannel = new Map<string, WatchRow[]>();
    for (const keyed of compiled.matcher.match(matchable(item, sources))) {
      const watch = compiled.byKey.get(keyed.channel)!;
      if (!alerted.has(watch.channel)) byChannel.set(watch.channel, [...(byChannel.get(watch.channel) ?? []), watch]);
    }
    // Earlier items of the story matched watches that wanted more outlets: this one may bring them there,
    // and the alert is about the item that matched first.
    const earlier = storyId !== item.id && this.deps.matches ? await this.deps.matches.of(storyId) : [];
    const alerts: Firing[] = [];
    const waiting: Plan['waiting'] = [];
    for (const [channel, watches] of byChannel) {
      let fires: WatchRow | undefined;
      for (const watch of watches) {
        if ((await this.need(watch, mins)) > outlets) continue;
        fires = watch;
        break;
      }
      if (fires) alerts.push({ watch: fires, itemId: earlier.find((match) => match.channel === channel)?.item_id ?? item.id });
      else for (const watch of watches) waiting.push({ watch, need: await this.need(watch, mins) });
    }
    if (earlier.length) {
      for (const match of earlier) {
        const watch = compiled.byId.get(match.watch_id);
        if (!watch || alerted.has(match.channel) || alerts.some((a) => a.watch.channel === match.channel)) continue;
        if ((await this.need(watch, mins)) <= outlets) alerts.push({ watch, itemId: match.item_id });
      }
    }
    return { storyId, storyAlerts, alerts, waiting, outlets };
  }
}

function matchable(item: ItemRow, sources: string[]): { title: string; body: string; sources: string[] } {
  return { title: item.title, body: item.body, sources };
}
