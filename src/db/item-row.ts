/** One row of `items`, as every store that joins it reads it back. */
export interface ItemRow {
  id: number;
  url: string | null;
  title: string;
  author: string | null;
  body: string;
  lang: 'zh' | 'en' | 'other';
  published_at: string;
  published_at_source: 'feed' | 'first_seen';
  backlog: 0 | 1;
  first_seen_at: string;
  updated_at: string;
  /** Null until the summarizer has run; `summarizer` says which one wrote it. */
  summary: string | null;
  summarizer: string | null;
  /** The story the item belongs to: its lead item's id (see src/cluster/). Null only until it is clustered. */
  story_id: number | null;
}

/** The columns of an ItemRow, for a query that aliases `items` as `i`. */
export const ITEM_COLUMNS =
  'i.id, i.url, i.title, i.author, i.body, i.lang, i.published_at, i.published_at_source, i.backlog, i.first_seen_at, i.updated_at, i.summary, i.summarizer, i.story_id';
