import type { Platform } from '../channel-name.ts';
import type { Sql } from './sql.ts';
import { showsUntranslated } from './translations.ts';

/**
 * The SQL of the outbox's claim path (`Outbox`, on SQLite and PostgreSQL): claiming due rows, recording
 * an attempt before its request, and recording its outcome. Only the claim differs between the backends;
 * each function returns a statement with `?` placeholders and its parameters in order.
 */

export type Dialect = Sql['dialect'];

/** A statement and its parameters, in the order of its `?` placeholders. */
export interface Query {
  sql: string;
  params: unknown[];
}

export interface ClaimOptions {
  /** A claim not renewed for this long belongs to a process that died mid-send (DELIVERY_CLAIM_TIMEOUT). */
  claimTimeoutMs: number;
  /** How long an alert waits for its item's LLM summary (0 without an LLM). */
  summaryWaitMs: number;
  /**
   * How long an alert, a fold or a digest waits for the translation of what it shows into its channel's
   * language (0, the default: without an LLM, nothing waits).
   */
  translationWaitMs?: number;
  /** Rows due after this are left for later (by default, `now`). */
  dueBy?: Date;
  /** Channels left out: those this worker is already sending to. */
  skipChannels?: string[];
  /** Only this channel's alerts. */
  onlyChannel?: string;
}

/** What a message showed of a translation into its channel's language: none wanted (null), or whether it was shown, and why not. */
export type TranslationShown = { translated: boolean; reason: string | null } | null;

/**
 * Claims up to `limit` due rows for `worker`. A claim not renewed for `claimTimeoutMs` belongs to a
 * process that died, and is taken back. The rows come back in any order.
 */
export function claimQuery(dialect: Dialect, platforms: readonly Platform[], worker: string, limit: number, now: Date, options: ClaimOptions): Query {
  const { dueBy = now, summaryWaitMs, translationWaitMs = 0, claimTimeoutMs, skipChannels = [], onlyChannel } = options;
  const stale = new Date(now.getTime() - claimTimeoutMs).toISOString();
  // An alert whose item is still being summarized by the LLM waits, but not past summaryWaitMs.
  const waitedSince = new Date(now.getTime() - summaryWaitMs).toISOString();
  // Likewise for its translation; a row whose first attempt showed what it showed (translated or not)
  // no longer waits. Without a wait, the first test (queued at or before now) settles it at once.
  const translationWaitedSince = new Date(now.getTime() - translationWaitMs).toISOString();
  const channels = onlyChannel ?? (dialect === 'postgres' ? skipChannels : JSON.stringify(skipChannels));
  return {
    sql: claimSql(dialect, platforms.length, onlyChannel !== undefined),
    params: [worker, now.toISOString(), ...platforms, channels, dueBy.toISOString(), stale, waitedSince, translationWaitedSince, ...(dialect === 'postgres' ? [stale] : []), limit],
  };
}

/**
 * PostgreSQL's part of the head-of-queue rule: an alert also waits while a later alert of its channel is
 * being sent under a live claim. There, ids are handed out as rows are inserted, not as they are
 * committed: an alert queued in a transaction that commits late can turn up behind one already claimed,
 * and must not go out beside it. (On SQLite writes are serialised, so id order is commit order, and the
 * claim is spared the extra read.) A stale claim does not count, or the two alerts would hold each other
 * back for good.
 */
const NO_LATER_ALERT_IN_FLIGHT = `AND (outbox.kind = 'update' OR NOT EXISTS (
                 SELECT 1 FROM outbox later
                 WHERE later.channel = outbox.channel AND later.id > outbox.id AND later.kind <> 'update'
                   AND later.status = 'sending' AND later.claimed_at >= ?))`;

const claims = new Map<string, string>();

/**
 * The claim's text for this many platforms, for one channel or all but some, built once: a worker claims
 * before every send.
 *
 * One statement, so that two workers never claim the same row. On SQLite the write lock serialises claims.
 * On PostgreSQL (at READ COMMITTED) the rows are locked FOR UPDATE SKIP LOCKED, so that a worker passes
 * over the rows another is claiming instead of waiting for it; the rules that look at other rows read the
 * statement's snapshot, where a row being claimed by another worker is still waiting, so it still holds
 * back what comes after it in its channel.
 */
function claimSql(dialect: Dialect, platformCount: number, onlyChannel: boolean): string {
  const key = `${dialect}:${platformCount}:${onlyChannel}`;
  let sql = claims.get(key);
  if (sql !== undefined) return sql;
  const postgres = dialect === 'postgres';
  const platforms = Array.from({ length: platformCount }, () => '?').join(', ');
  const channels = onlyChannel ? 'channel = ?' : postgres ? 'channel <> ALL (?::text[])' : 'channel NOT IN (SELECT value FROM json_each(?))';
  sql = `UPDATE outbox SET status = 'sending', claimed_by = ?, claimed_at = ?, attempts = attempts + 1
           WHERE id IN (
             SELECT id FROM outbox
             WHERE platform IN (${platforms})
               AND ${channels}
               AND ((status IN ('pending', 'retrying') AND next_attempt_at <= ?) OR (status = 'sending' AND claimed_at < ?))
               AND (outbox.kind = 'update' OR NOT EXISTS (
                 SELECT 1 FROM items i WHERE i.id = outbox.item_id AND i.summary_pending = ${postgres ? 'true' : '1'} AND outbox.created_at > ?))
               -- Likewise an alert, fold or digest showing an item its channel wants in its language, while the
               -- translation is not made (src/translate/llm-translations.ts), up to the translation wait.
               AND (outbox.created_at <= ? OR outbox.kind = 'update' OR outbox.translated IS NOT NULL OR NOT ${showsUntranslated('outbox', dialect)})
               -- Only the head of each channel's queue of alerts: an earlier alert still waiting, being sent or
               -- being retried holds the later ones back until it is sent or has failed for good, so that they
               -- never overtake it, in this process or another, through an outage however long.
               AND (outbox.kind = 'update' OR NOT EXISTS (
                 SELECT 1 FROM outbox earlier
                 WHERE earlier.channel = outbox.channel AND earlier.id < outbox.id AND earlier.kind <> 'update'
                   AND earlier.status IN ('pending', 'sending', 'retrying')))
               ${postgres ? NO_LATER_ALERT_IN_FLIGHT : ''}
               -- An update (a reply to the alert, or an edit of it) waits while its alert is still to be posted,
               -- and while an earlier update of the alert is; once the alert failed, it is taken, to fail too.
               AND (outbox.kind <> 'update' OR (
                 NOT EXISTS (SELECT 1 FROM outbox alert WHERE alert.id = outbox.parent_id AND alert.status IN ('pending', 'sending', 'retrying'))
                 AND NOT EXISTS (
                   SELECT 1 FROM outbox earlier WHERE earlier.parent_id = outbox.parent_id AND earlier.id < outbox.id
                     AND earlier.status IN ('pending', 'sending', 'retrying'))))
             ORDER BY id LIMIT ?${postgres ? ' FOR UPDATE SKIP LOCKED' : ''})
           RETURNING *`;
  claims.set(key, sql);
  return sql;
}

// Every outcome is recorded only by the worker that holds the claim: a worker whose claim went stale
// and was taken over must not overwrite what the new holder records. These statements are the same on
// both backends (PostgreSQL reads a 0 or 1 parameter as a boolean where one is wanted).

/** Records that an attempt is under way, and renews the claim; changes nothing once the claim was lost. */
export function startAttemptQuery(id: number, worker: string, now: Date, shownSources: string[]): Query {
  const at = now.toISOString();
  return {
    sql: 'UPDATE outbox SET attempt_started_at = ?, claimed_at = ?, shown_sources = ? WHERE id = ? AND claimed_by = ?',
    params: [at, at, JSON.stringify(shownSources), id, worker],
  };
}

/** Records what a claimed row's attempt shows of a translation. */
export function recordTranslationQuery(id: number, worker: string, shown: TranslationShown): Query {
  return { sql: 'UPDATE outbox SET translated = ?, untranslated_reason = ? WHERE id = ? AND claimed_by = ?', params: [...translationParams(shown), id, worker] };
}

/** Records what a fold or digest shows of the translation of one of the rows it gathered (by item). */
export function recordGatheredTranslationQuery(foldId: number, itemId: number, shown: TranslationShown): Query {
  return { sql: 'UPDATE outbox SET translated = ?, untranslated_reason = ? WHERE fold_id = ? AND item_id = ?', params: [...translationParams(shown), foldId, itemId] };
}

export function markSkippedQuery(id: number, worker: string, reason: string, now: Date): Query {
  return {
    sql: `UPDATE outbox SET status = 'skipped', last_error = ?, sent_at = ?, claimed_by = NULL, attempt_started_at = NULL WHERE id = ? AND claimed_by = ?`,
    params: [reason, now.toISOString(), id, worker],
  };
}

export function markSentQuery(id: number, worker: string, messageId: string, now: Date): Query {
  return {
    sql: `UPDATE outbox SET status = 'sent', platform_message_id = ?, sent_at = ?, last_error = NULL, claimed_by = NULL, attempt_started_at = NULL
             WHERE id = ? AND claimed_by = ?`,
    params: [messageId, now.toISOString(), id, worker],
  };
}

/** The held rows a fold or digest gathered, sent in its message. */
export function markGatheredSentQuery(foldId: number, messageId: string, now: Date): Query {
  return {
    sql: `UPDATE outbox SET status = 'sent', platform_message_id = ?, sent_at = ?, held_until = NULL WHERE fold_id = ? AND status = 'held'`,
    params: [messageId, now.toISOString(), foldId],
  };
}

/**
 * A failed attempt: retried at `retryAt`, or failed for good when it is null. When the attempt may have
 * been posted all the same, its start time is kept for the next attempt to look for it first.
 */
export function markFailedQuery(id: number, worker: string, error: string, retryAt: Date | null, mayHaveLanded: boolean): Query {
  return {
    sql: `UPDATE outbox SET status = ?, last_error = ?, next_attempt_at = coalesce(?, next_attempt_at), claimed_by = NULL,
               attempt_started_at = CASE WHEN ? THEN attempt_started_at END
             WHERE id = ? AND claimed_by = ?`,
    params: [retryAt ? 'retrying' : 'failed', error, retryAt?.toISOString() ?? null, mayHaveLanded ? 1 : 0, id, worker],
  };
}

/** The updates still waiting under an alert that failed for good: there is nothing to reply to. */
export function failUpdatesQuery(alertId: number): Query {
  return {
    sql: `UPDATE outbox SET status = 'failed', last_error = 'its alert was never posted' WHERE parent_id = ? AND status IN ('pending', 'retrying')`,
    params: [alertId],
  };
}

/** The held rows a fold or digest that failed for good gathered. */
export function failGatheredQuery(foldId: number, error: string): Query {
  return {
    sql: `UPDATE outbox SET status = 'failed', held_until = NULL, last_error = ? WHERE fold_id = ? AND status = 'held'`,
    params: [`the message gathering it failed: ${error}`, foldId],
  };
}

/** Gives a claimed row back unsent, due again at `dueAt` (default: as it was); the attempt does not count. */
export function releaseQuery(id: number, worker: string, dueAt: Date | undefined): Query {
  return {
    sql: `UPDATE outbox SET status = CASE WHEN attempts > 1 THEN 'retrying' ELSE 'pending' END, attempts = attempts - 1, claimed_by = NULL,
         next_attempt_at = coalesce(?, next_attempt_at)
       WHERE id = ? AND claimed_by = ?`,
    params: [dueAt?.toISOString() ?? null, id, worker],
  };
}

/** Fails every row still waiting for a channel that is gone, and those of it this worker holds. */
export function failChannelQuery(channel: string, worker: string, reason: string): Query {
  return {
    sql: `UPDATE outbox SET status = 'failed', last_error = ?, claimed_by = NULL, held_until = NULL
         WHERE channel = ? AND (status IN ('pending', 'held', 'retrying') OR (status = 'sending' AND claimed_by = ?))`,
    params: [reason, channel, worker],
  };
}

function translationParams(shown: TranslationShown): [0 | 1 | null, string | null] {
  return shown ? [shown.translated ? 1 : 0, shown.translated ? null : shown.reason] : [null, null];
}
