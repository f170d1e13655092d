import type { Sql } from './sql.ts';

/** FTS5's default 'deletemerge': a b-tree is merged once a tenth of its rows are deleted. */
const DELETE_MERGE_DEFAULT = 10;

const HOLD = "INSERT INTO items_fts (items_fts, rank) VALUES ('deletemerge', 0)";
const RESUME = `INSERT INTO items_fts (items_fts, rank) VALUES ('deletemerge', ${DELETE_MERGE_DEFAULT})`;
const MERGE = "INSERT INTO items_fts (items_fts, rank) VALUES ('merge', ?)";
const TOTAL_CHANGES = 'SELECT total_changes() AS n';

/**
 * How the search index (items_fts) reclaims the space of deleted rows. A row deleted from a contentless
 * FTS5 table leaves its entries in the index, marked by a tombstone, until the b-tree holding them is
 * merged; by default FTS5 merges a b-tree in the commit that brings its deleted rows past a tenth of it.
 * Deleting half of 100,000 items oldest first makes one such commit after another rewrite a whole large
 * b-tree, with the write lock held: the longest near a second in `npm run bench -- prune`, and longer
 * on a larger index. So a prune holds those merges off while it deletes, then lets them back and does the
 * merge work itself, a few pages per transaction.
 *
 * On PostgreSQL there is nothing to do: the search index (items_search's GIN index) loses a deleted row's
 * entries when VACUUM (autovacuum) cleans the table up, not in the deleting transaction. There `hold` and
 * `resume` do nothing, and `step` says at once that no merge work is left.
 */
export class SearchMerges {
  constructor(private readonly sql: Sql) {}

  /** Merges for deleted rows wait; the setting is FTS5's own and stays until `resume`, whichever connection writes. */
  async hold(): Promise<void> {
    if (this.sql.dialect === 'sqlite') await this.sql.run(HOLD);
  }

  /** Back to FTS5's default (not to a value read before: one left at 0 by a stopped prune must not stick). */
  async resume(): Promise<void> {
    if (this.sql.dialect === 'sqlite') await this.sql.run(RESUME);
  }

  /**
   * Does up to about `pages` leaf pages of merge work: b-trees with enough deleted rows, and levels with
   * enough b-trees. Returns false once there was none left to do (FTS5 then changes fewer than two rows).
   */
  async step(pages: number): Promise<boolean> {
    if (this.sql.dialect !== 'sqlite') return false;
    const before = await this.totalChanges();
    await this.sql.run(MERGE, [pages]);
    return (await this.totalChanges()) - before >= 2;
  }

  private async totalChanges(): Promise<number> {
    return (await this.sql.get<{ n: number }>(TOTAL_CHANGES))!.n;
  }
}
