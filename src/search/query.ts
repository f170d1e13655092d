import { HAS_CJK } from '../text/fold.ts';
import { splitQueryText } from '../text/query-tokens.ts';
import { segmentForIndex, segmentWords } from '../text/segment.ts';
import { tsLexeme } from '../text/ts-lexeme.ts';
import { UserError } from '../user-error.ts';

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
export class QueryError extends UserError {
  override name = 'QueryError';
}

export const SEARCH_SYNTAX =
  'words are ANDed; "quoted phrase"; -exclude; a OR b; source:<name>; since:<7d|24h|2025-08-01>; lang:zh|en; page 2';

/**
 * Parses what a person typed. Nothing they type reaches SQLite as syntax: every word is reduced to
 * letters, digits and CJK words, and unbalanced quotes, stray operators and FTS5 syntax are plain text.
 */
export function parseSearchQuery(text: string, now = new Date()): SearchQuery {
  if ([...text].length > MAX_QUERY_CHARS) throw new QueryError(`a search can be at most ${MAX_QUERY_CHARS} characters long`);
  const query: SearchQuery = { groups: [[]], excludes: [], source: null, since: null, lang: null, page: 1 };
  const tokens = splitQueryText(text);
  // "… page 2" at the end asks for a page, as "page:2" does.
  const [pageWord, pageNumber] = tokens.slice(-2);
  if (tokens.length >= 3 && /^page$/i.test(pageWord?.text ?? '') && /^\d+$/.test(pageNumber?.text ?? '') && !pageWord!.quoted && !pageNumber!.quoted) {
    tokens.splice(-2, 2, { text: `page:${pageNumber!.text}`, quoted: false, negated: false });
  }
  for (const token of tokens) {
    if (!token.quoted && token.text === 'OR') {
      if (query.groups.at(-1)!.length > 0) query.groups.push([]);
      continue;
    }
    const filter = token.quoted ? null : /^(source|since|lang|page):(.+)$/i.exec(token.text);
    if (filter) {
      applyFilter(query, filter[1]!.toLowerCase(), filter[2]!, now);
      continue;
    }
    for (const term of termsOf(token.text, token.quoted)) (token.negated ? query.excludes : query.groups.at(-1)!).push(term);
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

/** How one backend's full-text syntax writes a phrase, AND, OR and AND NOT. */
interface MatchSyntax {
  phrase(words: string[]): string;
  and: string;
  or: string;
  without(positive: string, negative: string): string;
}

const FTS5: MatchSyntax = {
  phrase: (words) => `"${words.join(' ').replace(/"/g, '""')}"`,
  and: ' AND ',
  or: ' OR ',
  without: (positive, negative) => `(${positive}) NOT (${negative})`,
};

const TSQUERY: MatchSyntax = {
  phrase: (words) => (words.length === 1 ? tsLexeme(words[0]!) : `(${words.map(tsLexeme).join(' <-> ')})`),
  and: ' & ',
  or: ' | ',
  without: (positive, negative) => `(${positive}) & !(${negative})`,
};

/** The FTS5 MATCH expression: every word quoted, every operator ours. Null when there is nothing to match. */
export function toFtsMatch(query: SearchQuery): string | null {
  return matchExpression(query, FTS5);
}

/**
 * The same expression as a PostgreSQL `tsquery` literal (cast with `::tsquery`, not `to_tsquery`, so that
 * the words stay the index's words): phrases are `<->` chains, every lexeme quoted.
 */
export function toTsQuery(query: SearchQuery): string | null {
  return matchExpression(query, TSQUERY);
}

function matchExpression(query: SearchQuery, syntax: MatchSyntax): string | null {
  if (query.groups.length === 0) return null;
  const { phrase, and, or } = syntax;
  // Jieba may cut the article where it did not cut the query (大力发展 vs 发展), and indexes only the short
  // words inside a long one (中华人民共和国 holds 人民 and 共和国, not 人民共和国). So Chinese is matched word
  // by word, a long word also by its short words, and the order is checked on the text afterwards
  // (needsPhraseCheck).
  const word = (w: string) => {
    const parts = w.length >= 3 && HAS_CJK.test(w) ? segmentForIndex(w).subwords : [];
    return parts.length ? `(${phrase([w])}${or}(${parts.map((p) => phrase([p])).join(and)}))` : phrase([w]);
  };
  const positiveTerm = (term: Term) => (hasCjk(term) ? `(${term.map(word).join(and)})` : phrase(term));
  const positive = query.groups.map((group) => `(${group.map(positiveTerm).join(and)})`).join(or);
  return query.excludes.length ? syntax.without(positive, query.excludes.map(phrase).join(or)) : positive;
}

function hasCjk(term: Term): boolean {
  return term.some((word) => HAS_CJK.test(word));
}

/** True when the FTS5 match alone cannot tell that a Chinese term's characters stand together in the text. */
export function needsPhraseCheck(query: SearchQuery): boolean {
  return query.groups.some((group) => group.some((term) => hasCjk(term) && (term.length > 1 || term[0]!.length >= 3)));
}

/**
 * The terms of one typed word or phrase. A quoted phrase is one term. Unquoted, the letters and digits
 * of a word stay one term (`GPT-5` is the phrase "gpt 5"), while the words jieba finds in a run of
 * Chinese are separate terms (`发展人工智能` is 发展 AND 人工智能): segmentation in a query need not
 * agree with segmentation in the article it should find.
 */
function termsOf(text: string, quoted: boolean): Term[] {
  const words = segmentWords(text);
  if (quoted || !words.some((word) => HAS_CJK.test(word))) return words.length ? [words] : [];
  const terms: Term[] = [];
  let latin: string[] = [];
  for (const word of words) {
    if (!HAS_CJK.test(word)) {
      latin.push(word);
      continue;
    }
    if (latin.length) terms.push(latin);
    latin = [];
    terms.push([word]);
  }
  if (latin.length) terms.push(latin);
  return terms;
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
