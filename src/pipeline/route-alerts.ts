import type { ItemRow } from '../db/items.ts';
import type { Outbox } from '../db/outbox.ts';
import type { WatchStore } from '../db/watches.ts';
import type { Logger } from '../log.ts';
import { WatchMatcher } from '../match/matcher.ts';
import { takesUpdates, updateDueAt, type UpdateSettings } from './story-updates.ts';

/**
 * Turns new items into outbox rows: an alert per channel whose watches match, unless the channel already
 * has one for the item's story; then the item becomes an update of that alert instead (every channel
 * alerted about the story hears of its new sources). It runs inside the transaction that stores the
 * items, so an item is never stored without its alerts, or alerted twice.
 */
export class AlertRouter {
  private compiled: { version: string; matcher: WatchMatcher } | null = null;

  constructor(
    private readonly watches: WatchStore,
    private readonly outbox: Outbox,
    private readonly log: Logger,
    private readonly updates: UpdateSettings,
  ) {}

  /** Queues the alerts for freshly stored (never backlog), clustered items; returns how many alerts were queued. */
  route(items: ItemRow[], sources: string[], now = new Date()): number {
    if (items.length === 0) return 0;
    const matcher = this.matcher();
    if (matcher.size === 0) return 0;
    let queued = 0;
    let updates = 0;
    const inactive = new Map<string, number>();
    for (const item of items) {
      const storyId = item.story_id ?? item.id;
      const alerted = new Set<string>();
      if (storyId !== item.id) {
        for (const alert of this.outbox.storyAlerts(storyId)) {
          alerted.add(alert.channel);
          if (!takesUpdates(alert)) continue;
          const due = updateDueAt(this.outbox.updates(alert.id), this.updates, now);
          if (due && this.outbox.enqueueUpdate(alert, item.id, due, now)) updates++;
        }
      }
      for (const watch of matcher.match({ title: item.title, body: item.body, sources })) {
        if (alerted.has(watch.channel)) continue;
        if (this.outbox.enqueue({ itemId: item.id, storyId, channel: watch.channel, watchId: watch.id, watchQuery: watch.query }, now)) queued++;
        else if (this.watches.channel(watch.channel)?.active === 0) inactive.set(watch.channel, (inactive.get(watch.channel) ?? 0) + 1);
      }
    }
    if (queued || updates) this.log.debug({ items: items.length, queued, updates }, 'alerts queued');
    for (const [channel, skipped] of inactive) {
      this.log.info({ channel, skipped, reason: this.watches.channel(channel)?.inactive_reason }, 'alerts not queued: the channel is inactive');
    }
    return queued;
  }

  /** The compiled watches, rebuilt only when a watch was added or removed (by this or another process). */
  matcher(): WatchMatcher {
    const version = this.watches.version();
    if (this.compiled?.version !== version) this.compiled = { version, matcher: new WatchMatcher(this.watches.list()) };
    return this.compiled.matcher;
  }
}
