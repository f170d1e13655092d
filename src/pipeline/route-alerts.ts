import type { ItemRow, ItemStore } from '../db/items.ts';
import type { Hold, ItemDelivery, Outbox } from '../db/outbox.ts';
import type { HoldPolicy } from '../rhythm/hold-policy.ts';
import type { WatchRow, WatchStore } from '../db/watches.ts';
import type { Logger } from '../log.ts';
import { WatchMatcher, type Verdict, type WatchDefinition } from '../match/matcher.ts';
import { takesUpdates, updateDueAt, type UpdateSettings } from './story-updates.ts';

/**
 * What routing made of one item for one channel, most telling first. `update` and `alert`: the item has
 * a row of its own there. `story-alerted`: the channel had the item's story's alert, which stands for the
 * item. Otherwise, why nothing was queued: backlog, an inactive channel, no watches, a watch added after
 * the item, no watch matching (with what each made of the item), or, should it happen, a match with no
 * alert queued.
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
  | { kind: 'matched-not-queued'; watch: WatchRow }
  | { kind: 'no-match'; watches: { watch: WatchDefinition; verdict: Verdict }[] };

/** Where routing sends one item: updates of the story's alerts, and alerts for the channels without one. */
interface Plan {
  storyId: number;
  /** The alerts channels got for the item's story (another item's): the item becomes an update of each. */
  storyAlerts: ItemDelivery[];
  /** For each other channel whose watches match, the watch that fires (the first, by id). */
  alerts: WatchDefinition[];
}

/**
 * Turns new items into outbox rows: an alert per channel whose watches match, unless the channel already
 * has one for the item's story; then the item becomes an update of that alert instead (every channel
 * alerted about the story hears of its new sources). Backlog items get none. It runs in the follow-up
 * pass, in the transaction that takes the items off the queue, so an item is never left without its
 * alerts, or alerted twice. `explain` answers `why` from the same plan.
 */
export class AlertRouter {
  private compiled: { version: string; matcher: WatchMatcher } | null = null;

  constructor(
    private readonly deps: {
      watches: WatchStore;
      outbox: Outbox;
      /** The feeds that carry an item, first first: the first one's is the source watches were matched with. */
      items: Pick<ItemStore, 'feedsOf'>;
      log: Logger;
      updates: UpdateSettings;
      /** Whether a channel's settings hold a row back (quiet hours, a limit, a digest): by default none does. */
      holds?: Pick<HoldPolicy, 'holdFor'>;
    },
  ) {}

  /** Queues the alerts for freshly stored, clustered items; returns how many alerts were queued. */
  route(items: ItemRow[], sources: string[], now = new Date()): number {
    const fresh = items.filter((item) => item.backlog === 0);
    if (fresh.length === 0) return 0;
    const matcher = this.matcher();
    if (matcher.size === 0) return 0;
    const { outbox, watches, log } = this.deps;
    let queued = 0;
    let updates = 0;
    const inactive = new Map<string, number>();
    for (const item of fresh) {
      const plan = this.plan(item, sources, matcher);
      for (const alert of plan.storyAlerts) {
        if (!takesUpdates(alert)) continue;
        const due = updateDueAt(outbox.updates(alert.id), this.deps.updates, now);
        if (due && outbox.enqueueUpdate(alert, item.id, due, now, this.holdFor(alert.channel, 'update', due))) updates++;
      }
      for (const watch of plan.alerts) {
        const alert = { itemId: item.id, storyId: plan.storyId, channel: watch.channel, watchId: watch.id, watchQuery: watch.query };
        if (outbox.enqueue(alert, now, this.holdFor(watch.channel, 'alert', now))) queued++;
        else if (watches.channel(watch.channel)?.active === 0) inactive.set(watch.channel, (inactive.get(watch.channel) ?? 0) + 1);
      }
    }
    if (queued || updates) log.debug({ items: items.length, queued, updates }, 'alerts queued');
    for (const [channel, skipped] of inactive) {
      log.info({ channel, skipped, reason: watches.channel(channel)?.inactive_reason }, 'alerts not queued: the channel is inactive');
    }
    return queued;
  }

  /**
   * What routing made of a stored item for a channel: the row it queued there, or the plan `route`
   * follows, made again with the channel's watches as they are now, and why it queues nothing.
   */
  explain(item: ItemRow, channel: string): RouteVerdict {
    const { outbox, watches } = this.deps;
    const delivery = outbox.find(item.id, channel);
    if (delivery) return { kind: delivery.kind, delivery };
    // Alerts were routed when the first feed delivered the item, with that feed as its source.
    const first = this.deps.items.feedsOf(item.id)[0];
    const sources = first ? [first.name ?? '', first.url] : [];
    const matcher = this.matcher();
    const plan = this.plan(item, sources, matcher);
    const storyAlert = plan.storyAlerts.find((alert) => alert.channel === channel);
    if (storyAlert) return { kind: 'story-alerted', alert: storyAlert };
    if (item.backlog) return { kind: 'backlog', feed: first?.name ?? null };
    const state = watches.channel(channel);
    if (state && !state.active) return { kind: 'channel-inactive', reason: state.inactive_reason };
    const channelWatches = watches.list(channel);
    if (channelWatches.length === 0) return { kind: 'no-watches' };
    const fired = plan.alerts.find((watch) => watch.channel === channel);
    const watch = fired && channelWatches.find((w) => w.id === fired.id);
    if (watch) return watch.created_at > item.first_seen_at ? { kind: 'watch-added-later', watch } : { kind: 'matched-not-queued', watch };
    return { kind: 'no-match', watches: matcher.explain(matchable(item, sources), channel) };
  }

  private holdFor(channel: string, kind: 'alert' | 'update', at: Date): Hold | null {
    return this.deps.holds?.holdFor(channel, kind, at) ?? null;
  }

  /** The compiled watches, rebuilt only when a watch was added or removed (by this or another process). */
  matcher(): WatchMatcher {
    const version = this.deps.watches.version();
    if (this.compiled?.version !== version) this.compiled = { version, matcher: new WatchMatcher(this.deps.watches.list()) };
    return this.compiled.matcher;
  }

  private plan(item: ItemRow, sources: string[], matcher: WatchMatcher): Plan {
    const storyId = item.story_id ?? item.id;
    const storyAlerts = storyId === item.id ? [] : this.deps.outbox.storyAlerts(storyId);
    const alerted = new Set(storyAlerts.map((alert) => alert.channel));
    const alerts = matcher.match(matchable(item, sources)).filter((watch) => !alerted.has(watch.channel));
    return { storyId, storyAlerts, alerts };
  }
}

function matchable(item: ItemRow, sources: string[]): { title: string; body: string; sources: string[] } {
  return { title: item.title, body: item.body, sources };
}
