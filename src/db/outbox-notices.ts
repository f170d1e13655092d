import { channelPlatform } from '../channel-name.ts';
import type { OutboxRow } from './outbox.ts';
import type { Sql } from './sql.ts';

/** What a notice row says, fixed when it is queued: every attempt sends the same text. */
export interface NoticePayload {
  text: string;
}

/**
 * The outbox's notices: plain text about ainews itself (a feed that stopped working, or works again),
 * queued like any message, so that it is claimed, sent once and kept in order with its channel's alerts.
 */
export class OutboxNotices {
  constructor(private readonly sql: Sql) {}

  /**
   * Queues a notice for a channel, due now; returns its row id, or null when the channel is inactive (the
   * platform said the bot cannot post there). A channel ainews has not seen yet (the operator's) is added,
   * so that the outbox can name it.
   */
  async queue(channel: string, payload: NoticePayload, now: Date): Promise<number | null> {
    const at = now.toISOString();
    await this.sql.run('INSERT INTO channels (id, platform, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [channel, channelPlatform(channel), at]);
    const row = await this.sql.get<{ id: number }>(
      `INSERT INTO outbox (kind, channel, platform, watch_query, next_attempt_at, created_at, payload)
       SELECT 'notice', id, platform, '', ?, ?, ? FROM channels WHERE id = ? AND active = true RETURNING id`,
      [at, at, JSON.stringify(payload), channel],
    );
    return row?.id ?? null;
  }
}

/** A notice row's text, or null when its payload holds none. */
export function readNotice(row: Pick<OutboxRow, 'payload'>): NoticePayload | null {
  if (!row.payload) return null;
  const payload = JSON.parse(row.payload) as Partial<NoticePayload>;
  return typeof payload.text === 'string' && payload.text ? { text: payload.text } : null;
}
