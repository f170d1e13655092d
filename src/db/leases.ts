import type { Sql } from './sql.ts';

/**
 * Named leases (migration 017): what one worker at a time may do, among several on one database. A holder
 * renews its lease before it expires; one that stops renewing (it died, or lost the database) loses it
 * at `expires_at` to the next worker that asks. The same SQL runs on both backends: an upsert that
 * only overwrites a lease of the same holder or one that has expired.
 */
export class Leases {
  constructor(private readonly sql: Sql) {}

  /**
   * Takes the lease, or renews it for its holder, until `now + ttlMs`. False when another holder's lease
   * has not expired.
   */
  async acquire(name: string, holder: string, ttlMs: number, now: Date): Promise<boolean> {
    const row = await this.sql.get<{ holder: string }>(
      `INSERT INTO leases (name, holder, acquired_at, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at,
         acquired_at = CASE WHEN leases.holder = excluded.holder THEN leases.acquired_at ELSE excluded.acquired_at END
       WHERE leases.holder = excluded.holder OR leases.expires_at <= ?
       RETURNING holder`,
      [name, holder, now.toISOString(), new Date(now.getTime() + ttlMs).toISOString(), now.toISOString()],
    );
    return row !== undefined;
  }

  /** Gives the lease up at once (a worker shutting down), if `holder` still holds it. */
  async release(name: string, holder: string): Promise<void> {
    await this.sql.run('DELETE FROM leases WHERE name = ? AND holder = ?', [name, holder]);
  }

  /** Who holds the lease now, and until when; null when nobody does. */
  async holder(name: string, now: Date): Promise<{ holder: string; acquired_at: string; expires_at: string } | null> {
    const row = await this.sql.get<{ holder: string; acquired_at: string; expires_at: string }>(
      'SELECT holder, acquired_at, expires_at FROM leases WHERE name = ? AND expires_at > ?',
      [name, now.toISOString()],
    );
    return row ?? null;
  }
}
