import { STATUS_CODES } from 'node:http';
import { botWallOf } from './bot-wall.ts';
import { FeedFetchError, FeedParseError, UrlRefusedError } from './errors.ts';
import { findFeedLinks, looksLikeHtml } from './feed-links.ts';

/**
 * Why a feed could not be polled, in the terms a person acts on. Told from the typed errors of fetch and
 * parse (their status, headers, body start and system code), never from their messages.
 */
export type FailureCause =
  | { kind: 'dns'; host: string }
  | { kind: 'tls'; code: string }
  | { kind: 'gone'; status: number; statusText: string }
  | { kind: 'bot-wall'; wall: string; status: number }
  | { kind: 'denied'; status: number; statusText: string }
  | { kind: 'rate-limited'; status: number }
  | { kind: 'server-error'; status: number; statusText: string }
  | { kind: 'http'; status: number; statusText: string }
  | { kind: 'timeout'; timeoutMs: number | null }
  | { kind: 'connection'; code: string }
  | { kind: 'web-page'; feeds: string[]; wall: string | null }
  | { kind: 'parse'; message: string }
  | { kind: 'refused'; message: string }
  | { kind: 'other'; message: string };

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
/** TLS failures: OpenSSL's protocol error (an https URL to a port that speaks plain HTTP), and certificate checks. */
const TLS_CODE = /^(EPROTO|ERR_SSL_|ERR_TLS_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_|HOSTNAME_MISMATCH$)/;
/** Refusals a bot wall answers with; other statuses are what they say. */
const WALL_STATUSES = new Set([401, 403, 429, 503]);

export function classifyFailure(error: unknown): FailureCause {
  if (error instanceof UrlRefusedError) return { kind: 'refused', message: error.message };
  if (error instanceof FeedParseError) return parseCause(error);
  if (!(error instanceof FeedFetchError)) return { kind: 'other', message: error instanceof Error ? error.message : String(error) };
  const { status, code, systemCode, response } = error.details;
  if (status !== undefined) {
    const statusText = error.details.statusText || STATUS_CODES[status] || '';
    const wall = WALL_STATUSES.has(status) && response ? botWallOf(response) : null;
    if (wall) return { kind: 'bot-wall', wall, status };
    if (status === 404 || status === 410) return { kind: 'gone', status, statusText };
    if (status === 401 || status === 403) return { kind: 'denied', status, statusText };
    if (status === 429) return { kind: 'rate-limited', status };
    if (status >= 500) return { kind: 'server-error', status, statusText };
    return { kind: 'http', status, statusText };
  }
  if (code === 'timeout') return { kind: 'timeout', timeoutMs: error.details.timeoutMs ?? null };
  if (systemCode && DNS_CODES.has(systemCode)) return { kind: 'dns', host: hostOf(error.url) };
  if (systemCode && TLS_CODE.test(systemCode) && error.url.startsWith('https:')) return { kind: 'tls', code: systemCode };
  if (code === 'network' && systemCode) return { kind: 'connection', code: systemCode };
  return { kind: 'other', message: error.message };
}

/** A document that is no feed: a web page (perhaps a bot wall's, perhaps naming its feed), or a broken feed. */
function parseCause(error: FeedParseError): FailureCause {
  const document = error.document;
  if (!document || !looksLikeHtml(document.text, document.contentType)) return { kind: 'parse', message: error.message };
  const wall = botWallOf({ body: document.text });
  return { kind: 'web-page', feeds: wall ? [] : findFeedLinks(document.text, document.url), wall };
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}

/** What the notice says about a feed's next poll, for a rate limit. */
export interface CauseContext {
  feedId: number;
  /** When the feed is polled next (null: it is disabled). */
  nextPollAt: string | null;
  now: Date;
}

/**
 * The cause in words, and what to do about it: "the site shows a bot challenge (Cloudflare): ainews
 * cannot pass it; …". Plain text; a platform escapes it as it escapes feed text.
 */
export function describeCause(cause: FailureCause, { feedId, nextPollAt, now }: CauseContext): string {
  const remove = `remove it with "feeds remove ${feedId}"`;
  switch (cause.kind) {
    case 'dns':
      return `its host ${cause.host} cannot be found (DNS failure): check the URL for a typo, and whether the site still exists; or ${remove}`;
    case 'tls':
      return `the secure connection fails (TLS error, ${cause.code}): the site's certificate or HTTPS setup is broken, or nothing speaks HTTPS at that address; the site has to fix it, or give a URL that works`;
    case 'gone':
      return `the feed is gone (HTTP ${statusLine(cause)}): the site no longer serves it at this URL; find its new address and add that, or ${remove}`;
    case 'bot-wall':
      return `the site shows a bot challenge (${cause.wall}): ainews cannot pass it; ask the site for a feed URL that is not behind it, or remove the feed ("feeds remove ${feedId}")`;
    case 'denied':
      return `the site refuses ainews (HTTP ${statusLine(cause)}): it may block bots or want a login; ask the site for a public feed URL, or ${remove}`;
    case 'rate-limited':
      return `the site is rate-limiting ainews (HTTP 429 Too Many Requests)${nextPollAt ? `; the next poll is at ${nextPollAt.slice(0, 16).replace('T', ' ')}Z (${untilText(nextPollAt, now)})` : ''}`;
    case 'server-error':
      return `the site answers HTTP ${statusLine(cause)}, an error on its side; ainews keeps trying`;
    case 'http':
      return `the site answers HTTP ${statusLine(cause)}`;
    case 'timeout':
      return `the site did not answer in time (a timeout${cause.timeoutMs ? ` after ${cause.timeoutMs / 1000}s` : ''}): it is down or very slow; ainews keeps trying`;
    case 'connection':
      return `the connection to the site fails (${cause.code}): it may be down, or the URL's port may be wrong; ainews keeps trying`;
    case 'web-page':
      if (cause.wall) return describeCause({ kind: 'bot-wall', wall: cause.wall, status: 200 }, { feedId, nextPollAt, now });
      return cause.feeds[0]
        ? `the URL answers with a web page, not a feed; the page names its feed: ${cause.feeds[0]}; add that ("feeds add ${cause.feeds[0]}") and remove this one ("feeds remove ${feedId}")`
        : `the URL answers with a web page, not a feed, and the page names no feed; find the site's RSS or Atom feed and add that, or ${remove}`;
    case 'parse':
      return `what the URL answers cannot be read as a feed (a parse error: ${cause.message})`;
    case 'refused':
    case 'other':
      return cause.message;
  }
}

function statusLine(cause: { status: number; statusText: string }): string {
  return `${cause.status}${cause.statusText ? ` ${cause.statusText}` : ''}`;
}

/** "in 3h", "in 25m", "now". */
function untilText(iso: string, now: Date): string {
  const minutes = Math.round((Date.parse(iso) - now.getTime()) / 60_000);
  if (minutes < 1) return 'now';
  return minutes < 120 ? `in ${minutes}m` : `in ${Math.round(minutes / 60)}h`;
}
