import { integrityCheck } from '../../src/db/backup.ts';
import { openStorage, type OpenedStorage } from '../../src/db/open-storage.ts';

/** An alert row of the outbox, with the link of its item. */
export interface AlertRow {
  id: number;
  channel: string;
  url: string;
}

/** A feed claimed by a worker until later than now. */
export interface HeldClaim {
  id: number;
  claimed_by: string;
}

/**
 * What the crash harness and the soaks read and write on the database the runs share, from outside them.
 * Everything but SQLite's integrity check goes through the storage port, so the same statements serve
 * SQLite and PostgreSQL (see `integrity`). One connection (SQLite) or a small pool (PostgreSQL) is kept
 * for the whole run rather than one opened per read, as the soak reads twice a second while it waits.
 */
export class SoakDatabase {
  private constructor(
    private readonly storage: OpenedStorage,
    /** Errors of idle PostgreSQL connections of this pool: none is expected while the server runs. */
    readonly idleErrors: string[],
  ) {}

  /** Opens AINEWS_DB `value` (already migrated by the app the harness set it up with). */
  static async open(value: string): Promise<SoakDatabase> {
    const idleErrors: string[] = [];
    const storage = await openStorage(value, { busyTimeoutMs: 5000, onIdleError: (error) => idleErrors.push(error.message) });
    return new SoakDatabase(storage, idleErrors);
  }

  private get sql() {
    return this.storage.sql;
  }

  /** Makes feeds due now (all of them, or those named), as if their interval had passed. */
  async makeDue(feedIds?: number[]): Promise<void> {
    const at = new Date(0).toISOString();
    if (!feedIds) await this.sql.run('UPDATE feeds SET next_poll_at = ?', [at]);
    else if (feedIds.length > 0) await this.sql.run(`UPDATE feeds SET next_poll_at = ? WHERE id IN (${feedIds.map(() => '?').join(', ')})`, [at, ...feedIds]);
  }

  /** The feeds some worker has claimed until later than now. */
  heldClaims(): Promise<HeldClaim[]> {
    return this.sql.all<HeldClaim>('SELECT id, claimed_by FROM feeds WHERE claimed_until > ?', [new Date().toISOString()]);
  }

  /** Lets the claim of `holder` on a feed lapse, as FEED_CLAIM_MS would (unless another has taken the feed since). */
  async ageClaim(feedId: number, holder: string): Promise<void> {
    await this.sql.run('UPDATE feeds SET claimed_until = ? WHERE id = ? AND claimed_by = ?', [new Date(0).toISOString(), feedId, holder]);
  }

  /** The links of the items stored. */
  async storedLinks(): Promise<Set<string>> {
    return new Set((await this.sql.all<{ url: string }>('SELECT url FROM items')).map((row) => row.url));
  }

  /** How many outbox rows are recorded sent (alerts only, or all of them). */
  async sentCount(only?: 'alert'): Promise<number> {
    const row = await this.sql.get<{ n: number }>(`SELECT count(*) AS n FROM outbox WHERE status = 'sent'${only ? ' AND kind = ?' : ''}`, only ? [only] : []);
    return row?.n ?? 0;
  }

  /** Every alert the outbox holds, and how many of its rows are not alerts. */
  async alerts(): Promise<{ alerts: AlertRow[]; others: number }> {
    const alerts = await this.sql.all<AlertRow>("SELECT o.id, o.channel, i.url FROM outbox o JOIN items i ON i.id = o.item_id WHERE o.kind = 'alert'");
    const others = await this.sql.get<{ n: number }>("SELECT count(*) AS n FROM outbox WHERE kind <> 'alert'");
    return { alerts, others: others?.n ?? 0 };
  }

  /**
   * On SQLite, PRAGMA integrity_check: 'ok', or what is damaged. A killed worker was writing the file
   * itself, so a kill at the wrong moment is what could damage it. The check opens a read-only connection
   * of its own each time, as `ainews backup` checks its copy: on a connection kept open while other
   * processes write, FTS5's part of the check reads the index through the segment list it cached in an
   * earlier transaction and reports segments merged away since as corruption ("corruption found reading
   * blob … from table items_fts"), which a fresh connection does not.
   *
   * On PostgreSQL, 'n/a': the workers are the server's clients, a SIGKILL ends their connection and the
   * server rolls back what it had open, and no worker writes the server's files; what a kill could leave
   * half-done is what the soak's own checks (each alert once and in order, each fetch once per due period)
   * look for.
   */
  async integrity(): Promise<string> {
    if (this.storage.kind === 'postgres') return 'n/a';
    return integrityCheck(this.storage.where).join('; ');
  }

  close(): Promise<void> {
    return this.storage.close();
  }
}

/** Whether an integrity check found nothing wrong, or had nothing to check (PostgreSQL). */
export function intact(integrity: string): boolean {
  return integrity === 'ok' || integrity === 'n/a';
}
