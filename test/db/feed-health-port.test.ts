import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FeedHealthStore, noticedChannels } from '../../src/db/feed-health.ts';
import { FeedStore } from '../../src/db/feeds.ts';
import { describePostgres } from '../helpers/postgres.ts';
import { postgresStore, sqliteStore, type Store } from '../helpers/storage-backends.ts';
import { T0, at } from '../helpers/port-fixtures.ts';

/** Feed outages, the same tests and expectations on each backend. */
function feedHealthSuite(describeOn: (name: string, suite: () => void) => void, open: () => Promise<Store>): void {
  describeOn('feed health', () => {
    let store: Store;
    let health: FeedHealthStore;
    let feedId: number;
    beforeEach(async () => {
      store = await open();
      health = new FeedHealthStore(store.sql);
      feedId = (await new FeedStore(store.sql).add({ url: 'https://a.example/feed', intervalSeconds: 900 }, T0)).feed.id;
    });
    afterEach(() => store.close());

    it('opens an outage at the first failure and keeps it open through the next ones', async () => {
      expect(await health.find(feedId)).toBeUndefined();
      const outage = { feed_id: feedId, outage_started_at: T0.toISOString(), recovered_at: null, noticed_at: null, noticed_channels: null, recovery_noticed_at: null };
      expect(await health.failed(feedId, T0)).toEqual(outage);
      expect(await health.failed(feedId, at(60))).toEqual(outage);
      expect(await health.find(feedId)).toEqual(outage);
    });

    it('notices an outage once, and its end once, with the time it ended', async () => {
      await health.failed(feedId, T0);
      expect(await health.markNoticed(feedId, ['console:ops', 'slack:T1/C1'], at(600))).toBe(true);
      expect(await health.markNoticed(feedId, ['console:other'], at(660))).toBe(false);
      const noticed = (await health.find(feedId))!;
      expect(noticed).toMatchObject({ noticed_at: at(600).toISOString() });
      expect(noticedChannels(noticed)).toEqual(['console:ops', 'slack:T1/C1']);

      expect(await health.recovered(feedId, at(900))).toMatchObject({
        outage_started_at: T0.toISOString(),
        recovered_at: at(900).toISOString(),
        recovery_noticed_at: at(900).toISOString(),
      });
      expect(await health.recovered(feedId, at(960))).toBeNull();
      expect(await health.markNoticed(feedId, ['console:ops'], at(960))).toBe(false);
    });

    it('ends an outage never noticed without a recovery notice, and forgets the last outage when a new one opens', async () => {
      expect(await health.recovered(feedId, T0)).toBeNull();
      await health.failed(feedId, T0);
      expect(await health.recovered(feedId, at(60))).toMatchObject({ recovered_at: at(60).toISOString(), noticed_at: null, recovery_noticed_at: null });

      await health.failed(feedId, at(120));
      await health.markNoticed(feedId, ['console:ops'], at(180));
      await health.recovered(feedId, at(240));
      expect(await health.failed(feedId, at(300))).toEqual({
        feed_id: feedId,
        outage_started_at: at(300).toISOString(),
        recovered_at: null,
        noticed_at: null,
        noticed_channels: null,
        recovery_noticed_at: null,
      });
      expect(noticedChannels({ noticed_channels: null })).toEqual([]);
    });
  });
}

feedHealthSuite(describe, sqliteStore);
feedHealthSuite(describePostgres, postgresStore);
