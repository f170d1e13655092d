import { describeDatabaseError } from '../db/errors.ts';
import { noticedChannels, type FeedHealthStore } from '../db/feed-health.ts';
import type { FeedRow, FeedStore } from '../db/feeds.ts';
import type { OutboxNotices } from '../db/outbox-notices.ts';
import type { WatchStore } from '../db/watches.ts';
import { classifyFailure } from '../feeds/failure-cause.ts';
import type { Logger } from '../log.ts';
import { parseWatch } from '../match/watch-query.ts';
import { sourceMatches } from '../text/fold.ts';
import { failureNotice, recoveryNotice } from './feed-notice-text.ts';

export interface FeedHealthSettings {
  /** How long a feed may fail before it is noticed (FEED_HEALTH_GRACE). */
  graceMs: number;
  /** The operator's channel (AINEWS_OPS_CHANNEL), or null. */
  opsChannel: string | null;
}

export interface FeedHealthDeps {
  feeds: Pick<FeedStore, 'find'>;
  health: FeedHealthStore;
  notices: Pick<OutboxNotices, 'queue'>;
  watches: Pick<WatchStore, 'list'>;
  /** An IMMEDIATE transaction: the outage's record and its notices are written together. */
  transaction: <T>(work: () => Promise<T>) => Promise<T>;
  log: Logger;
  settings: FeedHealthSettings;
}

/**
 * Watches every poll's outcome for outages. A feed that has failed for longer than the grace period
 * (or was disabled for failing) is noticed once per outage, with the cause in words, in the operator's
 * channel and in the channels of the watches limited to it (`source:`); when it works again, the same
 * channels are told it is back. Each notice is an outbox row, sent as every message is.
 */
export class FeedHealth {
  constructor(private readonly deps: FeedHealthDeps) {}

  async failed(feed: FeedRow, error: unknown, at: Date): Promise<void> {
    await this.guard(feed, async () => {
      const { health, transaction, settings } = this.deps;
      await transaction(async () => {
        const outage = await health.failed(feed.id, at);
        if (outage.noticed_at) return;
        // The feed as this failure left it: its failures in a row, its next poll, whether it is disabled.
        const current = (await this.deps.feeds.find(feed.id)) ?? feed;
        const lastedMs = at.getTime() - Date.parse(outage.outage_started_at);
        if (lastedMs < settings.graceMs && current.status !== 'disabled') return;
        const channels = await this.channelsFor(current);
        if (!(await health.markNoticed(feed.id, channels, at))) return;
        const text = failureNotice(current, classifyFailure(error), lastedMs, at);
        const queued = await this.queue(channels, text, at);
        this.deps.log.info({ feed: feed.id, channels: queued, since: outage.outage_started_at }, 'feed down past FEED_HEALTH_GRACE, or disabled: notice queued');
      });
    });
  }

  async succeeded(feed: FeedRow, at: Date): Promise<void> {
    await this.guard(feed, async () => {
      const { health, transaction } = this.deps;
      // Nearly every poll finds its feed well: a read, and no write lock, settles it.
      const open = await health.find(feed.id);
      if (!open || open.recovered_at !== null) return;
      await transaction(async () => {
        const ended = await health.recovered(feed.id, at);
        if (!ended?.noticed_at) return;
        const text = recoveryNotice((await this.deps.feeds.find(feed.id)) ?? feed, at.getTime() - Date.parse(ended.outage_started_at));
        const queued = await this.queue(noticedChannels(ended), text, at);
        this.deps.log.info({ feed: feed.id, channels: queued }, 'feed back after an outage: notice queued');
      });
    });
  }

  /** Queues the notice in each channel, one after another; returns the channels it was queued in. */
  private async queue(channels: string[], text: string, at: Date): Promise<string[]> {
    const queued: string[] = [];
    for (const channel of channels) if ((await this.deps.notices.queue(channel, { text }, at)) !== null) queued.push(channel);
    return queued;
  }

  /** The operator's channel, and those of the watches limited to this feed by `source:` (as search reads it). */
  private async channelsFor(feed: FeedRow): Promise<string[]> {
    const channels = new Set<string>(this.deps.settings.opsChannel ? [this.deps.settings.opsChannel] : []);
    for (const watch of await this.deps.watches.list()) {
      let source: string | null;
      try {
        source = parseWatch(watch.query).source;
      } catch {
        // A stored watch that no longer reads is left out of matching too (see `why`).
        continue;
      }
      if (source && sourceMatches(source, [feed.name ?? '', feed.url])) channels.add(watch.channel);
    }
    return [...channels];
  }

  /** Feed health never fails a poll: what goes wrong here is logged, and the next poll tries again. */
  private async guard(feed: FeedRow, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.deps.log.error({ err: (error as Error).message, feed: feed.id }, describeDatabaseError(error) ?? 'could not record the feed’s health');
    }
  }
}
