import type { FeedRow, FeedStore } from '../db/feeds.ts';
import { formatDuration, parseDuration } from '../duration.ts';
import { defaultAddressGuard, isIpLiteral } from './address-guard.ts';
import { defaultFeeds } from './default-feeds.ts';
import { parseFeedUrl } from './feed-url.ts';
import { UserError } from '../user-error.ts';

export class FeedInputError extends UserError {
  override name = 'FeedInputError';
}

export interface AddFeedRequest {
  url: string;
  name?: string | null;
  every?: string | null;
}

export type AddFeedResult = { created: true; feed: FeedRow } | { created: false; feed: FeedRow; message: string };

/**
 * Adding and removing feeds, with the checks a person deserves: a real http(s) URL, a sane interval, and a
 * clear answer when the feed is already there. Shared by the CLI and (later) the chat commands.
 */
export class FeedAdmin {
  constructor(
    private readonly feeds: FeedStore,
    private readonly settings: {
      /** For a feed added without an interval (FEED_DEFAULT_INTERVAL). */
      defaultIntervalMs: number;
      /** The shortest interval a feed may be given. */
      minIntervalMs: number;
      allowPrivateNetwork: boolean;
    },
  ) {}

  add(request: AddFeedRequest): AddFeedResult {
    const parsed = parseFeedUrl(request.url);
    // What can be told without DNS is refused now rather than failing on every poll; names are checked when fetched.
    if (!this.settings.allowPrivateNetwork) {
      if (isIpLiteral(parsed.hostname)) defaultAddressGuard.check(parsed.hostname, parsed.hostname);
      if (/(^|\.)localhost$/i.test(parsed.hostname)) defaultAddressGuard.check('127.0.0.1', parsed.hostname);
    }
    const url = parsed.href;
    const intervalMs = request.every ? this.parseInterval(request.every) : this.settings.defaultIntervalMs;
    const { feed, created } = this.feeds.add({ url, name: request.name?.trim() || null, intervalSeconds: Math.round(intervalMs / 1000) });
    if (created) return { created, feed };
    return { created, feed, message: `already subscribed: feed #${feed.id} ${feed.name ? `(${feed.name}) ` : ''}has this URL` };
  }

  addDefaults(): AddFeedResult[] {
    return defaultFeeds().map((feed) => this.add({ url: feed.url, name: feed.name, every: feed.every }));
  }

  remove(idOrUrl: string): FeedRow {
    const feed = this.find(idOrUrl);
    this.feeds.remove(feed.id);
    return feed;
  }

  /** Puts a disabled (or failing) feed back on the schedule with a clean failure count. */
  enable(idOrUrl: string): FeedRow {
    const feed = this.find(idOrUrl);
    this.feeds.enable(feed.id);
    return this.feeds.find(feed.id)!;
  }

  private find(idOrUrl: string): FeedRow {
    const key = /^\d+$/.test(idOrUrl.trim()) ? idOrUrl.trim() : parseFeedUrl(idOrUrl).href;
    const feed = this.feeds.find(key);
    if (!feed) throw new FeedInputError(`no feed ${/^\d+$/.test(key) ? `#${key}` : key}; "ainews feeds list" shows the feeds`);
    return feed;
  }

  private parseInterval(text: string): number {
    const ms = parseDuration(text);
    if (ms === null) throw new FeedInputError(`"${text}" is not an interval; write it like 30m, 2h or 1d`);
    const { minIntervalMs } = this.settings;
    if (ms < minIntervalMs) throw new FeedInputError(`the shortest interval is ${formatDuration(minIntervalMs)} (got ${text})`);
    return ms;
  }
}
