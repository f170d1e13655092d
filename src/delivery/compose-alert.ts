import type { ItemStore } from '../db/items.ts';
import type { Outbox, OutboxRow } from '../db/outbox.ts';
import type { StoryStore } from '../db/stories.ts';
import type { Alert, StoryUpdate } from './port.ts';

export interface ComposeStores {
  items: ItemStore;
  outbox: Outbox;
  stories: StoryStore;
}

/**
 * The alert for an outbox row, from the item as it is now (an edit since queueing shows), naming the
 * story's other sources known by now.
 */
export function composeAlert(row: OutboxRow, { items, stories }: ComposeStores): Alert | null {
  const item = items.find(row.item_id);
  if (!item) return null;
  const source = item.sources[0] ?? null;
  const others = stories.sources(row.story_id).map((s) => s.name).filter((name) => name !== source);
  return {
    deliveryId: row.id,
    channel: row.channel,
    itemId: item.id,
    title: item.title,
    url: item.url,
    source,
    publishedAt: item.published_at,
    lang: item.lang,
    // Computed once, when the item was stored: never again for each channel.
    summary: item.summary ?? '',
    watch: row.watch_query,
    alsoCoveredBy: [...new Set([...item.sources.slice(1), ...others])],
  };
}

/** The sources an alert names, as recorded when its attempt starts. */
export function sourcesShown(alert: Alert): string[] {
  return [...(alert.source ? [alert.source] : []), ...alert.alsoCoveredBy];
}

/**
 * The update for an outbox row: the story's sources that the alert and its earlier updates have not
 * named, and what it names (those and the earlier ones). Null when the alert was not posted or its item
 * is gone.
 */
export function composeUpdate(row: OutboxRow, stores: ComposeStores): { update: StoryUpdate; shown: string[] } | null {
  const parent = row.parent_id === null ? undefined : stores.outbox.byId(row.parent_id);
  if (parent?.status !== 'sent' || !parent.platform_message_id) return null;
  const alert = composeAlert(parent, stores);
  if (!alert) return null;
  const before = stores.outbox.shownSources(parent.id);
  const newSources = stores.stories
    .sources(row.story_id)
    .filter((source) => !before.has(source.name))
    .map(({ name, title, url }) => ({ name, title, url }));
  const update = { deliveryId: row.id, channel: row.channel, storyId: row.story_id, alertMessageId: parent.platform_message_id, alert, newSources };
  return { update, shown: [...before, ...newSources.map((source) => source.name)] };
}
