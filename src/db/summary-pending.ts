import type { Database, Statement } from 'better-sqlite3';

/**
 * The marks on items whose LLM summary is on its way (`items.summary_pending`): their alerts wait for it,
 * up to LLM_ALERT_WAIT (see Outbox.claim).
 */
export class SummaryPending {
  private readonly set: Statement;
  private readonly clearOne: Statement;
  private readonly clearBefore: Statement;

  constructor(db: Database) {
    this.set = db.prepare('UPDATE items SET summary_pending = 1 WHERE id = ?');
    this.clearOne = db.prepare('UPDATE items SET summary_pending = 0 WHERE id = ?');
    this.clearBefore = db.prepare('UPDATE items SET summary_pending = 0 WHERE summary_pending = 1 AND first_seen_at < ?');
  }

  mark(ids: number[]): void {
    for (const id of ids) this.set.run(id);
  }

  clear(ids: number[]): void {
    for (const id of ids) this.clearOne.run(id);
  }

  /** Clears the marks of items first seen before `before`. */
  clearSeenBefore(before: Date): void {
    this.clearBefore.run(before.toISOString());
  }
}
