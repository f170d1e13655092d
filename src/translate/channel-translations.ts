import type { ChannelSettingsStore } from '../db/channel-settings.ts';
import type { TranslationShown } from '../db/outbox.ts';
import type { ChannelLanguage, TranslationStore } from '../db/translations.ts';

/** How the original title is introduced under a translated one, in the channel's language. */
const ORIGINAL: Record<ChannelLanguage, string> = { en: 'Original: ', zh: '原文：' };

/** An item's title and summary as a channel is shown them. */
export interface ShownText {
  title: string;
  summary: string;
  /** When they are shown translated: the original title, introduced ("Original: …", "原文：…"). Feed text. */
  originalLine: string | null;
  /** What to record of it: null when no translation was wanted. */
  shown: TranslationShown;
}

/**
 * What channels are shown in their language (`settings language`): the stored translation of an item
 * when there is one, else the item as it came, and why. It reads only what is stored and never asks the
 * LLM, so that composing a message and answering a command stay fast.
 */
export class ChannelTranslations {
  constructor(
    private readonly deps: {
      store: Pick<TranslationStore, 'find' | 'titles'>;
      settings: Pick<ChannelSettingsStore, 'get'>;
      /** Whether an LLM is configured (LLM_BASE_URL): without one, nothing is ever translated. */
      llm: boolean;
    },
  ) {}

  /** Whether anything can be translated at all: an LLM is configured. */
  configured(): boolean {
    return this.deps.llm;
  }

  /** The language the channel asked for, if any. */
  async language(channel: string): Promise<ChannelLanguage | null> {
    return (await this.deps.settings.get(channel)).language;
  }

  /**
   * An item's texts as a channel in `language` is shown them. `earlier` is what an earlier attempt of the
   * same message showed: one that went untranslated stays so, so that every attempt sends the same.
   */
  async shown(
    language: ChannelLanguage | null,
    item: { id: number; title: string; summary: string | null; lang: string },
    earlier: TranslationShown = null,
  ): Promise<ShownText> {
    const original = { title: item.title, summary: item.summary ?? '', originalLine: null };
    if (!language || item.lang === language) return { ...original, shown: null };
    if (earlier && !earlier.translated) return { ...original, shown: earlier };
    if (!this.deps.llm) return { ...original, shown: { translated: false, reason: 'no LLM configured' } };
    const stored = await this.deps.store.find(item.id, language);
    const current = stored?.source_title === item.title && stored.source_summary === (item.summary ?? '');
    if (stored && current && stored.status === 'done' && stored.title !== null) {
      return { title: stored.title, summary: stored.summary ?? '', originalLine: `${ORIGINAL[language]}${item.title}`, shown: { translated: true, reason: null } };
    }
    if (stored && current && stored.status === 'failed') {
      const reason = stored.failure === 'budget' ? 'the daily LLM budget is spent' : `the LLM failed: ${stored.error ?? 'no reason recorded'}`;
      return { ...original, shown: { translated: false, reason } };
    }
    return { ...original, shown: { translated: false, reason: 'the translation was not ready within LLM_ALERT_WAIT' } };
  }

  /** The stored translated titles of these items (for search answers: never asks the LLM). */
  async cachedTitles(itemIds: number[], language: ChannelLanguage): Promise<Map<number, string>> {
    return itemIds.length ? this.deps.store.titles(itemIds, language) : new Map<number, string>();
  }
}

/**
 * What a message that shows several items records: none wanted (null) when none of them wanted one,
 * translated when every one that did was shown translated, else the first reason one was not.
 */
export function combineShown(shown: TranslationShown[]): TranslationShown {
  const wanted = shown.filter((one) => one !== null);
  if (wanted.length === 0) return null;
  return wanted.find((one) => !one.translated) ?? { translated: true, reason: null };
}
