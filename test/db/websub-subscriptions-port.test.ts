import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FeedStore } from '../../src/db/feeds.ts';
import { WebSubSubscriptions } from '../../src/db/websub-subscriptions.ts';
import { describePostgres } from '../helpers/postgres.ts';
import { postgresStore, sqliteStore, type Store } from '../helpers/storage-backends.ts';
import { T0, at } from '../helpers/port-fixtures.ts';

const DAY = 86_400;
const HUB = 'https://hub.example/';
const fields = (token: string, hub = HUB) => ({ hub, topic: 'https://a.example/feed', token, secret: `secret-${token}` });

/** WebSub subscriptions, the same tests and expectations on each backend. */
function subscriptionsSuite(describeOn: (name: string, suite: () => void) => void, open: () => Promise<Store>): void {
  describeOn('websub subscriptions', () => {
    let store: Store;
    let subscriptions: WebSubSubscriptions;
    let feeds: number[];
    beforeEach(async () => {
      store = await open();
      subscriptions = new WebSubSubscriptions(store.sql);
      const feedStore = new FeedStore(store.sql);
      feeds = [];
      for (const site of ['a', 'b', 'c', 'd']) feeds.push((await feedStore.add({ url: `https://${site}.example/feed`, intervalSeconds: 900 }, T0)).feed.id);
    });
    afterEach(() => store.close());

    it('records a subscription asked of a hub, and finds it by feed, by token and in the list', async () => {
      const row = await subscriptions.requested(feeds[0]!, fields('tok-a'), T0);
      expect(row).toEqual({
        id: 1,
        feed_id: feeds[0],
        hub: HUB,
        topic: 'https://a.example/feed',
        token: 'tok-a',
        secret: 'secret-tok-a',
        state: 'requested',
        requested_at: T0.toISOString(),
        verified_at: null,
        lease_seconds: null,
        expires_at: null,
        last_push_at: null,
        pushes: 0,
        last_error: null,
        retry_at: null,
      });
      expect(await subscriptions.forFeed(feeds[0]!)).toEqual(row);
      expect(await subscriptions.byToken('tok-a')).toEqual(row);
      expect(await subscriptions.forFeed(feeds[1]!)).toBeUndefined();
      expect(await subscriptions.byToken('nope')).toBeUndefined();
      await subscriptions.requested(feeds[1]!, fields('tok-b'), T0);
      expect((await subscriptions.list()).map((sub) => sub.token)).toEqual(['tok-a', 'tok-b']);
    });

    it('keeps an active subscription active when asked again of the same hub, and its token and secret', async () => {
      const { id } = await subscriptions.requested(feeds[0]!, fields('tok-a'), T0);
      await subscriptions.activated(id, 10 * DAY, at(5));
      expect(await subscriptions.forFeed(feeds[0]!)).toMatchObject({
        state: 'active',
        verified_at: at(5).toISOString(),
        lease_seconds: 10 * DAY,
        expires_at: at(5 + 10 * DAY).toISOString(),
      });
      const renewal = await subscriptions.requested(feeds[0]!, fields('tok-new'), at(8 * DAY));
      expect(renewal).toMatchObject({ id, state: 'active', token: 'tok-a', secret: 'secret-tok-a', requested_at: at(8 * DAY).toISOString() });
      const moved = await subscriptions.requested(feeds[0]!, fields('tok-new', 'https://other-hub.example/'), at(9 * DAY));
      expect(moved).toMatchObject({ id, state: 'requested', hub: 'https://other-hub.example/' });
    });

    it('records failures, fall-backs and pushes, and asks again with the retry cleared', async () => {
      const { id } = await subscriptions.requested(feeds[0]!, fields('tok-a'), T0);
      await subscriptions.activated(id, DAY, at(5));
      await subscriptions.pushed(id, at(60));
      await subscriptions.pushed(id, at(120));
      expect(await subscriptions.forFeed(feeds[0]!)).toMatchObject({ pushes: 2, last_push_at: at(120).toISOString() });
      await subscriptions.fellBack(id, 'no pushes for a day', at(3600));
      expect(await subscriptions.forFeed(feeds[0]!)).toMatchObject({ state: 'fallback', last_error: 'no pushes for a day', retry_at: at(3600).toISOString() });
      await subscriptions.failed(id, 'HTTP 500', at(7200));
      expect(await subscriptions.forFeed(feeds[0]!)).toMatchObject({ state: 'failed', last_error: 'HTTP 500', retry_at: at(7200).toISOString(), expires_at: null });
      expect(await subscriptions.requested(feeds[0]!, fields('tok-a'), at(7200))).toMatchObject({ state: 'requested', retry_at: null });
      await subscriptions.activated(id, DAY, at(7205));
      expect(await subscriptions.forFeed(feeds[0]!)).toMatchObject({ state: 'active', last_error: null, retry_at: null });
    });

    it('waits for the hub to confirm an unsubscription, which a failure does not undo, then removes it', async () => {
      const { id } = await subscriptions.requested(feeds[0]!, fields('tok-a'), T0);
      expect(await subscriptions.unsubscribing(feeds[1]!, at(60))).toBeUndefined();
      expect(await subscriptions.unsubscribing(feeds[0]!, at(60))).toMatchObject({ id, state: 'unsubscribing', feed_id: null, requested_at: at(60).toISOString() });
      expect(await subscriptions.forFeed(feeds[0]!)).toBeUndefined();
      await subscriptions.failed(id, 'HTTP 500', at(120));
      expect(await subscriptions.byToken('tok-a')).toMatchObject({ state: 'unsubscribing', last_error: null });
      await subscriptions.remove(id);
      expect(await subscriptions.list()).toEqual([]);
    });

    it('tells which subscriptions need something done', async () => {
      const verifyWithinMs = 60_000;
      const renewWithinMs = DAY * 1000;
      const due = async (now: Date) => (await subscriptions.due(now, verifyWithinMs, renewWithinMs)).map((sub) => sub.token);
      // Asked, not yet verified; asked, then the feed removed.
      await subscriptions.requested(feeds[0]!, fields('asked'), T0);
      const leaving = await subscriptions.requested(feeds[1]!, fields('leaving'), T0);
      await subscriptions.unsubscribing(feeds[1]!, at(30));
      // Active for ten days: renewed within two (a fifth of the lease, more than a day).
      const long = await subscriptions.requested(feeds[2]!, fields('long'), at(-DAY));
      await subscriptions.activated(long.id, 10 * DAY, T0);
      // Active for two days: renewed within a day, more than a fifth of the lease.
      const short = await subscriptions.requested(feeds[3]!, fields('short'), at(-DAY));
      await subscriptions.activated(short.id, 2 * DAY, T0);

      expect(await due(at(59))).toEqual([]);
      expect(await due(at(61))).toEqual(['asked']);
      expect(await due(at(91))).toEqual(['asked', 'leaving']);
      expect(await due(at(DAY - 60))).toEqual(['asked', 'leaving']);
      expect(await due(at(DAY + 60))).toEqual(['asked', 'leaving', 'short']);
      expect(await due(at(8 * DAY - 60))).toEqual(['asked', 'leaving', 'short']);
      expect(await due(at(8 * DAY + 60))).toEqual(['asked', 'leaving', 'long', 'short']);

      await subscriptions.failed(short.id, 'HTTP 500', at(3600));
      await subscriptions.fellBack(long.id, 'pushes stopped', at(7200));
      await subscriptions.failed(leaving.id, 'HTTP 500', at(60));
      await subscriptions.remove((await subscriptions.byToken('asked'))!.id);
      expect(await due(at(3599))).toEqual(['leaving']);
      expect(await due(at(3600))).toEqual(['leaving', 'short']);
      expect(await due(at(7200))).toEqual(['leaving', 'long', 'short']);
    });
  });
}

subscriptionsSuite(describe, sqliteStore);
subscriptionsSuite(describePostgres, postgresStore);
