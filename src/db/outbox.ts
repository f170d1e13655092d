import type { Database, Statement } from 'better-sqlite3';
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
 * The alert outbox: one row per (item, channel), and one alert per (story, channel), each claimed
 * atomically by whichever worker sends it.
 */
export class Outbox {
  private readonly insert: Statement;
  private readonly updatesOfAlert: Statement;
  /**
   * The claim path's statements (src/db/outbox-claim-sql.ts), each prepared once: a worker claims before
   * every send, and compiling the claim cost about as much as running it.
   */
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Database) {
    this.insert = db.prepare(
      `INSERT INTO outbox (kind, item_id, story_id, parent_id, channel, platform, watch_id, watch_query, next_attempt_at, created_at, status, held_until, held_for, mentions)
       SELECT @kind, @itemId, @storyId, @parentId, @channel, c.platform, @watchId, @watchQuery, @due, @now,
         CASE WHEN @heldUntil IS NULL THEN 'pending' ELSE 'held' END, @heldUntil, @heldFor, @mentions FROM channels c
       WHERE c.id = @channel AND c.active = 1
       ON CONFLICT DO NOTHING`,
    );
    this.updatesOfAlert = db.prepare(
      "SELECT status, created_at, claimed_at, sent_at, attempt_started_at FROM outbox WHERE parent_id = ? AND kind = 'update' ORDER BY id",
    );
  }

  /**
   * Queues an alert unless this channel already has one for the item's story, or the channel is inactive
   * (the platform said it is gone); returns whether a row was added. A `hold` queues it held; `mention`
   * is the watch's (a MentionTarget as JSON), pinged when the alert is posted.
   */
  enqueue(
    alert: { itemId: number; storyId?: number; channel: string; watchId: number; watchQuery: string; mention?: string | null },
    now = new Date(),
    hold: Hold | null = null,
  ): boolean {
    const at = now.toISOString();
    const mentions = alert.mention ? `[${alert.mention}]` : null;
    const { mention: _, ...row } = alert;
    return this.insert.run({ ...row, storyId: alert.storyId ?? alert.itemId, kind: 'alert', parentId: null, due: at, now: at, mentions, ...holdParams(hold) }).changes > 0;
  }

  /** How many alerts (not updates) were queued for these items. */
  alertsFor(itemIds: number[]): number {
    return (
      this.db.prepare("SELECT count(*) AS n FROM outbox WHERE kind = 'alert' AND item_id IN (SELECT value FROM json_each(?))").get(JSON.stringify(itemIds)) as {
        n: number;
      }
    ).n;
  }

  /** The alerts channels got (or are getting) for a story, one per channel. */
  storyAlerts(storyId: number): ItemDelivery[] {
    return this.db.prepare("SELECT * FROM outbox WHERE kind = 'alert' AND story_id = ? ORDER BY id").all(storyId) as ItemDelivery[];
  }

  /** The updates queued under an alert, the first first. */
  updates(alertId: number): UpdateState[] {
    return this.updatesOfAlert.all(alertId) as UpdateState[];
  }

  /**
   * Queues an update of a story's alert, due at `due`, for a later item of the story; returns whether a
   * row was added (none while the channel is inactive). Whether one is wanted, and when, is the caller's
   * to decide.
   */
  enqueueUpdate(alert: ItemDelivery, itemId: number, due: Date, now = new Date(), hold: Hold | null = null): boolean {
    const row = { kind: 'update', itemId, storyId: alert.story_id, parentId: alert.id, channel: alert.channel, watchId: alert.watch_id, watchQuery: alert.watch_query };
    return this.insert.run({ ...row, due: due.toISOString(), now: now.toISOString(), mentions: null, ...holdParams(hold) }).changes > 0;
  }

  /**
   * Claims up to `limit` due alerts for the given platforms in one statement, so that two processes can
   * never claim the same row. A claim not renewed for `claimTimeoutMs` belongs to a process that died, and
   * is taken back.
   */
  claim(platforms: readonly Platform[], worker: string, limit: number, now: Date, options: ClaimOptions): OutboxRow[] {
    return (this.all(claimQuery('sqlite', platforms, worker, limit, now, options)) as OutboxRow[]).sort((a, b) => a.id - b.id);
  }

  // Every outcome is recorded only by the worker that holds the claim: a worker whose claim went stale
  // and was taken over must not overwrite what the new holder records.

  /**
   * Records, before the request goes out, that an attempt is under way, and renews the claim. Returns
   * false when the claim was lost (taken over as stale): the alert must not be sent then.
   */
  startAttempt(id: number, worker: string, now = new Date(), shownSources: string[] = []): boolean {
    return this.run(startAttemptQuery(id, worker, now, shownSources)) > 0;
  }

  /**
   * Records what the attempt shows, before it goes out: translated or not (and why not), for the row and,
   * for a fold or digest, for each row it gathered (by item). Nothing when the claim was lost.
   */
  recordTranslation(id: number, worker: string, shown: TranslationShown, gathered: Map<number, TranslationShown> = new Map()): void {
    this.db.transaction(() => {
      if (!this.run(recordTranslationQuery(id, worker, shown))) return;
      for (const [itemId, one] of gathered) this.run(recordGatheredTranslationQuery(id, itemId, one));
    }).immediate();
  }

  /** Records an update that had nothing new to say: every source it would name was named already. */
  markSkipped(id: number, worker: string, reason: string, now = new Date()): boolean {
    return this.run(markSkippedQuery(id, worker, reason, now)) > 0;
  }

  /** The sources the alert and its sent updates have named so far. */
  shownSources(alertId: number): Set<string> {
    const rows = this.db
      .prepare("SELECT shown_sources FROM outbox WHERE (id = ? OR parent_id = ?) AND status = 'sent' AND shown_sources IS NOT NULL")
      .pluck()
      .all(alertId, alertId) as string[];
    return new Set(rows.flatMap((json) => JSON.parse(json) as string[]));
  }

  byId(id: number): OutboxRow | undefined {
    return this.db.prepare('SELECT * FROM outbox WHERE id = ?').get(id) as OutboxRow | undefined;
  }

  /** Records a row sent, and with a fold or a digest, the held rows it gathered: sent in that message. */
  markSent(id: number, worker: string, messageId: string, now = new Date()): boolean {
    return this.db.transaction(() => {
      const marked = this.run(markSentQuery(id, worker, messageId, now)) > 0;
      if (marked) this.run(markGatheredSentQuery(id, messageId, now));
      return marked;
    }).immediate();
  }

  /**
   * Records a failed attempt: retried at `retryAt`, or failed for good when it is null. When the attempt
   * may have been posted all the same (`mayHaveLanded`), its start time is kept for the next attempt to
   * look for it first.
   */
  markFailed(id: number, worker: string, error: string, retryAt: Date | null, mayHaveLanded = false): boolean {
    return this.db.transaction(() => {
      const marked = this.run(markFailedQuery(id, worker, error, retryAt, mayHaveLanded)) > 0;
      // An alert that failed for good takes its waiting updates with it: there is nothing to reply to;
      // and a fold or digest, the rows it gathered.
      if (marked && !retryAt) {
        this.run(failUpdatesQuery(id));
        this.run(failGatheredQuery(id, error));
      }
      return marked;
    }).immediate();
  }

  /**
   * Gives claimed rows back unsent, due again at `dueAt` (default: as they were): the worker is stopping,
   * or the platform asked to wait. The attempt does not count.
   */
  release(ids: number[], worker: string, dueAt?: Date): void {
    this.db.transaction(() => ids.forEach((id) => this.run(releaseQuery(id, worker, dueAt)))).immediate();
  }

  /**
   * Fails every alert still waiting for a channel the platform says is gone (and those this worker holds),
   * so that they are not retried one by one against it; returns how many.
   */
  failChannel(channel: string, worker: string, reason: string): number {
    return this.run(failChannelQuery(channel, worker, reason));
  }

  /** The newest deliveries first; all of them unless `limit` says how many. */
  list(filter: { channel?: string; limit?: number } = {}): DeliveryRow[] {
    return this.db
      .prepare(
        `SELECT o.*, i.title FROM outbox o LEFT JOIN items i ON i.id = o.item_id
         ${filter.channel ? 'WHERE o.channel = @channel' : ''} ORDER BY o.id DESC LIMIT @limit`,
      )
      .all({ channel: filter.channel, limit: filter.limit ?? -1 }) as DeliveryRow[];
  }

  find(itemId: number, channel: string): ItemDelivery | undefined {
    return this.db.prepare('SELECT * FROM outbox WHERE item_id = ? AND channel = ?').get(itemId, channel) as ItemDelivery | undefined;
  }

  /** Runs one of the claim path's statements (prepared once); returns how many rows it changed. */
  private run(query: Query): number {
    return this.prepared(query.sql).run(...query.params).changes;
  }

  private all(query: Query): unknown[] {
    return this.prepared(query.sql).all(...query.params);
  }

  private prepared(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

function holdParams(hold: Hold | null): { heldUntil: string | null; heldFor: string | null } {
  return { heldUntil: hold?.until.toISOString() ?? null, heldFor: hold?.for ?? null };
}
