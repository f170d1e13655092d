import { segmentWords } from '../text/segment.ts';

export const MAX_QUERY_CHARS = 200;
const LANGS = new Set(['zh', 'en', 'other']);

/** A search term: words that must stand together, in order (one word, or a phrase). */
export type Term = string[];

export interface SearchQuery {
  /** Alternatives (OR) of terms that must all match (AND). Empty when only filters were given. */
  groups: Term[][];
  excludes: Term[];
  source: string | null;
  since: Date | null;
  lang: 'zh' | 'en' | 'other' | null;
  page: number;
}

/** The query cannot be run as typed; the message says how to fix it. */
export class QueryError extends Error {
  override name = 'QueryError';
}

export const SEARCH_SYNTAX =
  'words are ANDed; "quoted phrase"; -exclude; a OR b; source:<name>; since:<7d|24h|2025-08-01>; lang:zh|en; page:<n>';

/**
 * Parses what a person typed. Nothing they type reaches SQLite as syntax: every word is reduced to
 * letters, digits and CJK words, and unbalanced quotes, stray operators and FTS5 syntax are plain text.
 */
export function parseSearchQuery(text: string, now = new Date()): SearchQuery {
  if ([...text].length > MAX_QUERY_CHARS) throw new QueryError(`a search can be at most ${MAX_QUERY_CHARS} characters long`);
  const query: SearchQuery = { groups: [[]], excludes: [], source: null, since: null, lang: null, page: 1 };
  for (const token of tokenizeQuery(text)) {
    if (!token.quoted && token.text === 'OR') {
      if (query.groups.at(-1)!.length > 0) query.groups.push([]);
      continue;
    }
    const filter = token.quoted ? null : /^(source|since|lang|page):(.+)$/i.exec(token.text);
    if (filter) {
      applyFilter(query, filter[1]!.toLowerCase(), filter[2]!, now);
      continue;
    }
    const negated = token.negated;
    const words = segmentWords(token.text);
    if (words.length === 0) continue;
    // An unquoted word such as "GPT-5" is one term of several words: they must stand together too.
    if (negated) query.excludes.push(words);
    else query.groups.at(-1)!.push(words);
  }
  query.groups = query.groups.filter((group) => group.length > 0);
  if (query.groups.length === 0 && query.excludes.length > 0 && !hasFilter(query)) {
    throw new QueryError('a search needs at least one word to look for, not only words to exclude');
  }
  if (query.groups.length === 0 && !hasFilter(query)) throw new QueryError(`nothing to search for. Syntax: ${SEARCH_SYNTAX}`);
  return query;
}

export function hasFilter(query: SearchQuery): boolean {
  return query.source !== null || query.since !== null || query.lang !== null;
}

/** The FTS5 MATCH expression: every word quoted, every operator ours. Null when there is nothing to match. */
export function toFtsMatch(query: SearchQuery): string | null {
  if (query.groups.length === 0) return null;
  const phrase = (term: Term) => `"${term.join(' ').replace(/"/g, '""')}"`;
  const positive = query.groups.map((group) => `(${group.map(phrase).join(' AND ')})`).join(' OR ');
  return query.excludes.length ? `(${positive}) NOT (${query.excludes.map(phrase).join(' OR ')})` : positive;
}

interface QueryToken {
  text: string;
  quoted: boolean;
  negated: boolean;
}

function tokenizeQuery(text: string): QueryToken[] {
  const tokens: QueryToken[] = [];
  // A quote left open runs to the end of the query.
  for (const [, negQuote, quoted, bare] of text.matchAll(/(-?)"([^"]*)(?:"|$)|(\S+)/g)) {
    if (quoted !== undefined) tokens.push({ text: quoted, quoted: true, negated: negQuote === '-' });
    else if (bare!.length > 1 && bare!.startsWith('-')) tokens.push({ text: bare!.slice(1), quoted: false, negated: true });
    else tokens.push({ text: bare!, quoted: false, negated: false });
  }
  return tokens;
}

function applyFilter(query: SearchQuery, key: string, value: string, now: Date): void {
  if (key === 'source') query.source = value.toLowerCase();
  else if (key === 'lang') {
    if (!LANGS.has(value.toLowerCase())) throw new QueryError(`lang: takes zh, en or other (got "${value}")`);
    query.lang = value.toLowerCase() as SearchQuery['lang'];
  } else if (key === 'since') query.since = parseSince(value, now);
  else {
    const page = Number(value);
    if (!Number.isInteger(page) || page < 1 || page > 100) throw new QueryError(`page: takes a number from 1 to 100 (got "${value}")`);
    query.page = page;
  }
}

function parseSince(value: string, now: Date): Date {
  const relative = /^(\d{1,4})([hdw])$/i.exec(value);
  if (relative) {
    const hours = Number(relative[1]) * { h: 1, d: 24, w: 168 }[relative[2]!.toLowerCase() as 'h' | 'd' | 'w'];
    return new Date(now.getTime() - hours * 3_600_000);
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const date = new Date(`${value}T00:00:00Z`);
    if (!Number.isNaN(date.getTime()) && date.toISOString().startsWith(value)) return date;
  }
  throw new QueryError(`since: takes an age like 24h, 7d or 2w, or a date like 2025-08-01 (got "${value}")`);
}
