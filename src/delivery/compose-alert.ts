import type { ItemStore } from '../db/items.ts';
import type { OutboxRow } from '../db/outbox.ts';
import type { Alert } from './port.ts';

/** The alert for an outbox row, from the item as it is now (an edit since queueing shows). */
export function composeAlert(row: OutboxRow, items: ItemStore): Alert | null {
  const item = items.find(row.item_id);
  if (!item) return null;
  return {
    deliveryId: row.id,
    channel: row.channel,
    itemId: item.id,
    title: item.title,
    url: item.url,
    source: item.sources[0] ?? null,
    publishedAt: item.published_at,
    lang: item.lang,
    // Computed once, when the item was stored: never again for each channel.
    summary: item.summary ?? '',
    watch: row.watch_query,
    alsoCoveredBy: item.sources.slice(1),
  };
}
