import { UserError } from '../user-error.ts';
import { botWallOf } from './bot-wall.ts';
import { decodeFeed } from './charset.ts';
import { FeedFetchError } from './errors.ts';
import type { FetchedFeed } from './fetch.ts';
import { findFeedLinks, looksLikeHtml } from './feed-links.ts';

/** Fetches a URL a person gave, through the same address guard and limits as a poll. */
export type Probe = (url: string) => Promise<FetchedFeed>;

export class FeedDiscoveryError extends UserError {
  override name = 'FeedDiscoveryError';
}

/**
 * What a URL turned out to be: something to subscribe to as it is (a feed, or at least no web page), a
 * web page naming its feeds, or nothing that answered just now (which a poll will tell again).
 */
export type Discovery = { kind: 'as-given' } | { kind: 'page'; feeds: string[] } | { kind: 'unreachable'; error: FeedFetchError };

/**
 * Fetches `url` to see what it is. A web page that names no feed, or a bot wall's page, is refused with
 * what to do; a URL the address guard refuses throws its refusal. A failed fetch is not refused: the
 * site may be down for a while, and the feed's polls will say so.
 */
export async function discoverFeed(url: string, probe: Probe): Promise<Discovery> {
  let fetched: FetchedFeed;
  try {
    fetched = await probe(url);
  } catch (error) {
    if (error instanceof FeedFetchError) return { kind: 'unreachable', error };
    throw error;
  }
  const { text } = decodeFeed(fetched.body, fetched.contentType);
  if (fetched.status !== 200 || !looksLikeHtml(text, fetched.contentType)) return { kind: 'as-given' };
  const wall = botWallOf({ body: text });
  if (wall) {
    throw new FeedDiscoveryError(
      `${url} answers with a bot challenge (${wall}), not a feed: ainews cannot pass it; ask the site for a feed URL that is not behind it`,
    );
  }
  const feeds = findFeedLinks(text, fetched.finalUrl);
  if (feeds.length === 0) {
    throw new FeedDiscoveryError(
      `${url} is a web page, not a feed, and it names no feed (no <link rel="alternate"> to an RSS, Atom or JSON feed); find the site's feed URL and add that`,
    );
  }
  return { kind: 'page', feeds };
}
