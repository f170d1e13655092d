import type { Platform } from '../channel-name.ts';
import {
  claimQuery,
  failChannelQuery,
  failGatheredQuery,
  failUpdatesQuery,
  markFailedQuery,
  markGatheredSentQuery,
  markSentQuery,
  markSkippedQuery,
  recordGatheredTranslationQuery,
  recordTranslationQuery,
  releaseQuery,
  startAttemptQuery,
  type ClaimOptions,
  type Query,
  type TranslationShown,
} from './outbox-claim-sql.ts';
import type { Sql } from './sql.ts';

export type { ClaimOptions, TranslationShown } from './outbox-claim-sql.ts';

export type DeliveryStatus = 'pending' | 'held' | 'sending' | 'sent' | 'retrying' | 'failed' | 'skipped';

/** Why a row is held: the channel's quiet hours, its limit per hour, or its digest (which replaces live alerts). */
export type HeldFor = 'quiet' | 'limit' | 'digest';

/** A row to queue held rather than due: why, and until when. */
export interface Hold {
  for: HeldFor;
  until: Date;
}

/**
 * An outbox row: an alert (one per story and channel), an update naming the story's later sources under
 * it, one message gathering several stories (a fold of held rows, or a digest), or a notice about ainews
 * itself (see src/db/outbox-notices.ts).
 */
export type OutboxRow = ItemDelivery | RoundupDelivery | NoticeDelivery;

/** An alert or an update: about one item of one story. */
export interface ItemDelivery extends OutboxFields {
  kind: 'alert' | 'update';
  item_id: number;
  story_id: number;
}

/** A fold or a digest: what it tells is in its payload. */
export interface RoundupDelivery extends OutboxFields {
  kind: 'fold' | 'digest';
  item_id: null;
  story_id: null;
}

/** A notice (a feed down, or back): about no item; its text is in its payload. */
export interface NoticeDelivery extends OutboxFields {
  kind: 'notice';
  item_id: null;
  story_id: null;
}

interface OutboxFields {
  id: number;
  /** For an update: the alert it belongs to. */
  parent_id: number | null;
  channel: string;
  platform: Platform;
  watch_id: number | null;
  watch_query: string;
  status: DeliveryStatus;
  attempts: number;
  last_error: string | null;
  next_attempt_at: string;
  claimed_by: string | null;
  claimed_at: string | null;
  platform_message_id: string | null;
  created_at: string;
  sent_at: string | null;
  /** When the request of an attempt whose outcome is unknown went out (see migration 005). */
  attempt_started_at: string | null;
  /** The sources the message names (a JSON array), recorded when its attempt starts. */
  shown_sources: string | null;
  /** While held: until when, and why. */
  held_until: string | null;
  held_for: HeldFor | null;
  /** The fold or digest this row went out in (it is marked sent with that message). */
  fold_id: number | null;
  /** Who the alert pings (a JSON array of MentionTargets: its watch's), or null. */
  mentions: string | null;
  /** A fold's or a digest's stories (JSON: see src/db/outbox-folds.ts), or a notice's text (src/db/outbox-notices.ts). */
  payload: string | null;
  /**
   * Whether it was shown translated into its channel's language (1), or as it came although a translation
   * was wanted (0, `untranslated_reason` says why); null when none was wanted, or before its first attempt.
   */
  translated: 0 | 1 | null;
  untranslated_reason: string | null;
}

/** What deciding on an alert's next update needs to know of each update it has. */
export type UpdateState = Pick<ItemDelivery, 'status' | 'created_at' | 'claimed_at' | 'sent_at' | 'attempt_started_at'>;

/** A delivery as listed by `ainews deliveries`. */
export type DeliveryRow = (ItemDelivery & { title: string }) | ((RoundupDelivery | NoticeDelivery) & { title: null });

/**
 * Queues a row for an active channel, as it is (pending) or held; nothing for an inactive channel, or
 * when the channel has a row for the item, or an alert for the story, already.
 */
const INSERT = `INSERT INTO outbox (kind, item_id, story_id, parent_id, channel, platform, watch_id, watch_query, next_attempt_at, created_at, status, held_until, held_for, mentions)
  SELECT ?, ?, ?, ?, c.id, c.platform, ?, ?, ?, ?, CASE WHEN CAST(? AS text) IS NULL THEN 'pending' ELSE 'held' END, ?, ?, ? FROM channels c
  WHERE c.id = ? AND c.active = true
  ON CONFLICT DO NOTHING`;

/** How many alerts were queued for a list of items: a JSON array on SQLite, an array on PostgreSQL. */
const ALERTS_FOR = {
  sqlite: "SELECT count(*) AS n FROM outbox WHERE kind = 'alert' AND item_id IN (SELECT value FROM json_each(?))",
  postgres: "SELECT count(*) AS n FROM outbox WHERE kind = 'alert' AND item_id = ANY (?::bigint[])",
} as const;

/**
 * The alert outbox: one row per (item, channel), and one alert per (story, channel), each claimed
 * atomically by whichever worker sends it, on SQLite or PostgreSQL. The claim path's statements are
 * src/db/outbox-claim-sql.ts: the rules are the same on both backends, for any number of workers sharing
 * the database.
 */
export class Outbox {
  constructor(private readonly sql: Sql) {}

  /**
   * Queues an alert unless this channel already has one for the item's story, or the channel is inactive
   * (the platform said it is gone); returns whether a row was added. A `hold` queues it held; `mention`
   * is the watch's (a MentionTarget as JSON), pinged when the alert is posted.
   */
  async enqueue(
    alert: { itemId: number; storyId?: number; channel: string; watchId: number; watchQuery: string; mention?: string | null },
    now = new Date(),
    hold: Hold | null = null,
  ): Promise<boolean> {
    const at = now.toISOString();
    const mentions = alert.mention ? `[${alert.mention}]` : null;
    const row = { kind: 'alert', itemId: alert.itemId, storyId: alert.storyId ?? alert.itemId, parentId: null, channel: alert.channel, watchId: alert.watchId, watchQuery: alert.watchQuery };
    return this.insert(row, at, at, mentions, hold);
  }

  /** How many alerts (not updates) were queued for these items. */
  async alertsFor(itemIds: number[]): Promise<number> {
    const postgres = this.sql.dialect === 'postgres';
    const row = await this.sql.get<{ n: number }>(ALERTS_FOR[this.sql.dialect], [postgres ? itemIds : JSON.stringify(itemIds)]);
    return row?.n ?? 0;
  }

  /** The alerts channels got (or are getting) for a story, one per channel. */
  async storyAlerts(storyId: number): Promise<ItemDelivery[]> {
    return this.sql.all<ItemDelivery>("SELECT * FROM outbox WHERE kind = 'alert' AND story_id = ? ORDER BY id", [storyId]);
  }

  /** The updates queued under an alert, the first first. */
  async updates(alertId: number): Promise<UpdateState[]> {
    return this.sql.all<UpdateState>(
      "SELECT status, created_at, claimed_at, sent_at, attempt_started_at FROM outbox WHERE parent_id = ? AND kind = 'update' ORDER BY id",
      [alertId],
    );
  }

  /**
   * Queues an update of a story's alert, due at `due`, for a later item of the story; returns whether a
   * row was added (none while the channel is inactive). Whether one is wanted, and when, is the caller's
   * to decide.
   */
  async enqueueUpdate(alert: ItemDelivery, itemId: number, due: Date, now = new Date(), hold: Hold | null = null): Promise<boolean> {
    const row = { kind: 'update', itemId, storyId: alert.story_id, parentId: alert.id, channel: alert.channel, watchId: alert.watch_id, watchQuery: alert.watch_query };
    return this.insert(row, due.toISOString(), now.toISOString(), null, hold);
  }

  /**
   * Claims up to `limit` due rows for the given platforms in one statement, so that two workers never
   * claim the same row, in id order. A claim not renewed for `claimTimeoutMs` belongs to a worker that
   * died, and is taken over.
   */
  async claim(platforms: readonly Platform[], worker: string, limit: number, now: Date, options: ClaimOptions): Promise<OutboxRow[]> {
    const { sql, params } = claimQuery(this.sql.dialect, platforms, worker, limit, now, options);
    return (await this.sql.all<OutboxRow>(sql, params)).sort((a, b) => a.id - b.id);
  }

  // Every outcome is recorded only by the worker that holds the claim: a worker whose claim went stale
  // and was taken over must not overwrite what the new holder records.

  /**
   * Records, before the request goes out, that an attempt is under way, and renews the claim. Returns
   * false when the claim was lost (taken over as stale): the alert must not be sent then.
   */
  async startAttempt(id: number, worker: string, now = new Date(), shownSources: string[] = []): Promise<boolean> {
    return (await this.run(startAttemptQuery(id, worker, now, shownSources))) > 0;
  }

  /**
   * Records what the attempt shows, before it goes out: translated or not (and why not), for the row and,
   * for a fold or digest, for each row it gathered (by item). Nothing when the claim was lost.
   */
  async recordTranslation(id: number, worker: string, shown: TranslationShown, gathered: Map<number, TranslationShown> = new Map()): Promise<void> {
    await this.sql.withTransaction(async () => {
      if ((await this.run(recordTranslationQuery(id, worker, shown))) === 0) return;
      for (const [itemId, one] of gathered) await this.run(recordGatheredTranslationQuery(id, itemId, one));
    });
  }

  /** Records an update that had nothing new to say: every source it would name was named already. */
  async markSkipped(id: number, worker: string, reason: string, now = new Date()): Promise<boolean> {
    return (await this.run(markSkippedQuery(id, worker, reason, now))) > 0;
  }

  /** The sources the alert and its sent updates have named so far. */
  async shownSources(alertId: number): Promise<Set<string>> {
    const rows = await this.sql.all<{ shown_sources: string }>(
      "SELECT shown_sources FROM outbox WHERE (id = ? OR parent_id = ?) AND status = 'sent' AND shown_sources IS NOT NULL",
      [alertId, alertId],
    );
    return new Set(rows.flatMap((row) => JSON.parse(row.shown_sources) as string[]));
  }

  async byId(id: number): Promise<OutboxRow | undefined> {
    return this.sql.get<OutboxRow>('SELECT * FROM outbox WHERE id = ?', [id]);
  }

  /** Records a row sent, and with a fold or a digest, the held rows it gathered: sent in that message. */
  async markSent(id: number, worker: string, messageId: string, now = new Date()): Promise<boolean> {
    return this.sql.withTransaction(async () => {
      if ((await this.run(markSentQuery(id, worker, messageId, now))) === 0) return false;
      await this.run(markGatheredSentQuery(id, messageId, now));
      return true;
    });
  }

  /**
   * Records a failed attempt: retried at `retryAt`, or failed for good when it is null. When the attempt
   * may have been posted all the same (`mayHaveLanded`), its start time is kept for the next attempt to
   * look for it first.
   */
  async markFailed(id: number, worker: string, error: string, retryAt: Date | null, mayHaveLanded = false): Promise<boolean> {
    return this.sql.withTransaction(async () => {
      if ((await this.run(markFailedQuery(id, worker, error, retryAt, mayHaveLanded))) === 0) return false;
      // An alert that failed for good takes its waiting updates with it: there is nothing to reply to;
      // and a fold or digest, the rows it gathered.
      if (!retryAt) {
        await this.run(failUpdatesQuery(id));
        await this.run(failGatheredQuery(id, error));
      }
      return true;
    });
  }

  /**
   * Gives claimed rows back unsent, due again at `dueAt` (default: as they were): the worker is stopping,
   * or the platform asked to wait. The attempt does not count.
   */
  async release(ids: number[], worker: string, dueAt?: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.sql.withTransaction(async () => {
      for (const id of ids) await this.run(releaseQuery(id, worker, dueAt));
    });
  }

  /**
   * Fails every alert still waiting for a channel the platform says is gone (and those this worker holds),
   * so that they are not retried one by one against it; returns how many.
   */
  async failChannel(channel: string, worker: string, reason: string): Promise<number> {
    return this.run(failChannelQuery(channel, worker, reason));
  }

  /** The newest deliveries first; all of them unless `limit` says how many. */
  async list(filter: { channel?: string; limit?: number } = {}): Promise<DeliveryRow[]> {
    const params: unknown[] = [];
    if (filter.channel) params.push(filter.channel);
    if (filter.limit !== undefined) params.push(filter.limit);
    return this.sql.all<DeliveryRow>(listSql(Boolean(filter.channel), filter.limit !== undefined), params);
  }

  async find(itemId: number, channel: string): Promise<ItemDelivery | undefined> {
    return this.sql.get<ItemDelivery>('SELECT * FROM outbox WHERE item_id = ? AND channel = ?', [itemId, channel]);
  }

  private async insert(
    row: { kind: string; itemId: number; storyId: number; parentId: number | null; channel: string; watchId: number | null; watchQuery: string },
    due: string,
    now: string,
    mentions: string | null,
    hold: Hold | null,
  ): Promise<boolean> {
    const heldUntil = hold?.until.toISOString() ?? null;
    const params = [row.kind, row.itemId, row.storyId, row.parentId, row.watchId, row.watchQuery, due, now, heldUntil, heldUntil, hold?.for ?? null, mentions, row.channel];
    return (await this.sql.run(INSERT, params)).changes > 0;
  }

  /** Runs one of the claim path's writes; returns how many rows it changed. */
  private async run(query: Query): Promise<number> {
    return (await this.sql.run(query.sql, query.params)).changes;
  }
}

/** The deliveries, newest first: of one channel or all, and all of them or only so many. */
function listSql(byChannel: boolean, limited: boolean): string {
  return `SELECT o.*, i.title FROM outbox o LEFT JOIN items i ON i.id = o.item_id ${byChannel ? 'WHERE o.channel = ?' : ''}
    ORDER BY o.id DESC${limited ? ' LIMIT ?' : ''}`;
}
