import type { HeldFor, OutboxRow } from './outbox.ts';
import type { Sql } from './sql.ts';

/** One story of a fold or digest: the item that tells it, and how many outlets carry the story. */
export interface RoundupEntryRef {
  story_id: number;
  item_id: number;
  outlets: number;
  /** The channel had a live alert for it (a digest says so). */
  alerted: boolean;
}

/** What a fold or digest row tells, fixed when it is queued, so that every attempt sends the same. */
export interface RoundupPayload {
  /** Why its stories were gathered: quiet hours, the limit, or a digest. */
  reason: HeldFor;
  entries: RoundupEntryRef[];
  /** How many stories were gathered in all: over every part, and beyond the ten a digest shows. */
  total: number;
  /** A gathering too big for one message goes out in parts, each a row. */
  part: number;
  parts: number;
  /** A digest's period, schedule and time zone. */
  digest?: { since: string; until: string; every: 'daily' | 'weekly'; zone: string };
}

/** A held row waiting to be gathered, with what ranks its story. */
export interface HeldRow {
  id: number;
  kind: OutboxRow['kind'];
  story_id: number;
  item_id: number;
  held_for: HeldFor;
  published_at: string;
  outlets: number;
}

/** A channel's alert of a digest's period, with what ranks its story. */
export interface DigestCandidate {
  id: number;
  story_id: number;
  item_id: number;
  status: OutboxRow['status'];
  held_for: HeldFor | null;
  fold_id: number | null;
  published_at: string;
  outlets: number;
}

/** SQL: how many outlets (feeds) carry the story of outbox row `o`. */
const OUTLETS = '(SELECT count(DISTINCT s.feed_id) FROM items si JOIN item_sources s ON s.item_id = si.id WHERE si.story_id = o.story_id)';

/** Records held rows as gathered into a fold: their ids are a JSON array on SQLite, an array on PostgreSQL. */
const GATHER = {
  sqlite: "UPDATE outbox SET fold_id = ? WHERE id IN (SELECT value FROM json_each(?)) AND status = 'held'",
  postgres: "UPDATE outbox SET fold_id = ? WHERE id = ANY (?::bigint[]) AND status = 'held'",
} as const;

/**
 * The outbox's gathering side: what is held, per channel, and the fold and digest rows that gather it.
 * Held rows stay `held` once gathered (`fold_id` set) until their fold is sent (Outbox.markSent).
 */
export class OutboxFolds {
  constructor(private readonly sql: Sql) {}

  /** The channels with held rows due by `now` that no fold has gathered yet. */
  async channelsDue(now: Date): Promise<string[]> {
    const rows = await this.sql.all<{ channel: string }>(
      "SELECT DISTINCT channel FROM outbox WHERE status = 'held' AND held_until <= ? AND fold_id IS NULL ORDER BY channel",
      [now.toISOString()],
    );
    return rows.map((row) => row.channel);
  }

  /** A channel's held rows not yet gathered: those due by `dueBy`, or all of them when it is null. */
  async held(channel: string, dueBy: Date | null, heldFor?: HeldFor): Promise<HeldRow[]> {
    const until = dueBy?.toISOString() ?? null;
    const reason = heldFor ?? null;
    // An absent bound is a null parameter, typed for PostgreSQL, which cannot tell the type of a bare `? IS NULL`.
    return this.sql.all<HeldRow>(
      `SELECT o.id, o.kind, o.story_id, o.item_id, o.held_for, i.published_at, ${OUTLETS} AS outlets
       FROM outbox o JOIN items i ON i.id = o.item_id
       WHERE o.channel = ? AND o.status = 'held' AND o.fold_id IS NULL
         AND (CAST(? AS text) IS NULL OR o.held_until <= ?) AND (CAST(? AS text) IS NULL OR o.held_for = ?)
       ORDER BY o.id`,
      [channel, until, until, reason, reason],
    );
  }

  /** The alerts queued for a channel in (since, until], whatever became of them, with their stories' outlets. */
  async digestCandidates(channel: string, since: Date, until: Date): Promise<DigestCandidate[]> {
    return this.sql.all<DigestCandidate>(
      `SELECT o.id, o.story_id, o.item_id, o.status, o.held_for, o.fold_id, i.published_at, ${OUTLETS} AS outlets
       FROM outbox o JOIN items i ON i.id = o.item_id
       WHERE o.channel = ? AND o.created_at > ? AND o.created_at <= ? AND o.kind = 'alert'
       ORDER BY o.id`,
      [channel, since.toISOString(), until.toISOString()],
    );
  }

  /** Queues a fold or digest row for a channel (active or not: what it gathers is queued already). */
  async queue(kind: 'fold' | 'digest', channel: string, payload: RoundupPayload, now: Date): Promise<number> {
    const at = now.toISOString();
    const row = await this.sql.get<{ id: number }>(
      `INSERT INTO outbox (kind, channel, platform, watch_query, next_attempt_at, created_at, payload)
       SELECT ?, id, platform, '', ?, ?, ? FROM channels WHERE id = ? RETURNING id`,
      [kind, at, at, JSON.stringify(payload), channel],
    );
    if (!row) throw new Error(`cannot queue a ${kind} for ${channel}: no such channel`);
    return row.id;
  }

  /** Records held rows as gathered into a fold or digest row: they are sent with it. */
  async gather(ids: number[], foldId: number): Promise<void> {
    await this.sql.run(GATHER[this.sql.dialect], [foldId, this.sql.dialect === 'postgres' ? ids : JSON.stringify(ids)]);
  }

  /** Makes a channel's rows held for `heldFor` due now (its quiet hours, limit or digest was turned off). */
  async releaseNow(channel: string, heldFor: HeldFor, now: Date): Promise<number> {
    const { changes } = await this.sql.run("UPDATE outbox SET held_until = ? WHERE channel = ? AND status = 'held' AND fold_id IS NULL AND held_for = ?", [
      now.toISOString(),
      channel,
      heldFor,
    ]);
    return changes;
  }

  /** Moves the due time of a channel's rows held for `heldFor` (its digest's schedule or its quiet hours changed). */
  async reschedule(channel: string, heldFor: HeldFor, until: Date): Promise<void> {
    await this.sql.run("UPDATE outbox SET held_until = ? WHERE channel = ? AND status = 'held' AND fold_id IS NULL AND held_for = ?", [
      until.toISOString(),
      channel,
      heldFor,
    ]);
  }

  /**
   * The channel's own messages queued since `since` (alerts and folds, not what was gathered into one),
   * and when the oldest of them was queued: what its limit per hour counts.
   */
  async messagesSince(channel: string, since: Date): Promise<{ count: number; oldest: string | null }> {
    const row = await this.sql.get<{ count: number; oldest: string | null }>(
      `SELECT count(*) AS count, min(created_at) AS oldest FROM outbox
       WHERE channel = ? AND created_at > ? AND kind IN ('alert', 'fold') AND fold_id IS NULL AND status NOT IN ('held', 'failed', 'skipped')`,
      [channel, since.toISOString()],
    );
    return row ?? { count: 0, oldest: null };
  }

  /** Until when the channel's rows held for its limit wait, if it has any not yet gathered. */
  async limitHeldUntil(channel: string): Promise<string | null> {
    const row = await this.sql.get<{ held_until: string | null }>(
      "SELECT min(held_until) AS held_until FROM outbox WHERE channel = ? AND status = 'held' AND held_for = 'limit' AND fold_id IS NULL",
      [channel],
    );
    return row?.held_until ?? null;
  }

  /** The rows a fold or digest gathered. */
  async gathered(foldId: number): Promise<OutboxRow[]> {
    return this.sql.all<OutboxRow>('SELECT * FROM outbox WHERE fold_id = ? ORDER BY id', [foldId]);
  }
}

export function readPayload(row: Pick<OutboxRow, 'payload'>): RoundupPayload | null {
  return row.payload ? (JSON.parse(row.payload) as RoundupPayload) : null;
}
