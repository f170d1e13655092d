import { hash } from 'node:crypto';
import { canonicalUrl, dedupeKey, stableGuid } from '../canonical-url.ts';
import type { NewItem } from '../db/items.ts';
import { truncate } from '../format.ts';
import { cleanTitle } from './clean-title.ts';
import { parseFeedDate } from './dates.ts';
import { htmlToText } from './html-text.ts';
import { detectLanguage } from './language.ts';
import type { RawEntry } from './parsed-feed.ts';

/** An entry made ready to store: what the item store takes. */
export type NormalizedItem = NewItem;

export interface NormalizeContext {
  feedId: number;
  feedUrl: string;
  feedLanguage: string | null;
  now: Date;
}

/** Tolerance for clocks that run a little fast before a date counts as "in the future". */
export const FUTURE_TOLERANCE_MS = 10 * 60_000;
const MAX_TITLE_CHARS = 500;

/** Cleans one feed entry; returns null when it has neither a title, a link nor a body to show. */
export function normalizeEntry(entry: RawEntry, ctx: NormalizeContext): NormalizedItem | null {
  const url = entry.link ? canonicalUrl(entry.link, ctx.feedUrl) : null;
  const body = entry.html ? htmlToText(entry.html) : '';
  let title = entry.title ? cleanTitle(entry.title, entry.titleType) : '';
  if (!title) title = firstWords(body) || url || '';
  if (!title) return null;
  title = truncate(title, MAX_TITLE_CHARS);

  const date = parseFeedDate(entry.date);
  const usable = date !== null && date.getTime() <= ctx.now.getTime() + FUTURE_TOLERANCE_MS;
  const guid = entry.guid ? stableGuid(entry.guid) : url ?? `sha1:${sha1(title, entry.date ?? '')}`;
  return {
    guid,
    // A link to a site's home page says nothing about which article this is.
    dedupeKey: url && !isSiteRoot(url) ? dedupeKey(url) : `feed:${ctx.feedId}:${guid}`,
    url,
    title,
    author: entry.author ? cleanTitle(entry.author) || null : null,
    body,
    lang: detectLanguage(title, body, entry.language ?? ctx.feedLanguage),
    publishedAt: (usable ? date : ctx.now).toISOString(),
    publishedAtSource: usable ? 'feed' : 'first_seen',
    contentHash: sha1(title, url ?? '', body),
  };
}

function sha1(...parts: string[]): string {
  // One call into the hash binding: a Hash object and its update and digest calls cost more than joining the strings.
  return hash('sha1', parts.join('\n'), 'hex');
}

/** `url` came out of canonicalUrl, in the URL class's normal form: a site root is an origin and a slash. */
function isSiteRoot(url: string): boolean {
  return /^https?:\/\/[^/]+\/$/.test(url);
}

function firstWords(body: string): string {
  return truncate(body.split('\n')[0] ?? '', 80);
}
