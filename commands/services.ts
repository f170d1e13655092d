import type { FeedStore } from '../src/db/feeds.ts';
import type { ItemStore } from '../src/db/items.ts';
import type { StoryStore } from '../src/db/stories.ts';
import type { WatchStore } from '../src/db/watches.ts';
import type { FeedAdmin } from '../src/feeds/feed-admin.ts';
import type { AlertRouter } from '../src/pipeline/route-alerts.ts';
import type { SearchService } from '../src/search/search.ts';

/**
 * What commands may read and change, each narrowed to the calls commands make. A command declares the
 * ones it `uses` and is given those alone; the composition root (src/app.ts) provides them.
 */
export interface CommandServices {
  search: Pick<SearchService, 'search'>;
  items: Pick<ItemStore, 'recent' | 'find' | 'feedsOf' | 'pendingState'>;
  feeds: Pick<FeedStore, 'list'>;
  /** Adds and removes feeds. */
  admin: Pick<FeedAdmin, 'add' | 'remove'>;
  watches: Pick<WatchStore, 'add' | 'remove' | 'list' | 'channel'>;
  stories: Pick<StoryStore, 'recent' | 'sources' | 'joined' | 'find' | 'items'>;
  /** Why an item went, or did not go, to a channel: routing's own answer. */
  router: Pick<AlertRouter, 'explain'>;
}
