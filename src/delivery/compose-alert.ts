import type { ItemStore } from '../db/items.ts';
import { readMentions } from '../mention.ts';
import type { ItemDelivery, Outbox, OutboxRow, TranslationShown } from '../db/outbox.ts';
import { readNotice } from '../db/outbox-notices.ts';
import type { StoryStore } from '../db/stories.ts';
import type { ChannelTranslations } from '../translate/channel-translations.ts';
import type { Message } from './look-before-post.ts';
import { composeRoundupShown, type WeeklyChart } from './compose-roundup.ts';
import type { Alert, AlertSender, StoryUpdate } from './port.ts';

export interface ComposeStores {
  items: ItemStore;
  outbox: Outbox;
  stories: StoryStore;
  /** Draws a weekly digest's trends chart; without it, weekly digests have none. */
  chart?: WeeklyChart;
  /** Items in each channel's language, where it has one; without it, items are shown as they came. */
  translations?: Pick<ChannelTranslations, 'language' | 'shown'>;
}

/** A message to post, and what it records of its translation before it goes out. */
export type ComposedMessage = Message & { translation?: { shown: TranslationShown; gathered?: Map<number, TranslationShown> } };

/**
 * The alert for an outbox row, from the item as it is now (an edit since queueing shows), naming the
 * story's other sources known by now, in the channel's language when it has one and the translation is
 * stored.
 */
export async function composeAlert(row: ItemDelivery, stores: Omit<ComposeStores, 'outbox'>): Promise<Alert | null> {
  return (await composeAlertShown(row, stores))?.alert ?? null;
}

/** The alert for an outbox row, and what it shows of a translation. */
async function composeAlertShown(
  row: ItemDelivery,
  { items, stories, translations }: Omit<ComposeStores, 'outbox'>,
): Promise<{ alert: Alert; shown: TranslationShown } | null> {
  const item = await items.find(row.item_id);
  if (!item) return null;
  const source = item.sources[0] ?? null;
  const others = (await stories.sources(row.story_id)).map((s) => s.name).filter((name) => name !== source);
  const earlier = row.translated === null ? null : { translated: row.translated === 1, reason: row.untranslated_reason };
  // The summary was computed once, by the follow-up pass after the item was stored (and its translation
  // once per language): never again for each channel.
  const text = translations
    ? await translations.shown(await translations.language(row.channel), item, earlier)
    : { title: item.title, summary: item.summary ?? '', originalLine: null, shown: null };
  const alert: Alert = {
    deliveryId: row.id,
    channel: row.channel,
    itemId: item.id,
    title: text.title,
    originalLine: text.originalLine,
    url: item.url,
    source,
    publishedAt: item.published_at,
    lang: item.lang,
    summary: text.summary,
    watch: row.watch_query,
    alsoCoveredBy: [...new Set([...item.sources.slice(1), ...others])],
    mention: row.kind === 'alert' ? (readMentions(row.mentions)[0] ?? null) : null,
  };
  return { alert, shown: text.shown };
}

/** The sources an alert names, as recorded when its attempt starts. */
function sourcesShown(alert: Alert): string[] {
  return [...(alert.source ? [alert.source] : []), ...alert.alsoCoveredBy];
}

/**
 * The update for an outbox row: the story's sources that the alert and its earlier updates have not
 * named, and what it names (those and the earlier ones). Null when the alert was not posted or its item
 * is gone.
 */
async function composeUpdate(row: ItemDelivery, stores: ComposeStores): Promise<{ update: StoryUpdate; shown: string[] } | null> {
  const parent = row.parent_id === null ? undefined : await stores.outbox.byId(row.parent_id);
  if (parent?.kind !== 'alert' || parent.status !== 'sent' || !parent.platform_message_id) return null;
  const alert = await composeAlert(parent, stores);
  if (!alert) return null;
  const before = await stores.outbox.shownSources(parent.id);
  const newSources = (await stores.stories.sources(row.story_id))
    .filter((source) => !before.has(source.name))
    .map(({ name, title, url }) => ({ name, title, url }));
  const update = { deliveryId: row.id, channel: row.channel, storyId: row.story_id, alertMessageId: parent.platform_message_id, alert, newSources };
  return { update, shown: [...before, ...newSources.map((source) => source.name)] };
}

/**
 * The message an outbox row posts through `sender`, or why there is none to post: `unsendable` when what
 * it would be about is gone, `skipped` when it would say nothing new or the platform has no updates.
 */
export async function composeMessage(
  row: OutboxRow,
  sender: AlertSender,
  stores: ComposeStores,
): Promise<ComposedMessage | { unsendable: string } | { skipped: string }> {
  if (row.kind === 'notice') {
    const payload = readNotice(row);
    if (!payload) return { unsendable: 'the notice has no text' };
    const { sendNotice, findPostedNotice } = sender;
    if (!sendNotice) return { unsendable: `${row.platform} cannot post notices` };
    const notice = { deliveryId: row.id, channel: row.channel, text: payload.text };
    return {
      post: () => sendNotice.call(sender, notice),
      look: findPostedNotice ? (since) => findPostedNotice.call(sender, notice, since) : null,
      shown: [],
    };
  }
  if (row.kind === 'fold' || row.kind === 'digest') {
    const composed = await composeRoundupShown(row, stores);
    if (!composed) return { unsendable: 'none of the items it gathers exists any more' };
    const { roundup, shown, gathered } = composed;
    const { sendRoundup, findPostedRoundup } = sender;
    if (!sendRoundup) return { unsendable: `${row.platform} cannot post several stories in one message` };
    return {
      post: () => sendRoundup.call(sender, roundup),
      look: findPostedRoundup ? (since) => findPostedRoundup.call(sender, roundup, since) : null,
      shown: [],
      translation: { shown, gathered },
    };
  }
  if (row.kind === 'update') {
    const composed = await composeUpdate(row, stores);
    if (!composed) return { unsendable: 'its alert was not posted, or its item no longer exists' };
    const { update, shown } = composed;
    if (update.newSources.length === 0) return { skipped: 'every source was already named' };
    if (!sender.sendUpdate) return { skipped: `${row.platform} alerts are not updated` };
    const { sendUpdate, findPostedUpdate } = sender;
    return {
      post: () => sendUpdate.call(sender, update),
      look: findPostedUpdate ? (since) => findPostedUpdate.call(sender, update, since) : null,
      shown,
    };
  }
  const composed = await composeAlertShown(row as ItemDelivery, stores);
  if (!composed) return { unsendable: 'the item no longer exists' };
  const { alert, shown } = composed;
  const { findPosted } = sender;
  return {
    post: () => sender.send(alert),
    look: findPosted ? (since) => findPosted.call(sender, alert, since) : null,
    shown: sourcesShown(alert),
    translation: { shown },
  };
}
