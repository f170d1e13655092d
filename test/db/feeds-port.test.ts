import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FeedRhythms } from '../../src/db/feed-rhythms.ts';
import { FeedStore, type PollPlan } from '../../src/db/feeds.ts';
import { describePostgres } from '../helpers/postgres.ts';
import { postgresStore, sqliteStore, type Store } from '../helpers/storage-backends.ts';
import { T0, at } from '../helpers/port-fixtures.ts';

const HOUR = 3600;

const plan = (nextPollAt: Date, more: Partial<PollPlan> = {}): PollPlan => ({
  nextPollAt,
  intervalSeconds: 1800,
  reason: 'learned',
  newsRate: null,
  requestWeight: null,
  ...more,
});

/** The feeds and their rhythms, the same tests and expectations on each backend. */
function feedsSuite(describeOn: (name: string, suite: () => void) => void, open: () => Promise<Store>): void {
  describeOn('feed store', () => {
    let store: Store;
    let feeds: FeedStore;
    beforeEach(async () => {
      store = await open();
      feeds = new FeedStore(store.sql);
    });
    afterEach(() => store.close());

    const add = async (url: string, now = T0) => (await feeds.add({ url, intervalSeconds: 900 }, now)).feed;

    it('adds a feed due at once, once per URL, and finds, lists, counts and removes feeds', async () => {
      const added = await feeds.add({ url: 'https://a.example/feed', name: 'A', intervalSeconds: 900 }, T0);
      expect(added).toEqual({
        created: true,
        feed: expect.objectContaining({
          id: 1,
          url: 'https://a.example/feed',
          name: 'A',
          interval_seconds: 900,
          interval_mode: 'adaptive',
          interval_reason: null,
          news_rate: null,
          status: 'ok',
          consecutive_failures: 0,
          last_polled_at: null,
          next_poll_at: T0.toISOString(),
          created_at: T0.toISOString(),
          claimed_by: null,
        }),
      });
      const again = await feeds.add({ url: 'https://a.example/feed', name: 'Other', intervalSeconds: 3600, intervalMode: 'fixed' }, at(60));
      expect(again).toEqual({ created: false, feed: added.feed });
      const b = (await feeds.add({ url: 'https://b.example/feed', intervalSeconds: 600, intervalMode: 'fixed' }, T0)).feed;
      expect(b).toMatchObject({ name: null, interval_mode: 'fixed', interval_seconds: 600 });

      expect(await feeds.count()).toBe(2);
      expect((await feeds.list()).map((feed) => feed.url)).toEqual(['https://a.example/feed', 'https://b.example/feed']);
      expect(await feeds.find(b.id)).toEqual(b);
      expect(await feeds.find(String(b.id))).toEqual(b);
      expect(await feeds.find('https://a.example/feed')).toEqual(added.feed);
      expect(await feeds.find(99)).toBeUndefined();
      // An id too long to be one (PostgreSQL would refuse it as out of range for bigint).
      expect(await feeds.find('99999999999999999999')).toBeUndefined();
      expect(await feeds.find('https://nowhere.example/feed')).toBeUndefined();

      await feeds.remove(added.feed.id);
      expect(await feeds.count()).toBe(1);
      expect(await feeds.find(added.feed.id)).toBeUndefined();
    });

    it('hands out due feeds never polled first, then by the news expected since their last poll, then the longest due', async () => {
      const [quiet, busy, fresh, later, notDue, disabled] = [
        await add('https://quiet.example/feed'),
        await add('https://busy.example/feed'),
        await add('https://fresh.example/feed'),
        await add('https://later.example/feed'),
        await add('https://not-due.example/feed'),
        await add('https://disabled.example/feed'),
      ];
      // Polled an hour ago: 0.5 an hour expects 0.5 items, 4 an hour expects 4, a fixed feed 1 an hour.
      await feeds.recordSuccess(quiet.id, { at: T0, plan: plan(at(HOUR), { newsRate: 0.5 }), etag: null, lastModified: null });
      await feeds.recordSuccess(busy.id, { at: T0, plan: plan(at(HOUR), { newsRate: 4 }), etag: null, lastModified: null });
      await feeds.recordSuccess(notDue.id, { at: T0, plan: plan(at(3 * HOUR), { newsRate: 100 }), etag: null, lastModified: null });
      await feeds.recordFailure(disabled.id, { at: T0, error: 'HTTP 410', nextPollAt: null });
      // Never polled, both, and added at once: the one due longest comes first.
      await store.sql.run('UPDATE feeds SET next_poll_at = ? WHERE id = ?', [at(-60).toISOString(), fresh.id]);

      const due = await feeds.due(at(2 * HOUR));
      expect(due.map((feed) => feed.url)).toEqual([fresh.url, later.url, busy.url, quiet.url]);
      expect(due[2]).toMatchObject({ id: busy.id, news_rate: 4, last_polled_at: T0.toISOString() });

      const all = await feeds.due(at(2 * HOUR), true);
      expect(all.map((feed) => feed.url)).toEqual([fresh.url, later.url, notDue.url, busy.url, quiet.url]);
      expect(await feeds.due(at(-2 * HOUR))).toEqual([]);
    });

    it('orders feeds expecting as much news by when they are due, then by id', async () => {
      const [a, b, c] = [await add('https://a.example/feed'), await add('https://b.example/feed'), await add('https://c.example/feed')];
      for (const feed of [a, b, c]) await feeds.recordSuccess(feed.id, { at: T0, plan: plan(at(HOUR), { newsRate: 2 }), etag: null, lastModified: null });
      await store.sql.run('UPDATE feeds SET next_poll_at = ? WHERE id = ?', [at(HOUR - 60).toISOString(), c.id]);
      expect((await feeds.due(at(2 * HOUR))).map((feed) => feed.id)).toEqual([c.id, a.id, b.id]);
    });

    it('tells when the next feed is due, and when feeds were polled', async () => {
      expect(await feeds.nextDueAt()).toBeNull();
      const [a, b, c] = [await add('https://a.example/feed', at(300)), await add('https://b.example/feed', at(100)), await add('https://c.example/feed', at(10))];
      await feeds.recordFailure(c.id, { at: at(20), error: 'HTTP 410', nextPollAt: null });
      expect(await feeds.nextDueAt()).toEqual(at(100));

      expect(await feeds.polledSince(T0)).toEqual([at(20)]);
      await feeds.recordSuccess(a.id, { at: at(400), plan: plan(at(HOUR)), etag: null, lastModified: null });
      await feeds.recordSuccess(b.id, { at: at(500), plan: plan(at(HOUR)), etag: null, lastModified: null });
      expect((await feeds.polledSince(at(400))).map((time) => time.getTime()).sort()).toEqual([at(400).getTime(), at(500).getTime()]);
      expect(await feeds.polledSince(at(501))).toEqual([]);
    });

    it('sums the request weights of the adaptive feeds not disabled, a feed not yet weighed counting one', async () => {
      expect(await feeds.requestWeights()).toEqual({ sum: 0, feeds: 0 });
      const [a, b, , fixed, disabled] = [
        await add('https://a.example/feed'),
        await add('https://b.example/feed'),
        await add('https://unweighed.example/feed'),
        await add('https://fixed.example/feed'),
        await add('https://disabled.example/feed'),
      ];
      await feeds.recordSuccess(a.id, { at: T0, plan: plan(at(HOUR), { requestWeight: 0.25 }), etag: null, lastModified: null });
      await feeds.recordSuccess(b.id, { at: T0, plan: plan(at(HOUR), { requestWeight: 2.5 }), etag: null, lastModified: null });
      await feeds.setInterval(fixed.id, 600, T0);
      await feeds.recordFailure(disabled.id, { at: T0, error: 'gone', nextPollAt: null });
      expect(await feeds.requestWeights()).toEqual({ sum: 3.75, feeds: 3 });
    });

    it('fixes a feed’s interval or makes it adaptive, due at once unless it is due sooner', async () => {
      const feed = await add('https://a.example/feed');
      await feeds.recordSuccess(feed.id, { at: T0, plan: plan(at(HOUR), { reason: 'quiet at night' }), etag: null, lastModified: null });
      await feeds.setInterval(feed.id, 7200, at(60));
      expect(await feeds.find(feed.id)).toMatchObject({ interval_mode: 'fixed', interval_seconds: 7200, interval_reason: null, next_poll_at: at(60).toISOString() });
      await feeds.setInterval(feed.id, null, at(120));
      expect(await feeds.find(feed.id)).toMatchObject({ interval_mode: 'adaptive', interval_seconds: 7200, next_poll_at: at(60).toISOString() });
    });

    it('records a poll that worked, keeping the first success, the name given and what the poll did not tell', async () => {
      const feed = (await feeds.add({ url: 'https://a.example/feed', intervalSeconds: 900 }, T0)).feed;
      await feeds.recordFailure(feed.id, { at: T0, error: 'timeout', nextPollAt: at(60) });
      await feeds.recordSuccess(feed.id, {
        at: at(60),
        plan: plan(at(HOUR), { intervalSeconds: 1200, reason: 'busy hours', newsRate: 1.5, requestWeight: 0.75 }),
        etag: '"v1"',
        lastModified: 'Tue, 01 Dec 2026 09:00:00 GMT',
        language: 'en',
        title: 'Site A',
      });
      await feeds.recordSuccess(feed.id, { at: at(120), plan: plan(at(2 * HOUR)), etag: null, lastModified: null, title: 'Renamed' });
      expect(await feeds.find(feed.id)).toMatchObject({
        status: 'ok',
        consecutive_failures: 0,
        last_error: null,
        etag: null,
        last_modified: null,
        language: 'en',
        name: 'Site A',
        first_success_at: at(60).toISOString(),
        last_polled_at: at(120).toISOString(),
        last_success_at: at(120).toISOString(),
        next_poll_at: at(2 * HOUR).toISOString(),
        interval_seconds: 1800,
        interval_reason: 'learned',
        news_rate: null,
        request_weight: 0.75,
      });
    });

    it('counts failures, disables a feed given no retry, and enables it again', async () => {
      const feed = await add('https://a.example/feed');
      await feeds.recordFailure(feed.id, { at: at(10), error: 'HTTP 503', nextPollAt: at(70) });
      expect(await feeds.find(feed.id)).toMatchObject({ status: 'failing', consecutive_failures: 1, last_error: 'HTTP 503', last_polled_at: at(10).toISOString(), next_poll_at: at(70).toISOString() });
      await feeds.recordFailure(feed.id, { at: at(80), error: 'HTTP 410', nextPollAt: null });
      expect(await feeds.find(feed.id)).toMatchObject({ status: 'disabled', consecutive_failures: 2, last_error: 'HTTP 410', last_polled_at: at(80).toISOString(), next_poll_at: at(70).toISOString() });
      expect(await feeds.due(at(HOUR), true)).toEqual([]);
      await feeds.enable(feed.id, at(90));
      expect(await feeds.find(feed.id)).toMatchObject({ status: 'ok', consecutive_failures: 0, last_error: null, next_poll_at: at(90).toISOString() });
    });

    it('follows a permanent redirect unless another feed has the URL', async () => {
      const [a, b] = [await add('https://a.example/feed'), await add('https://b.example/feed')];
      expect(await feeds.moveTo(a.id, 'https://a.example/new-feed')).toBe(true);
      expect(await feeds.moveTo(a.id, 'https://a.example/new-feed')).toBe(true);
      expect(await feeds.moveTo(b.id, 'https://a.example/new-feed')).toBe(false);
      expect(await feeds.moveTo(99, 'https://c.example/feed')).toBe(false);
      expect((await feeds.list()).map((feed) => feed.url)).toEqual(['https://a.example/new-feed', 'https://b.example/feed']);
    });

    it('stores a feed’s rhythm to six significant digits, and replaces it', async () => {
      const rhythms = new FeedRhythms(store.sql);
      const feed = await add('https://a.example/feed');
      expect(await rhythms.get(feed.id)).toBeNull();
      const counts = Array.from({ length: 168 }, (_, hour) => (hour === 5 ? 1 / 3 : hour));
      await rhythms.save(feed.id, { counts, countedAt: at(60), since: T0 });
      const stored = await rhythms.get(feed.id);
      expect(stored).toEqual({ counts: counts.map((count) => (count === 1 / 3 ? 0.333333 : count)), countedAt: at(60), since: T0 });
      await rhythms.save(feed.id, { counts: [1, 2], countedAt: at(120), since: at(-60) });
      expect(await rhythms.get(feed.id)).toEqual({ counts: [1, 2], countedAt: at(120), since: at(-60) });
    });
  });
}

feedsSuite(describe, sqliteStore);
feedsSuite(describePostgres, postgresStore);
