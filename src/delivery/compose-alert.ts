import type { ItemStore } from '../db/items.ts';
import type { OutboxRow } from '../db/outbox.ts';
import { truncate } from '../format.ts';
import type { Alert } from './port.ts';

const SUMMARY_CHARS = { zh: 120, en: 300, other: 300 } as const;

/** The alert for an outbox row, from the item as it is now (an edit since queueing shows). */
export function composeAlert(row: OutboxRow, items: ItemStore): Alert | null {
  const item = items.find(row.item_id);
  if (!item) return null;
  // The stored summary, computed once when the item was stored; the lead only for items from before summaries.
  const summary = item.summary ?? truncate(item.body.split('\n\n')[0] ?? '', SUMMARY_CHARS[item.lang]);
  return {
    channel: row.channel,
    itemId: item.id,
    title: item.title,
    url: item.url,
    source: item.sources[0] ?? null,
    publishedAt: item.published_at,
    lang: item.lang,
    summary,
    watch: row.watch_query,
    alsoCoveredBy: item.sources.slice(1),
  };
}
