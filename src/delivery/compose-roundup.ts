import type { ItemStore } from '../db/items.ts';
import type { RoundupDelivery, TranslationShown } from '../db/outbox.ts';
import { readPayload, type RoundupPayload } from '../db/outbox-folds.ts';
import type { StoryStore } from '../db/stories.ts';
import { localDayClock } from '../rhythm/local-time.ts';
import { combineShown, type ChannelTranslations } from '../translate/channel-translations.ts';
import type { Roundup, RoundupEntry } from './port.ts';

/** Draws a channel's trends chart for a weekly digest: the seven days up to `until`, in `zone`. */
export type WeeklyChart = (channel: string, until: Date, zone: string) => Promise<Roundup['chart']>;

export interface RoundupStores {
  items: Pick<ItemStore, 'find'>;
  stories: Pick<StoryStore, 'sources'>;
  chart?: WeeklyChart;
  /** Items in each channel's language, where it has one; without it, items are shown as they came. */
  translations?: Pick<ChannelTranslations, 'language' | 'shown'>;
}

function stories(n: number): string {
  return n === 1 ? 'story' : 'stories';
}

/** What a roundup is called, from why its stories were gathered. */
function headingOf(payload: RoundupPayload): string {
  const { total, reason, digest } = payload;
  const part = payload.parts > 1 ? ` (part ${payload.part} of ${payload.parts})` : '';
  if (digest) {
    const since = localDayClock(new Date(digest.since), digest.zone);
    return `${digest.every === 'daily' ? 'Daily' : 'Weekly'} digest: ${total} ${stories(total)} since ${since}${part}`;
  }
  switch (reason) {
    case 'quiet':
      return `While you were away: ${total} ${stories(total)}${part}`;
    case 'limit':
      return `${total} more ${stories(total)} matching your watches${part}`;
    case 'digest':
      return `${total} ${stories(total)} held for the digest, which was turned off${part}`;
  }
}

/**
 * The message for a fold or digest row: its stories as they are now (an edited title shows, later
 * sources are named), in the order it was queued with. Null when none of its items is left.
 */
export async function composeRoundup(row: RoundupDelivery, stores: RoundupStores): Promise<Roundup | null> {
  return (await composeRoundupShown(row, stores))?.roundup ?? null;
}

/**
 * The message for a fold or digest row, with what it shows of translations into the channel's language:
 * in all (`shown`), and by item (`gathered`), for the rows it gathered.
 */
export async function composeRoundupShown(
  row: RoundupDelivery,
  { items, stories: storyStore, chart, translations }: RoundupStores,
): Promise<{ roundup: Roundup; shown: TranslationShown; gathered: Map<number, TranslationShown> } | null> {
  const payload = readPayload(row);
  if (!payload) return null;
  const entries: RoundupEntry[] = [];
  const gathered = new Map<number, TranslationShown>();
  const language = translations ? await translations.language(row.channel) : null;
  const earlier = row.translated === null ? null : { translated: row.translated === 1, reason: row.untranslated_reason };
  for (const ref of payload.entries) {
    const item = await items.find(ref.item_id);
    if (!item) continue;
    const sources = (await storyStore.sources(ref.story_id)).map((source) => source.name);
    const text = translations
      ? await translations.shown(language, item, earlier)
      : { title: item.title, summary: item.summary ?? '', originalLine: null, shown: null };
    gathered.set(item.id, text.shown);
    entries.push({
      storyId: ref.story_id,
      itemId: item.id,
      title: text.title,
      originalLine: text.originalLine,
      url: item.url,
      lang: item.lang,
      summary: text.summary,
      sources: sources.length ? sources : item.sources,
      alerted: payload.digest ? ref.alerted : null,
    });
  }
  if (entries.length === 0) return null;
  const more = payload.digest ? payload.total - payload.entries.length : 0;
  const footer = more
    ? `…and ${more} more ${stories(more)} matching your watches in this period`
    : payload.parts > 1 && payload.part < payload.parts
      ? `Continued in the next message (part ${payload.part + 1} of ${payload.parts}).`
      : null;
  const weekly = payload.digest?.every === 'weekly' && chart ? await chart(row.channel, new Date(payload.digest.until), payload.digest.zone) : null;
  const roundup: Roundup = { deliveryId: row.id, channel: row.channel, kind: row.kind, heading: headingOf(payload), entries, more, footer, chart: weekly };
  return { roundup, shown: combineShown([...gathered.values()]), gathered };
}

/** "3 sources: IT之家, The Verge, Reuters" (the first few, and how many more). */
export function sourcesLine(sources: string[], shown = 4): string {
  const named = sources.slice(0, shown).join(', ');
  const rest = sources.length > shown ? `, and ${sources.length - shown} more` : '';
  return `${sources.length} ${sources.length === 1 ? 'source' : 'sources'}: ${named}${rest}`;
}
