import { INDEXED_BODY_CHARS } from './indexed-text.ts';
import { searchDocument } from './postgres/search-document.ts';
import type { Sql } from './sql.ts';
import { segmentForIndex } from '../text/segment.ts';

export { INDEXED_BODY_CHARS };

const FTS5_INSERT = 'INSERT INTO items_fts (rowid, title, body, subwords) VALUES (?, ?, ?, ?)';
const FTS5_REMOVE = 'DELETE FROM items_fts WHERE rowid = ?';
const TSVECTOR_INSERT = 'INSERT INTO items_search (item_id, words) VALUES (?, ?::tsvector)';
const TSVECTOR_REPLACE = `${TSVECTOR_INSERT} ON CONFLICT (item_id) DO UPDATE SET words = excluded.words`;

/**
 * The rows behind search: the segmented words of each item's title and body, and the sub-words of long
 * Chinese words apart, so that phrases stay contiguous. On SQLite, FTS5 rows (`items_fts`, rowid = item
 * id) with the sub-words in a column of their own; on PostgreSQL, the same words as one tsvector per item
 * (`items_search`, see src/db/postgres/search-document.ts).
 */
export class SearchIndex {
  constructor(private readonly sql: Sql) {}

  async add(id: number, title: string, body: string): Promise<void> {
    if (this.sql.dialect === 'postgres') await this.sql.run(TSVECTOR_INSERT, [id, searchDocument(title, body)]);
    else await this.sql.run(FTS5_INSERT, fts5Row(id, title, body));
  }

  /** Indexes an edited item's words in place of those it had. */
  async replace(id: number, title: string, body: string): Promise<void> {
    if (this.sql.dialect === 'postgres') {
      await this.sql.run(TSVECTOR_REPLACE, [id, searchDocument(title, body)]);
      return;
    }
    const row = fts5Row(id, title, body);
    await this.sql.withTransaction(async () => {
      await this.sql.run(FTS5_REMOVE, [id]);
      await this.sql.run(FTS5_INSERT, row);
    });
  }
}

/** An item's FTS5 row: its id, and the words of its title, of its body's start, and their sub-words. */
function fts5Row(id: number, title: string, body: string): unknown[] {
  const inTitle = segmentForIndex(title);
  const inBody = segmentForIndex(body.slice(0, INDEXED_BODY_CHARS));
  return [id, inTitle.words.join(' '), inBody.words.join(' '), [...inTitle.subwords, ...inBody.subwords].join(' ')];
}
