import type { FeedStore } from '../src/db/feeds.ts';
import type { ItemStore } from '../src/db/items.ts';
import type { Outbox } from '../src/db/outbox.ts';
import type { StoryStore } from '../src/db/stories.ts';
import type { WatchStore } from '../src/db/watches.ts';
import type { FeedAdmin } from '../src/feeds/feed-admin.ts';
import type { AlertRouter } from '../src/pipeline/route-alerts.ts';
import type { ChannelRhythm } from '../src/rhythm/channel-rhythm.ts';
import type { Trends } from '../src/rhythm/trends.ts';
import type { SearchService } from '../src/search/search.ts';
import type { ChannelTranslations } from '../src/translate/channel-translations.ts';

/**
 * What commands may read and change, each narrowed to the calls commands make. A command declares the
 * ones it `uses` and is given those alone; the composition root (src/app.ts) provides them.
 */
export interface CommandServices {
  search: Pick<SearchService, 'search'>;
  items: Pick<ItemStore, 'recent' | 'find' | 'feedsOf' | 'pendingState'>;
  feeds: Pick<FeedStore, 'list'>;
  /** Adds and removes feeds (`subscribe` fetches the URL first, to find the feed a web page names). */
  admin: Pick<FeedAdmin, 'subscribe' | 'remove'>;
  watches: Pick<WatchStore, 'add' | 'remove' | 'list' | 'channel'>;
  stories: Pick<StoryStore, 'recent' | 'sources' | 'joined' | 'find' | 'items'>;
  /** Deliveries by id: the fold or digest an alert went out in. */
  outbox: Pick<Outbox, 'byId'>;
  /** Why an item went, or did not go, to a channel: routing's own answer. */
  router: Pick<AlertRouter, 'explain'>;
  /** Each channel's time zone, digest, quiet hours and limit. */
  rhythm: Pick<ChannelRhythm, 'settings' | 'setTimezone' | 'setDigest' | 'setQuiet' | 'setLimit' | 'setMinSources' | 'setLanguage'>;
  /** Stories per day for a channel's watches. */
  trends: Pick<Trends, 'of'>;
  /**
   * Whether an LLM is configured to translate, and the translations already stored: a command never asks
   * the LLM (it must answer within the platforms' three seconds).
   */
  translations: Pick<ChannelTranslations, 'configured' | 'language' | 'cachedTitles'>;
}
