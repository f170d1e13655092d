import type { Database, Statement } from 'better-sqlite3';
import { segmentWords } from '../text/segment.ts';

/** Body text beyond this is not indexed: news puts what matters first, and segmenting costs per character. */
export const INDEXED_BODY_CHARS = 4000;

/** The FTS5 rows behind search: segmented words of each item's title and body, rowid = item id. */
export class SearchIndex {
  private readonly insert: Statement;
  private readonly remove: Statement;

  constructor(db: Database) {
    this.insert = db.prepare('INSERT INTO items_fts (rowid, title, body) VALUES (?, ?, ?)');
    this.remove = db.prepare('DELETE FROM items_fts WHERE rowid = ?');
  }

  add(id: number, title: string, body: string): void {
    this.insert.run(id, segmentWords(title, true).join(' '), segmentWords(body.slice(0, INDEXED_BODY_CHARS), true).join(' '));
  }

  replace(id: number, title: string, body: string): void {
    this.remove.run(id);
    this.add(id, title, body);
  }
}
