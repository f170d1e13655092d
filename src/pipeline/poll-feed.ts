import { describeDatabaseError } from '../db/errors.ts';
import type { FeedRow, FeedStore } from '../db/feeds.ts';
import type { ItemRow, ItemStore } from '../db/items.ts';
import type { FetchedFeed, Validators } from '../feeds/fetch.ts';
import { FeedFetchError } from '../feeds/errors.ts';
import { decodeFeed } from '../feeds/charset.ts';
import { normalizeEntry, type NormalizedItem } from '../feeds/normalize.ts';
import { parseFeed } from '../feeds/parse.ts';
import type { Logger } from '../log.ts';
import { backoffDelay, jittered, type BackoffSettings } from './backoff.ts';
import type { HostQueue } from './host-queue.ts';
import type { Summaries } from '../summarize/summaries.ts';
import type { AlertRouter } from './route-alerts.ts';
import type { StoryClusterer } from '../cluster/clusterer.ts';

export type FetchFn = (url: string, validators: Validators, signal?: AbortSignal) => Promise<FetchedFeed>;

export interface PollerDeps {
  feeds: FeedStore;
  items: ItemStore;
  /** Queues alerts for new items, in the transaction that stores them. */
  router: AlertRouter;
  /** Puts new items in stories before their alerts are queued. */
  stories: StoryClusterer;
  /** Summarizes new items before their alerts are queued. */
  summaries: Summaries;
  /** Runs `work` in one database transaction. */
  transaction: <T>(work: () => T) => T;
  fetch: FetchFn;
  hosts: HostQueue;
  log: Logger;
  backoff: BackoffSettings;
  maxFailures: number;
  maxItems: number;
  now?: () => Date;
  random?: () => number;
}

export interface PollOutcome {
  feed: FeedRow;
  result: 'updated' | 'not-modified' | 'failed' | 'cancelled';
  /** New items that deserve an alert (never the feed's first-poll backlog). */
  fresh: ItemRow[];
  /** Items stored as backlog by the feed's first successful poll. */
  backlog: number;
  /** Alerts queued in the outbox for the fresh items. */
  alerts: number;
  error?: string;
  disabled?: boolean;
}

/** One feed, one poll: fetch → decode → parse → normalise → store, then record how it went. */
export class FeedPoller {
  private readonly now: () => Date;
  private readonly random: () => number;

  constructor(private readonly deps: PollerDeps) {
    this.now = deps.now ?? (() => new Date());
    this.random = deps.random ?? Math.random;
  }

  async poll(feed: FeedRow, signal?: AbortSignal): Promise<PollOutcome> {
    const log = this.deps.log.child({ feed: feed.id, url: feed.url });
    try {
      const fetched = await this.deps.hosts.run(new URL(feed.url).host, () =>
        this.deps.fetch(feed.url, { etag: feed.etag, lastModified: feed.last_modified }, signal),
      );
      if (fetched.movedTo && this.deps.feeds.moveTo(feed.id, fetched.movedTo)) {
        log.info({ movedTo: fetched.movedTo }, 'feed moved permanently; stored URL updated');
      }
      if (fetched.status === 304) {
        this.deps.feeds.recordSuccess(feed.id, this.success(feed, fetched));
        return { feed, result: 'not-modified', fresh: [], backlog: 0, alerts: 0 };
      }
      return await this.store(feed, fetched, log);
    } catch (error) {
      if (signal?.aborted) return { feed, result: 'cancelled', fresh: [], backlog: 0, alerts: 0 };
      // The database failing (a full disk, a read-only file) is not the feed's fault: nothing is recorded
      // against it, and it stays due, to be polled again once the database takes writes.
      const storage = describeDatabaseError(error);
      if (storage) {
        log.error({ err: (error as Error).message }, storage);
        return { feed, result: 'failed', fresh: [], backlog: 0, alerts: 0, error: storage };
      }
      return this.fail(feed, error as Error, log);
    }
  }

  private async store(feed: FeedRow, fetched: FetchedFeed, log: Logger): Promise<PollOutcome> {
    const { text } = decodeFeed(fetched.body, fetched.contentType);
    const parsed = await parseFeed(text);
    const now = this.now();
    const context = { feedId: feed.id, feedUrl: fetched.finalUrl, feedLanguage: parsed.language ?? feed.language, now };
    let items = parsed.entries.map((entry) => normalizeEntry(entry, context)).filter((item): item is NormalizedItem => item !== null);
    if (items.length > this.deps.maxItems) {
      log.warn({ entries: items.length, kept: this.deps.maxItems }, 'feed has more entries than FEED_MAX_ITEMS; keeping the newest');
      items = items.sort((a, b) => b.publishedAt.localeCompare(a.publishedAt)).slice(0, this.deps.maxItems);
    }
    const backlog = feed.first_success_at === null;
    const sources = [feed.name ?? parsed.title ?? '', feed.url];
    const { stored, alerts, pending } = this.deps.transaction(() => {
      const stored = this.deps.items.store(feed.id, items, { backlog, now });
      this.deps.stories.assign(stored.created, feed.id, now).forEach(({ storyId }, i) => (stored.created[i]!.story_id = storyId));
      const pending = this.deps.summaries.fill(stored.created, { backlog });
      this.deps.summaries.fill(stored.edited, { backlog: true });
      return { stored, pending, alerts: backlog ? 0 : this.deps.router.route(stored.created, sources, now) };
    });
    this.deps.summaries.start(pending);
    this.deps.feeds.recordSuccess(feed.id, { ...this.success(feed, fetched), language: parsed.language, title: parsed.title });
    log.debug({ entries: items.length, created: stored.created.length, updated: stored.updated, linked: stored.linked, backlog }, 'polled');
    return {
      feed,
      result: 'updated',
      fresh: backlog ? [] : stored.created,
      backlog: backlog ? stored.created.length : 0,
      alerts,
    };
  }

  private success(feed: FeedRow, fetched: FetchedFeed) {
    const at = this.now();
    const wait = Math.max(jittered(feed.interval_seconds * 1000, this.random), fetched.maxAgeMs ?? 0);
    return { at, nextPollAt: new Date(at.getTime() + wait), etag: fetched.etag, lastModified: fetched.lastModified };
  }

  private fail(feed: FeedRow, error: Error, log: Logger): PollOutcome {
    const at = this.now();
    const failures = feed.consecutive_failures + 1;
    const disabled = failures >= this.deps.maxFailures;
    const retryAfterMs = error instanceof FeedFetchError ? (error.details.retryAfterMs ?? 0) : 0;
    const wait = Math.max(backoffDelay(failures, this.deps.backoff), Math.min(retryAfterMs, 86_400_000));
    const message = `${error.message}`;
    this.deps.feeds.recordFailure(feed.id, { at, error: message, nextPollAt: disabled ? null : new Date(at.getTime() + wait) });
    log.warn({ err: message, failures, disabled }, disabled ? 'feed disabled after repeated failures' : 'feed poll failed');
    return { feed, result: 'failed', fresh: [], backlog: 0, alerts: 0, error: message, disabled };
  }
}
