import type { Database } from 'better-sqlite3';
import { channelPlatform } from '../channel-name.ts';
import type { OutboxRow } from './outbox.ts';

/** What a notice row says, fixed when it is queued: every attempt sends the same text. */
export interface NoticePayload {
  text: string;
}

/**
 * The outbox's notices: plain text about ainews itself (a feed that stopped working, or works again),
 * queued like any message, so that it is claimed, sent once and kept in order with its channel's alerts.
 */
export class OutboxNotices {
  constructor(private readonly db: Database) {}

  /**
   * Queues a notice for a channel, due now; returns its row id, or null when the channel is inactive (the
   * platform said the bot cannot post there). A channel ainews has not seen yet (the operator's) is added,
   * so that the outbox can name it.
   */
  queue(channel: string, payload: NoticePayload, now: Date): number | null {
    const at = now.toISOString();
    this.db.prepare('INSERT INTO channels (id, platform, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(channel, channelPlatform(channel), at);
    const id = this.db
      .prepare(
        `INSERT INTO outbox (kind, channel, platform, watch_query, next_attempt_at, created_at, payload)
         SELECT 'notice', id, platform, '', ?, ?, ? FROM channels WHERE id = ? AND active = 1 RETURNING id`,
      )
      .pluck()
      .get(at, at, JSON.stringify(payload), channel) as number | undefined;
    return id ?? null;
  }
}

/** A notice row's text, or null when its payload holds none. */
export function readNotice(row: Pick<OutboxRow, 'payload'>): NoticePayload | null {
  if (!row.payload) return null;
  const payload = JSON.parse(row.payload) as Partial<NoticePayload>;
  return typeof payload.text === 'string' && payload.text ? { text: payload.text } : null;
}
