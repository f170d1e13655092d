import type { SearchCandidate, SearchReads } from '../db/search-matches.ts';
import { FUTURE_TOLERANCE_MS } from '../feeds/normalize.ts';
import { mark, snippet, termPattern, type Marked } from './snippet.ts';
import { containsUnits, keywordUnits, sourceMatches, textUnits } from '../text/fold.ts';
import { needsPhraseCheck, toFtsMatch, toTsQuery, type SearchQuery, type Term } from './query.ts';

export interface SearchHit {
  id: number;
  title: string;
  url: string | null;
  source: string | null;
  sources: string[];
  published_at: string;
  lang: 'zh' | 'en' | 'other';
  score: number;
  summary: string | null;
  titleMarked: Marked;
  snippet: Marked;
  /** The story the item belongs to, how many items it has, and its sources (each feed once, first first). */
  story_id: number;
  story_items: number;
  story_sources: string[];
}

export interface SearchResult {
  hits: SearchHit[];
  page: number;
  hasMore: boolean;
}

/**
 * How many of the newest matches are ranked. FTS5 walks matches newest-first cheaply, while sorting every
 * match by relevance, or even calling bm25() once (it counts every document holding each word), costs time
 * in proportion to how common the words are. Ranking a recent window in JavaScript keeps every search fast
 * and still puts the most relevant recent items first.
 */
const WINDOW = 200;
/** Relevance is judged on the title and this much of the body. */
const SCORED_BODY_CHARS = 1000;
const TITLE_WEIGHT = 3;
const RECENCY_HALF_LIFE_HOURS = 72;

export class SearchService {
  constructor(private readonly reads: SearchReads) {}

  /** One page of results, `pageSize` of them, ranked by relevance and recency, one per story. */
  async search(query: SearchQuery, options: { pageSize: number; now?: Date }): Promise<SearchResult> {
    const { pageSize } = options;
    const now = options.now ?? new Date();
    const rows = needsPhraseCheck(query)
      ? (await this.candidates(query, true)).filter((row) => holdsPhrases(row, query))
      : await this.candidates(query, false);
    const terms = query.groups.flat();
    const pattern = termPattern(terms);
    const relevances = rows.map((row) => relevance(row, terms));
    const maxRelevance = Math.max(1e-9, ...relevances);
    const seenStories = new Set<number>();
    const scored = rows
      .map((row, i) => {
        const ageHours = Math.max(0, (now.getTime() - Date.parse(row.published_at)) / 3_600_000);
        const recency = 0.5 ** (ageHours / RECENCY_HALF_LIFE_HOURS);
        return { row, score: terms.length ? 0.6 * (relevances[i]! / maxRelevance) + 0.4 * recency : recency };
      })
      .sort((a, b) => b.score - a.score || b.row.id - a.row.id)
      // One result per story: its best-ranked report stands for the others.
      .filter(({ row }) => !seenStories.has(row.story_id) && seenStories.add(row.story_id));
    const start = (query.page - 1) * pageSize;
    const page = scored.slice(start, start + pageSize);
    const details = new Map((await this.reads.details(page.map(({ row }) => row.id))).map((d) => [d.id, d]));
    const storySources = await Promise.all(page.map(({ row }) => this.reads.storySources(row.story_id)));
    const hits = page.map(({ row, score }, i) => {
      const item = details.get(row.id)!;
      const sources = JSON.parse(item.sources) as string[];
      return {
        id: row.id,
        title: item.title,
        url: item.url,
        source: sources[0] ?? null,
        sources,
        published_at: row.published_at,
        lang: item.lang,
        score: Math.round(score * 1000) / 1000,
        summary: item.summary,
        titleMarked: mark(item.title, pattern),
        snippet: snippet(item.body, pattern),
        story_id: row.story_id,
        story_items: item.story_items,
        story_sources: storySources[i]!,
      };
    });
    return { hits, page: query.page, hasMore: scored.length > start + pageSize };
  }

  /** The newest matches; with `wholeBody`, the body is read whole rather than its lead, to check phrases. */
  private async candidates(query: SearchQuery, wholeBody: boolean): Promise<SearchCandidate[]> {
    const feedIds = query.source
      ? (await this.reads.feeds()).filter((feed) => sourceMatches(query.source!, [feed.name ?? '', feed.url])).map((feed) => feed.id)
      : null;
    const fts5 = toFtsMatch(query);
    const match = fts5 === null ? null : { fts5, tsquery: toTsQuery(query)! };
    return this.reads.newest(
      { match, lang: query.lang, since: query.since, futureToleranceMs: FUTURE_TOLERANCE_MS, feedIds },
      { limit: WINDOW, leadChars: wholeBody ? null : SCORED_BODY_CHARS },
    );
  }
}

/** Term frequency, saturated, in the title (weighted) and the lead of the body, summed over the terms. */
function relevance(row: SearchCandidate, terms: Term[]): number {
  let score = 0;
  for (const term of terms) {
    const pattern = termPattern([term]);
    if (!pattern) continue;
    const inTitle = row.title.match(pattern)?.length ?? 0;
    const inBody = row.lead.match(pattern)?.length ?? 0;
    score += (TITLE_WEIGHT * inTitle) / (inTitle + 1) + inBody / (inBody + 1);
  }
  return score;
}

/** Whether some group of the query has all its terms, words in order, in the item's title or body. */
function holdsPhrases(row: SearchCandidate, query: SearchQuery): boolean {
  const units = [textUnits(row.title), textUnits(row.lead)];
  return query.groups.some((group) =>
    group.every((term) => {
      const needle = keywordUnits(term.join(' '));
      return units.some((haystack) => containsUnits(haystack, needle));
    }),
  );
}
