import type { FeedRow, FeedStore } from '../db/feeds.ts';
import { formatDuration, parseDuration } from '../duration.ts';
import { defaultAddressGuard, isIpLiteral } from './address-guard.ts';
import { defaultFeeds } from './default-feeds.ts';
import { classifyFailure, describeCause } from './failure-cause.ts';
import { discoverFeed, FeedDiscoveryError, type Discovery, type Probe } from './feed-discovery.ts';
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

/** What `subscribe` did besides adding: the page it found the feed on, and what fetching it said. */
export type SubscribeResult = AddFeedResult & {
  /** The web page that was given, when the feed added is the one it names. */
  foundOn: string | null;
  /** The page's other feeds, not added. */
  alsoOnPage: string[];
  /** Why the feed could not be fetched just now, when it could not (it is added all the same). */
  note: string | null;
};

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
    /** Fetches a URL to see whether it is a feed or a page naming one; without it, `subscribe` is `add`. */
    private readonly probe: Probe | null = null,
    /** When a feed is added (and so first due), or put back on the schedule. */
    private readonly now: () => Date = () => new Date(),
    /** Unsubscribes a feed about to be removed from its WebSub hub, if it has one. */
    private readonly unsubscribe: (feedId: number) => Promise<void> = () => Promise.resolve(),
  ) {}

  /** Adds a feed by its URL, as given, without fetching it (a list of feeds, an OPML file). */
  async add(request: AddFeedRequest): Promise<AddFeedResult> {
    const url = this.checkedUrl(request.url);
    const fixed = request.every && !isAdaptive(request.every) ? request.every : null;
    const intervalMs = fixed ? this.parseInterval(fixed) : this.settings.defaultIntervalMs;
    const intervalMode = fixed ? 'fixed' : 'adaptive';
    const { feed, created } = await this.feeds.add({ url, name: request.name?.trim() || null, intervalSeconds: Math.round(intervalMs / 1000), intervalMode }, this.now());
    if (created) return { created, feed };
    return { created, feed, message: `already subscribed: feed #${feed.id} ${feed.name ? `(${feed.name}) ` : ''}has this URL` };
  }

  /**
   * Adds a feed a person gave: the URL is fetched first, and when it answers with a web page, the feed
   * the page names (its first `<link rel="alternate">` to RSS, Atom or JSON Feed) is added instead; a
   * page naming none is refused. The feed found goes through the same address checks, and is fetched
   * through the same guard, as any URL given. A URL that cannot be fetched just now is added as given,
   * with why in `note`.
   */
  async subscribe(request: AddFeedRequest, now = this.now()): Promise<SubscribeResult> {
    const given = this.checkedUrl(request.url);
    if (request.every && !isAdaptive(request.every)) this.parseInterval(request.every);
    if (!this.probe || (await this.feeds.find(given))) return { ...(await this.add(request)), foundOn: null, alsoOnPage: [], note: null };
    const discovery = await discoverFeed(given, this.probe);
    if (discovery.kind !== 'page') return this.added(await this.add(request), discovery, now, null, []);
    const [first, ...others] = discovery.feeds as [string, ...string[]];
    const found = this.checkedUrl(first);
    // Whatever the page answers at its address, the feed it names is fetched as a poll would fetch it.
    const fetched: Discovery = (await this.feeds.find(found)) ? { kind: 'as-given' } : await discoverFeedQuietly(found, this.probe);
    return this.added(await this.add({ ...request, url: found }), fetched, now, given, others);
  }

  private added(result: AddFeedResult, discovery: Discovery, now: Date, foundOn: string | null, alsoOnPage: string[]): SubscribeResult {
    const note =
      discovery.kind === 'unreachable' && result.created
        ? `it could not be fetched just now: ${describeCause(classifyFailure(discovery.error), { feedId: result.feed.id, nextPollAt: result.feed.next_poll_at, now }).replace(/\.$/, '')}`
        : null;
    return { ...result, foundOn, alsoOnPage, note };
  }

  /** Adds the default feeds, one after another, in their order. */
  async addDefaults(): Promise<AddFeedResult[]> {
    const results: AddFeedResult[] = [];
    for (const feed of defaultFeeds()) results.push(await this.add({ url: feed.url, name: feed.name }));
    return results;
  }

  /** Removes a feed, unsubscribing it from its WebSub hub first (a hub that cannot be reached is asked again later). */
  async remove(idOrUrl: string): Promise<FeedRow> {
    const feed = await this.find(idOrUrl);
    await this.unsubscribe(feed.id);
    await this.feeds.remove(feed.id);
    return feed;
  }

  /** Fixes a feed's interval (`every` a duration), or makes it adaptive again (`every` "adaptive"). */
  async setInterval(idOrUrl: string, every: string): Promise<FeedRow> {
    const feed = await this.find(idOrUrl);
    await this.feeds.setInterval(feed.id, isAdaptive(every) ? null : Math.round(this.parseInterval(every) / 1000), this.now());
    return (await this.feeds.find(feed.id))!;
  }

  /** Puts a disabled (or failing) feed back on the schedule with a clean failure count. */
  async enable(idOrUrl: string): Promise<FeedRow> {
    const feed = await this.find(idOrUrl);
    await this.feeds.enable(feed.id, this.now());
    return (await this.feeds.find(feed.id))!;
  }

  private async find(idOrUrl: string): Promise<FeedRow> {
    const key = /^\d+$/.test(idOrUrl.trim()) ? idOrUrl.trim() : parseFeedUrl(idOrUrl).href;
    const feed = await this.feeds.find(key);
    if (!feed) throw new FeedInputError(`no feed ${/^\d+$/.test(key) ? `#${key}` : key}; "ainews feeds list" shows the feeds`);
    return feed;
  }

  /**
   * A URL a person gave, checked: http(s), and, unless private networks are allowed, not an address
   * that can be told private without DNS (names are checked when fetched).
   */
  private checkedUrl(text: string): string {
    const parsed = parseFeedUrl(text);
    // Refused now rather than failing on every poll.
    if (!this.settings.allowPrivateNetwork) {
      if (isIpLiteral(parsed.hostname)) defaultAddressGuard.check(parsed.hostname, parsed.hostname);
      if (/(^|\.)localhost$/i.test(parsed.hostname)) defaultAddressGuard.check('127.0.0.1', parsed.hostname);
    }
    return parsed.href;
  }

  private parseInterval(text: string): number {
    const ms = parseDuration(text);
    if (ms === null) throw new FeedInputError(`"${text}" is not an interval; write it like 30m, 2h or 1d (or "adaptive")`);
    const { minIntervalMs } = this.settings;
    if (ms < minIntervalMs) throw new FeedInputError(`the shortest interval is ${formatDuration(minIntervalMs)} (got ${text})`);
    return ms;
  }
}

function isAdaptive(every: string): boolean {
  return every.trim().toLowerCase() === 'adaptive';
}

/**
 * The feed a page named, fetched through the guard (whose refusal throws). What it answers is taken as
 * the feed the page says it is: a page is not followed to another page.
 */
async function discoverFeedQuietly(url: string, probe: Probe): Promise<Discovery> {
  try {
    return await discoverFeed(url, probe);
  } catch (error) {
    if (error instanceof FeedDiscoveryError) return { kind: 'as-given' };
    throw error;
  }
}
