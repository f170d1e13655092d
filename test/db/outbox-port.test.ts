import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Outbox, type ItemDelivery } from '../../src/db/outbox.ts';
import { OutboxNotices } from '../../src/db/outbox-notices.ts';
import { OutboxRows } from '../helpers/outbox-rows.ts';
import { describePostgres } from '../helpers/postgres.ts';
import { postgresStore, sqliteStore, type Store } from '../helpers/storage-backends.ts';
import { T0, at } from '../helpers/port-fixtures.ts';

const options = { claimTimeoutMs: 60_000, summaryWaitMs: 0 };

/** The outbox's queueing and reading side (its claims are test/db/outbox-claims.test.ts), on each backend. */
function outboxSuite(describeOn: (name: string, suite: () => void) => void, open: () => Promise<Store>): void {
  describeOn('outbox', () => {
    let store: Store;
    let rows: OutboxRows;
    let outbox: Outbox;
    let watch: number;
    beforeEach(async () => {
      store = await open();
      rows = new OutboxRows(store.sql, T0);
      outbox = new Outbox(store.sql);
      for (const channel of ['console:a', 'console:b']) await rows.channel(channel);
      watch = await rows.watch('console:a', 'gpt-5');
    });
    afterEach(() => store.close());

    const alert = (item: number, channel = 'console:a', more: { storyId?: number; mention?: string | null } = {}) =>
      ({ itemId: item, channel, watchId: watch, watchQuery: 'gpt-5', ...more });

    it('queues one alert per story and channel, due at once, and none for an inactive channel', async () => {
      const lead = await rows.item();
      const later = await rows.item({ story: lead });
      expect(await outbox.enqueue(alert(lead, 'console:a', { mention: '{"kind":"user","id":"U1"}' }), at(1))).toBe(true);
      expect(await outbox.enqueue(alert(lead), at(2))).toBe(false);
      expect(await outbox.enqueue(alert(later, 'console:a', { storyId: lead }), at(2))).toBe(false);
      expect(await outbox.enqueue(alert(later, 'console:b', { storyId: lead }), at(2))).toBe(true);
      await store.sql.run("UPDATE channels SET active = false, inactive_reason = 'channel_not_found' WHERE id = ?", ['console:b']);
      expect(await outbox.enqueue(alert(await rows.item(), 'console:b'), at(3))).toBe(false);

      const [first] = await outbox.storyAlerts(lead);
      expect(first).toMatchObject({
        kind: 'alert',
        item_id: lead,
        story_id: lead,
        parent_id: null,
        channel: 'console:a',
        platform: 'console',
        watch_id: watch,
        watch_query: 'gpt-5',
        status: 'pending',
        attempts: 0,
        next_attempt_at: at(1).toISOString(),
        created_at: at(1).toISOString(),
        held_until: null,
        held_for: null,
        mentions: '[{"kind":"user","id":"U1"}]',
        translated: null,
      });
      expect((await outbox.storyAlerts(lead)).map((row) => [row.channel, row.item_id])).toEqual([
        ['console:a', lead],
        ['console:b', later],
      ]);
      expect(await outbox.alertsFor([lead, later])).toBe(2);
      expect(await outbox.alertsFor([later])).toBe(1);
      expect(await outbox.alertsFor([])).toBe(0);
    });

    it('queues a row held, for a reason and until a time, and it is not claimed while held', async () => {
      const item = await rows.item();
      expect(await outbox.enqueue(alert(item), at(1), { for: 'quiet', until: at(3600) })).toBe(true);
      expect(await outbox.find(item, 'console:a')).toMatchObject({ status: 'held', held_for: 'quiet', held_until: at(3600).toISOString() });
      expect(await outbox.find(item, 'console:b')).toBeUndefined();
      expect(await outbox.claim(['console'], 'w1', 10, at(7200), options)).toEqual([]);
    });

    it('queues updates under an alert, due when told, and reads their states in order', async () => {
      const lead = await rows.item();
      await outbox.enqueue(alert(lead), at(0));
      const [parent] = await outbox.storyAlerts(lead);
      const [second, third] = [await rows.item({ story: lead }), await rows.item({ story: lead })];
      expect(await outbox.enqueueUpdate(parent!, second, at(300), at(10))).toBe(true);
      expect(await outbox.enqueueUpdate(parent!, second, at(400), at(20))).toBe(false);
      expect(await outbox.enqueueUpdate(parent!, third, at(600), at(30), { for: 'limit', until: at(900) })).toBe(true);

      expect(await outbox.find(second, 'console:a')).toMatchObject({
        kind: 'update',
        story_id: lead,
        parent_id: parent!.id,
        watch_id: watch,
        status: 'pending',
        next_attempt_at: at(300).toISOString(),
        created_at: at(10).toISOString(),
        mentions: null,
      });
      expect(await outbox.updates(parent!.id)).toEqual([
        { status: 'pending', created_at: at(10).toISOString(), claimed_at: null, sent_at: null, attempt_started_at: null },
        { status: 'held', created_at: at(30).toISOString(), claimed_at: null, sent_at: null, attempt_started_at: null },
      ]);
      expect(await outbox.alertsFor([lead, second, third])).toBe(1);
    });

    it('gathers the sources an alert and its sent updates have named', async () => {
      const lead = await rows.item();
      await outbox.enqueue(alert(lead), at(0));
      const parent = (await outbox.find(lead, 'console:a'))!;
      await outbox.enqueueUpdate(parent, await rows.item({ story: lead }), at(0), at(0));
      await outbox.enqueueUpdate(parent, await rows.item({ story: lead }), at(0), at(0));
      expect(await outbox.shownSources(parent.id)).toEqual(new Set());

      const [claimed] = await outbox.claim(['console'], 'w1', 10, at(1), options);
      await outbox.startAttempt(claimed!.id, 'w1', at(1), ['https://a.example/1']);
      await outbox.markSent(claimed!.id, 'w1', 'm-1', at(2));
      const [update] = await outbox.claim(['console'], 'w1', 10, at(3), options);
      await outbox.startAttempt(update!.id, 'w1', at(3), ['https://b.example/1', 'https://a.example/1']);
      expect(await outbox.shownSources(parent.id)).toEqual(new Set(['https://a.example/1']));
      await outbox.markSent(update!.id, 'w1', 'm-2', at(4));
      expect(await outbox.shownSources(parent.id)).toEqual(new Set(['https://a.example/1', 'https://b.example/1']));
    });

    it('lists deliveries newest first, with their items’ titles, for a channel, and only so many', async () => {
      const [one, two, three] = [await rows.item(), await rows.item(), await rows.item()];
      await outbox.enqueue(alert(one), at(0));
      await outbox.enqueue(alert(two, 'console:b'), at(1));
      const notice = (await new OutboxNotices(store.sql).queue('console:a', { text: 'A feed is back' }, at(2)))!;
      await outbox.enqueue(alert(three), at(3));

      const all = await outbox.list();
      expect(all.map((row) => [row.kind, row.item_id, row.title])).toEqual([
        ['alert', three, 'A title'],
        ['notice', null, null],
        ['alert', two, 'A title'],
        ['alert', one, 'A title'],
      ]);
      expect(all[1]).toMatchObject({ id: notice, payload: '{"text":"A feed is back"}', channel: 'console:a' });
      expect((await outbox.list({ channel: 'console:a' })).map((row) => row.item_id)).toEqual([three, null, one]);
      expect((await outbox.list({ limit: 2 })).map((row) => row.item_id)).toEqual([three, null]);
      expect((await outbox.list({ channel: 'console:b', limit: 5 })).map((row) => row.item_id)).toEqual([two]);
      expect(await outbox.list({ limit: 0 })).toEqual([]);
      expect(await outbox.byId(notice)).toMatchObject({ kind: 'notice', item_id: null, story_id: null });
      expect(await outbox.byId(notice + 100)).toBeUndefined();
    });

    it('reads back what an attempt showed of a translation as 1, 0 or null', async () => {
      const [a, b, c] = [await rows.item(), await rows.item(), await rows.item()];
      for (const [item, channel] of [[a, 'console:a'], [b, 'console:b']] as const) await outbox.enqueue(alert(item, channel), at(0));
      await rows.channel('console:c');
      await outbox.enqueue(alert(c, 'console:c'), at(0));
      const claimed = await outbox.claim(['console'], 'w1', 10, at(1), options);
      expect(claimed).toHaveLength(3);
      await outbox.recordTranslation(claimed[0]!.id, 'w1', { translated: true, reason: null });
      await outbox.recordTranslation(claimed[1]!.id, 'w1', { translated: false, reason: 'budget' });
      await outbox.recordTranslation(claimed[2]!.id, 'w1', null);
      const read = async (id: number) => ((await outbox.byId(id)) as ItemDelivery | undefined)!;
      expect(await read(claimed[0]!.id)).toMatchObject({ translated: 1, untranslated_reason: null });
      expect(await read(claimed[1]!.id)).toMatchObject({ translated: 0, untranslated_reason: 'budget' });
      expect(await read(claimed[2]!.id)).toMatchObject({ translated: null });
    });

    it('fails a gone channel’s waiting and held rows, and this worker’s claimed ones, not the sent', async () => {
      const [sent, claimed, waiting, held] = [await rows.item(), await rows.item(), await rows.item(), await rows.item()];
      await outbox.enqueue(alert(sent), at(0));
      const [first] = await outbox.claim(['console'], 'w1', 10, at(1), options);
      await outbox.markSent(first!.id, 'w1', 'm-1', at(2));
      await outbox.enqueue(alert(claimed), at(3));
      await outbox.claim(['console'], 'w1', 10, at(4), options);
      await outbox.enqueue(alert(waiting), at(5));
      await outbox.enqueue(alert(held), at(5), { for: 'digest', until: at(3600) });
      expect(await outbox.failChannel('console:a', 'w1', 'channel_not_found')).toBe(3);
      expect((await outbox.list()).map((row) => [row.item_id, row.status, row.held_until])).toEqual([
        [held, 'failed', null],
        [waiting, 'failed', null],
        [claimed, 'failed', null],
        [sent, 'sent', null],
      ]);
    });

    it('queues from inside a transaction as part of it, and nothing when it rolls back', async () => {
      const [kept, dropped] = [await rows.item(), await rows.item()];
      await store.sql.withTransaction(async () => {
        expect(await outbox.enqueue(alert(kept), at(0))).toBe(true);
      });
      await expect(
        store.sql.withTransaction(async () => {
          expect(await outbox.enqueue(alert(dropped), at(0))).toBe(true);
          expect(await outbox.alertsFor([kept, dropped])).toBe(2);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await outbox.alertsFor([kept, dropped])).toBe(1);
    });
  });
}

outboxSuite(describe, sqliteStore);
outboxSuite(describePostgres, postgresStore);
