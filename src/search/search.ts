import type { Database } from 'better-sqlite3';
import { SOURCES_OF_ITEM } from '../db/items.ts';
import { mark, snippet, termPattern, type Marked } from './snippet.ts';
import { toFtsMatch, type SearchQuery } from './query.ts';

export interface SearchHit {
  id: number;
  title: string;
  url: string | null;
  source: string | null;
  sources: string[];
  published_at: string;
  lang: 'zh' | 'en' | 'other';
  score: number;
  titleMarked: Marked;
  snippet: Marked;
}

export interface SearchResult {
  hits: SearchHit[];
  page: number;
  hasMore: boolean;
}

/**
 * How many of the newest matches are ranked. FTS5 walks matches newest-first cheaply, while sorting every
 * match by relevance costs time in proportion to how common the words are; ranking a recent window keeps
 * every search fast and still puts the most relevant recent items first.
 */
const WINDOW = 200;
const RECENCY_HALF_LIFE_HOURS = 72;

interface Candidate {
  id: number;
  published_at: string;
  rank: number | null;
}

interface Details {
  id: number;
  title: string;
  url: string | null;
  body: string;
  lang: SearchHit['lang'];
  sources: string;
}

export class SearchService {
  constructor(private readonly db: Database) {}

  search(query: SearchQuery, options: { pageSize?: number; now?: Date } = {}): SearchResult {
    const pageSize = options.pageSize ?? 5;
    const now = options.now ?? new Date();
    const rows = this.candidates(query);
    const maxRelevance = Math.max(1e-9, ...rows.map((row) => -(row.rank ?? 0)));
    const pattern = termPattern(query.groups.flat());
    const scored = rows
      .map((row) => {
        const ageHours = Math.max(0, (now.getTime() - Date.parse(row.published_at)) / 3_600_000);
        const recency = 0.5 ** (ageHours / RECENCY_HALF_LIFE_HOURS);
        const relevance = row.rank === null ? 0 : -row.rank / maxRelevance;
        return { row, score: row.rank === null ? recency : 0.6 * relevance + 0.4 * recency };
      })
      .sort((a, b) => b.score - a.score || b.row.id - a.row.id);
    const start = (query.page - 1) * pageSize;
    const page = scored.slice(start, start + pageSize);
    const details = new Map(this.details(page.map(({ row }) => row.id)).map((d) => [d.id, d]));
    const hits = page.map(({ row, score }) => {
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
        titleMarked: mark(item.title, pattern),
        snippet: snippet(item.body, pattern),
      };
    });
    return { hits, page: query.page, hasMore: scored.length > start + pageSize };
  }

  private details(ids: number[]): Details[] {
    if (ids.length === 0) return [];
    return this.db
      .prepare(`SELECT i.id, i.title, i.url, i.body, i.lang, ${SOURCES_OF_ITEM} AS sources FROM items i WHERE i.id IN (${ids.map(() => '?').join(',')})`)
      .all(...ids) as Details[];
  }

  private candidates(query: SearchQuery): Candidate[] {
    const match = toFtsMatch(query);
    const where: string[] = [];
    const params: Record<string, string> = {};
    if (match) {
      where.push('items_fts MATCH @match');
      params.match = match;
    }
    if (query.lang) {
      where.push('i.lang = @lang');
      params.lang = query.lang;
    }
    if (query.since) {
      where.push('i.published_at >= @since');
      params.since = query.since.toISOString();
    }
    if (query.source) {
      where.push(`EXISTS (SELECT 1 FROM item_sources s JOIN feeds f ON f.id = s.feed_id
        WHERE s.item_id = i.id AND (lower(f.name) LIKE @source ESCAPE '\\' OR lower(f.url) LIKE @source ESCAPE '\\'))`);
      params.source = `%${query.source.replace(/[\\%_]/g, '\\$&')}%`;
    }
    const sql = match
      ? `SELECT i.id, i.published_at, bm25(items_fts, 3.0, 1.0) AS rank
         FROM items_fts JOIN items i ON i.id = items_fts.rowid WHERE ${where.join(' AND ')} ORDER BY items_fts.rowid DESC LIMIT ${WINDOW}`
      : `SELECT i.id, i.published_at, NULL AS rank
         FROM items i WHERE ${where.join(' AND ') || '1'} ORDER BY i.id DESC LIMIT ${WINDOW}`;
    return this.db.prepare(sql).all(params) as Candidate[];
  }
}
