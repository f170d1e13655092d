import { setImmediate } from 'node:timers/promises';
import { describeDatabaseError } from '../db/errors.ts';
import type { FeedRow, FeedStore } from '../db/feeds.ts';
import type { ItemRow, ItemStore } from '../db/items.ts';
import type { FetchedFeed, Validators } from '../feeds/fetch.ts';
import { FeedFetchError } from '../feeds/errors.ts';
import { decodeFeed } from '../feeds/charset.ts';
import { normalizeEntry, type NormalizedItem } from '../feeds/normalize.ts';
import { parseFeed } from '../feeds/parse.ts';
import type { ParsedFeed } from '../feeds/parsed-feed.ts';
import type { Logger } from '../log.ts';
import type { PollPlanner } from '../polling/poll-planner.ts';
import { backoffDelay, type BackoffSettings } from './backoff.ts';
import type { HostQueue } from './host-queue.ts';
import type { ItemProcessor } from './process-items.ts';

/** Entries normalised between two turns of the event loop: about 25 ms of full-text articles. */
const NORMALIZE_CHUNK = 500;

export type FetchFn = (url: string, validators: Validators, signal?: AbortSignal) => Promise<FetchedFeed>;

export interface PollerDeps {
  feeds: FeedStore;
  items: ItemStore;
  /** Indexes, clusters, summarizes and routes what a poll stored. */
  processor: ItemProcessor;
  /** How many alerts are queued for these items. */
  alertsFor: (itemIds: number[]) => Promise<number>;
  fetch: FetchFn;
  hosts: HostQueue;
  /** Learns each feed's rhythm from its polls, and says when to poll it next. */
  planner: PollPlanner;
  log: Logger;
  backoff: BackoffSettings;
  maxFailures: number;
  maxItems: number;
  /** Told how each poll of a feed went (feed health); it handles its own errors. */
  observer?: PollObserver;
  /** Told what each poll that brought a body saw (the WebSub subscriber reads the feed's hub there). */
  onPolled?: (feed: FeedRow, poll: PolledBody) => Promise<void>;
  now?: () => Date;
}

/** Follows feeds' polls: a failure (with its error), or a poll that worked. */
export interface PollObserver {
  failed(feed: FeedRow, error: unknown, at: Date): Promise<void>;
  succeeded(feed: FeedRow, at: Date): Promise<void>;
}

/** A poll that brought a body: what was fetched and parsed, and how many entries were new to the feed. */
export interface PolledBody {
  fetched: FetchedFeed;
  parsed: ParsedFeed;
  fresh: number;
  at: Date;
}

/** What a poll stored, before the follow-up pass has indexed and routed it. */
export interface IngestOutcome {
  feed: FeedRow;
  result: 'updated' | 'not-modified' | 'failed' | 'cancelled';
  /** New items that deserve an alert (never the feed's first-poll backlog). */
  fresh: ItemRow[];
  /** Items stored as backlog by the feed's first successful poll. */
  backlog: number;
  error?: string;
  disabled?: boolean;
}

export interface PollOutcome extends IngestOutcome {
  /** Alerts queued in the outbox for the fresh items. */
  alerts: number;
}

/**
 * One feed, one poll: fetch → decode → parse → normalise → store, then record how it went (`ingest`);
 * `poll` then waits for the follow-up pass to index, cluster, summarize and route what was stored.
 */
export class FeedPoller {
  private readonly now: () => Date;

  constructor(private readonly deps: PollerDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Polls the feed and returns once its new items are searchable and their alerts are queued (unless the
   * follow-up pass is stopped or meets a storage error first: then they wait, queued, for the next one).
   */
  async poll(feed: FeedRow, signal?: AbortSignal): Promise<PollOutcome> {
    return this.finish(await this.ingest(feed, signal));
  }

  /** Waits for the follow-up pass to finish what `ingest` stored, and counts the alerts it queued. */
  async finish(outcome: IngestOutcome): Promise<PollOutcome> {
    if (outcome.result !== 'updated') return { ...outcome, alerts: 0 };
    await this.deps.processor.drain();
    if (outcome.fresh.length === 0) return { ...outcome, alerts: 0 };
    try {
      return { ...outcome, alerts: await this.deps.alertsFor(outcome.fresh.map((item) => item.id)) };
    } catch (error) {
      this.deps.log.error({ err: (error as Error).message, feed: outcome.feed.id }, describeDatabaseError(error) ?? 'could not count the alerts queued');
      return { ...outcome, alerts: 0 };
    }
  }

  /** Polls the feed and stores what is new, queued for the follow-up pass; nothing is indexed or routed yet. */
  async ingest(feed: FeedRow, signal?: AbortSignal): Promise<IngestOutcome> {
    const log = this.deps.log.child({ feed: feed.id, url: feed.url });
    try {
      const fetched = await this.deps.hosts.run(
        new URL(feed.url).host,
        () => this.deps.fetch(feed.url, { etag: feed.etag, lastModified: feed.last_modified }, signal),
        signal,
      );
      if (fetched.movedTo && (await this.deps.feeds.moveTo(feed.id, fetched.movedTo))) {
        log.info({ movedTo: fetched.movedTo }, 'feed moved permanently; stored URL updated');
      }
      if (fetched.status === 304) {
        await this.deps.feeds.recordSuccess(feed.id, await this.success(feed, fetched, []));
        await this.deps.observer?.succeeded(feed, this.now());
        return { feed, result: 'not-modified', fresh: [], backlog: 0 };
      }
      return await this.store(feed, fetched, log);
    } catch (error) {
      if (signal?.aborted) return { feed, result: 'cancelled', fresh: [], backlog: 0 };
      // The database failing (a full disk, a read-only file) is not the feed's fault: nothing is recorded
      // against it, and it stays due, to be polled again once the database takes writes.
      const storage = describeDatabaseError(error);
      if (storage) {
        log.error({ err: (error as Error).message }, storage);
        return { feed, result: 'failed', fresh: [], backlog: 0, error: storage };
      }
      return this.fail(feed, error as Error, log);
    }
  }

  private async store(feed: FeedRow, fetched: FetchedFeed, log: Logger): Promise<IngestOutcome> {
    const { parsed, stored, count, now, backlog } = await this.storeBody(feed, fetched.body, fetched.contentType, fetched.finalUrl, false, log);
    // A document that broke off is not what the server holds: its validators would have the next poll
    // answered 304, and the items after the cut would wait for the feed to change.
    const validators = parsed.truncated ? { etag: null, lastModified: null } : {};
    if (parsed.truncated) log.warn({ entries: count }, 'the feed broke off before its end; kept its whole items, and fetches it in full next time');
    const appeared = appearances(feed, stored.created, stored.linked, now, backlog);
    // Before the next poll is planned: a hub found missing news here has the feed planned without it.
    await this.deps.onPolled?.(feed, { fetched, parsed, fresh: backlog ? 0 : stored.created.length + stored.linked, at: now });
    await this.deps.feeds.recordSuccess(feed.id, { ...(await this.success(feed, fetched, appeared)), ...validators, language: parsed.language, title: parsed.title });
    await this.deps.observer?.succeeded(feed, this.now());
    log.debug({ entries: count, created: stored.created.length, updated: stored.updated, linked: stored.linked, backlog }, 'polled');
    return { feed, result: 'updated', fresh: backlog ? [] : stored.created, backlog: backlog ? stored.created.length : 0 };
  }

  /**
   * Stores a body a WebSub hub pushed, through the same decoding, parsing and dedupe as a poll's: what it
   * holds that is new is queued for the follow-up pass. It is no poll: the feed's schedule and validators
   * stay as they are, and a push that holds only the newest entries leaves the others' tombstones alone.
   */
  async ingestPush(feed: FeedRow, body: Buffer, contentType: string | null): Promise<IngestOutcome> {
    const log = this.deps.log.child({ feed: feed.id, url: feed.url, pushed: true });
    const { stored, now, backlog } = await this.storeBody(feed, body, contentType, feed.url, true, log);
    await this.deps.planner.observe(feed, appearances(feed, stored.created, stored.linked, now, backlog), now);
    log.debug({ created: stored.created.length, updated: stored.updated, linked: stored.linked }, 'pushed');
    return { feed, result: 'updated', fresh: backlog ? [] : stored.created, backlog: backlog ? stored.created.length : 0 };
  }

  /** decode → parse → normalise → store. */
  private async storeBody(feed: FeedRow, body: Buffer, contentType: string | null, url: string, partial: boolean, log: Logger) {
    const { text } = decodeFeed(body, contentType);
    // Turns of the event loop between stages, and within normalisation: a large feed stalls the bot (its
    // command answers, its gateway heartbeats) for one stage at most, not for the whole poll.
    await setImmediate();
    const parsed = await parseFeed(text, { url, contentType });
    const now = this.now();
    const context = { feedId: feed.id, feedUrl: url, feedLanguage: parsed.language ?? feed.language, now };
    let items: NormalizedItem[] = [];
    for (let start = 0; start < parsed.entries.length; start += NORMALIZE_CHUNK) {
      await setImmediate();
      for (const entry of parsed.entries.slice(start, start + NORMALIZE_CHUNK)) {
        const item = normalizeEntry(entry, context);
        if (item) items.push(item);
      }
    }
    if (items.length > this.deps.maxItems) {
      log.warn({ entries: items.length, kept: this.deps.maxItems }, 'feed has more entries than FEED_MAX_ITEMS; keeping the newest');
      items = items.sort((a, b) => b.publishedAt.localeCompare(a.publishedAt)).slice(0, this.deps.maxItems);
    }
    await setImmediate();
    const backlog = feed.first_success_at === null;
    const source = { name: feed.name ?? parsed.title ?? '', url: feed.url };
    const stored = await this.deps.items.store(feed.id, items, { backlog, now, source, partial: partial || parsed.truncated });
    return { parsed, stored, count: items.length, now, backlog };
  }

  private async success(feed: FeedRow, fetched: FetchedFeed, appeared: Date[]) {
    const at = this.now();
    const plan = await this.deps.planner.afterPoll(feed, { at, appeared, maxAgeMs: fetched.maxAgeMs });
    return { at, plan, etag: fetched.etag, lastModified: fetched.lastModified };
  }

  private async fail(feed: FeedRow, error: Error, log: Logger): Promise<IngestOutcome> {
    const at = this.now();
    const failures = feed.consecutive_failures + 1;
    const disabled = failures >= this.deps.maxFailures;
    const retryAfterMs = error instanceof FeedFetchError ? (error.details.retryAfterMs ?? 0) : 0;
    const wait = Math.max(backoffDelay(failures, this.deps.backoff), Math.min(retryAfterMs, 86_400_000));
    const message = `${error.message}`;
    await this.deps.feeds.recordFailure(feed.id, { at, error: message, nextPollAt: disabled ? null : new Date(at.getTime() + wait) });
    await this.deps.observer?.failed(feed, error, at);
    log.warn({ err: message, failures, disabled }, disabled ? 'feed disabled after repeated failures' : 'feed poll failed');
    return { feed, result: 'failed', fresh: [], backlog: 0, error: message, disabled };
  }
}

/**
 * When a poll's new items appeared in the feed. Somewhere since the last poll: their publication time
 * when it falls there (the best guess of it), else now. A first poll's backlog tells of the weeks
 * before it: its dated items count at their publication times, and its undated ones not at all.
 */
function appearances(feed: FeedRow, created: ItemRow[], linked: number, now: Date, backlog: boolean): Date[] {
  const dated = created.filter((item) => item.published_at_source === 'feed').map((item) => new Date(item.published_at));
  if (backlog) return dated.filter((at) => !Number.isNaN(at.getTime()));
  const after = feed.last_success_at ? new Date(feed.last_success_at).getTime() : -Infinity;
  const times = created.map((item) => {
    const published = new Date(item.published_at).getTime();
    return item.published_at_source === 'feed' && published > after && published <= now.getTime() ? new Date(published) : now;
  });
  return [...times, ...Array.from({ length: linked }, () => now)];
}
