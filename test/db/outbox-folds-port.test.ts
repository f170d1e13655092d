import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Outbox } from '../../src/db/outbox.ts';
import { OutboxFolds, readPayload, type RoundupPayload } from '../../src/db/outbox-folds.ts';
import { OutboxNotices, readNotice } from '../../src/db/outbox-notices.ts';
import { OutboxRetention } from '../../src/db/outbox-retention.ts';
import { OutboxRows } from '../helpers/outbox-rows.ts';
import { describePostgres } from '../helpers/postgres.ts';
import { postgresStore, sqliteStore, type Store } from '../helpers/storage-backends.ts';
import { T0, at } from '../helpers/port-fixtures.ts';

const options = { claimTimeoutMs: 60_000, summaryWaitMs: 0 };
const HOUR = 3600;

/** The outbox's folds and digests, notices and pruning, on each backend. */
function outboxFoldsSuite(describeOn: (name: string, suite: () => void) => void, open: () => Promise<Store>): void {
  describeOn('outbox folds, notices and retention', () => {
    let store: Store;
    let rows: OutboxRows;
    let outbox: Outbox;
    let folds: OutboxFolds;
    let watch: number;
    beforeEach(async () => {
      store = await open();
      rows = new OutboxRows(store.sql, T0);
      outbox = new Outbox(store.sql);
      folds = new OutboxFolds(store.sql);
      for (const channel of ['console:a', 'console:b']) await rows.channel(channel);
      watch = await rows.watch('console:a');
    });
    afterEach(() => store.close());

    /** An alert queued at `queued`, held for `heldFor` until `until` (or due at once without one). */
    const queue = async (channel: string, item: number, queued: Date, hold?: { for: 'quiet' | 'limit' | 'digest'; until: Date }) => {
      await outbox.enqueue({ itemId: item, channel, watchId: watch, watchQuery: '*' }, queued, hold ?? null);
      return (await outbox.find(item, channel))!.id;
    };
    const payload = (entries: number[]): RoundupPayload => ({
      reason: 'quiet',
      entries: entries.map((item) => ({ story_id: item, item_id: item, outlets: 1, alerted: false })),
      total: entries.length,
      part: 1,
      parts: 1,
    });

    it('finds the channels with held rows due, and their rows with what ranks each story', async () => {
      const lead = await rows.item({ outlets: 2, publishedAt: at(-HOUR) });
      await rows.item({ story: lead, outlets: 1 });
      const quiet = await queue('console:b', lead, at(0), { for: 'quiet', until: at(HOUR) });
      const limited = await queue('console:b', await rows.item(), at(1), { for: 'limit', until: at(2 * HOUR) });
      await queue('console:a', await rows.item(), at(2), { for: 'digest', until: at(3 * HOUR) });
      await queue('console:a', await rows.item(), at(3));

      expect(await folds.channelsDue(at(0))).toEqual([]);
      expect(await folds.channelsDue(at(HOUR))).toEqual(['console:b']);
      expect(await folds.channelsDue(at(3 * HOUR))).toEqual(['console:a', 'console:b']);

      const held = await folds.held('console:b', null);
      expect(held).toEqual([
        { id: quiet, kind: 'alert', story_id: lead, item_id: lead, held_for: 'quiet', published_at: at(-HOUR).toISOString(), outlets: 3 },
        expect.objectContaining({ id: limited, held_for: 'limit', outlets: 0 }),
      ]);
      expect((await folds.held('console:b', at(HOUR))).map((row) => row.id)).toEqual([quiet]);
      expect((await folds.held('console:b', null, 'limit')).map((row) => row.id)).toEqual([limited]);
      expect(await folds.held('console:b', at(HOUR), 'limit')).toEqual([]);
    });

    it('queues a fold, gathers held rows into it, and sends them with it', async () => {
      const items = [await rows.item(), await rows.item(), await rows.item()];
      const held = [await queue('console:a', items[0]!, at(0), { for: 'quiet', until: at(60) }), await queue('console:a', items[1]!, at(0), { for: 'quiet', until: at(60) })];
      const due = await queue('console:a', items[2]!, at(0));
      const fold = await folds.queue('fold', 'console:a', payload(items.slice(0, 2)), at(60));
      await folds.gather([...held, due], fold);

      expect(await outbox.byId(fold)).toMatchObject({ kind: 'fold', channel: 'console:a', platform: 'console', status: 'pending', next_attempt_at: at(60).toISOString() });
      expect(readPayload((await outbox.byId(fold))!)).toEqual(payload(items.slice(0, 2)));
      expect((await folds.gathered(fold)).map((row) => row.id)).toEqual(held);
      expect(await folds.channelsDue(at(60))).toEqual([]);
      expect(await folds.held('console:a', null)).toEqual([]);
      await expect(folds.queue('digest', 'console:nowhere', payload([]), at(60))).rejects.toThrow('no such channel');

      // The due alert goes first; then the fold, with the rows it gathered.
      expect((await outbox.claim(['console'], 'w1', 10, at(61), options)).map((row) => row.id)).toEqual([due]);
      await outbox.markSent(due, 'w1', 'm-due', at(62));
      expect((await outbox.claim(['console'], 'w1', 10, at(63), options)).map((row) => row.id)).toEqual([fold]);
      await outbox.markSent(fold, 'w1', 'm-fold', at(64));
      expect(await folds.gathered(fold)).toEqual([
        expect.objectContaining({ id: held[0], status: 'sent', platform_message_id: 'm-fold', held_until: null, fold_id: fold }),
        expect.objectContaining({ id: held[1], status: 'sent', platform_message_id: 'm-fold', held_until: null, fold_id: fold }),
      ]);
    });

    it('lists a digest’s candidates: the channel’s alerts of its period, whatever became of them', async () => {
      const lead = await rows.item({ outlets: 1 });
      const before = await queue('console:a', await rows.item(), at(0));
      const first = await queue('console:a', lead, at(1));
      const second = await queue('console:a', await rows.item({ outlets: 2 }), at(2), { for: 'digest', until: at(HOUR) });
      await queue('console:b', await rows.item(), at(2));
      const [claimed] = await outbox.claim(['console'], 'w1', 10, at(3), options);
      expect(claimed!.id).toBe(before);
      const candidates = await folds.digestCandidates('console:a', at(0), at(2));
      expect(candidates).toEqual([
        { id: first, story_id: lead, item_id: lead, status: 'pending', held_for: null, fold_id: null, published_at: T0.toISOString(), outlets: 1 },
        expect.objectContaining({ id: second, status: 'held', held_for: 'digest', outlets: 2 }),
      ]);
    });

    it('releases or reschedules the rows a channel holds for one reason', async () => {
      const quiet = [await queue('console:a', await rows.item(), at(0), { for: 'quiet', until: at(HOUR) }), await queue('console:a', await rows.item(), at(0), { for: 'quiet', until: at(HOUR) })];
      const digest = await queue('console:a', await rows.item(), at(0), { for: 'digest', until: at(HOUR) });
      await folds.reschedule('console:a', 'digest', at(5 * HOUR));
      expect(await outbox.byId(digest)).toMatchObject({ held_until: at(5 * HOUR).toISOString() });
      expect(await folds.releaseNow('console:a', 'quiet', at(10))).toBe(2);
      expect(await folds.releaseNow('console:b', 'quiet', at(10))).toBe(0);
      for (const id of quiet) expect(await outbox.byId(id)).toMatchObject({ status: 'held', held_until: at(10).toISOString() });
      expect(await folds.channelsDue(at(10))).toEqual(['console:a']);
    });

    it('counts a channel’s own messages since a time, and says until when its limit holds rows', async () => {
      expect(await folds.messagesSince('console:a', at(0))).toEqual({ count: 0, oldest: null });
      expect(await folds.limitHeldUntil('console:a')).toBeNull();
      await queue('console:a', await rows.item(), at(0));
      await queue('console:a', await rows.item(), at(10));
      await queue('console:a', await rows.item(), at(20));
      await queue('console:a', await rows.item(), at(30), { for: 'limit', until: at(HOUR + 10) });
      await queue('console:a', await rows.item(), at(40), { for: 'limit', until: at(HOUR) });
      await queue('console:b', await rows.item(), at(15));
      expect(await folds.messagesSince('console:a', at(5))).toEqual({ count: 2, oldest: at(10).toISOString() });
      expect(await folds.limitHeldUntil('console:a')).toBe(at(HOUR).toISOString());
      expect(await folds.limitHeldUntil('console:b')).toBeNull();
    });

    it('queues a notice for a channel it adds if need be, and none for an inactive one', async () => {
      const notices = new OutboxNotices(store.sql);
      const id = await notices.queue('console:ops', { text: '源 Example A 恢复了' }, at(0));
      const row = (await outbox.byId(id!))!;
      expect(row).toMatchObject({ kind: 'notice', channel: 'console:ops', platform: 'console', status: 'pending', watch_query: '', created_at: T0.toISOString() });
      expect(readNotice(row)).toEqual({ text: '源 Example A 恢复了' });
      expect(await notices.queue('console:ops', { text: 'again' }, at(1))).toBeGreaterThan(id!);
      await store.sql.run('UPDATE channels SET active = false WHERE id = ?', ['console:ops']);
      expect(await notices.queue('console:ops', { text: 'gone' }, at(2))).toBeNull();
    });

    it('prunes finished rows before a cut, a fold with the rows it gathered, and no alert an update still waits under', async () => {
      const retention = new OutboxRetention(store.sql);
      const send = async (id: number, when: Date) => {
        await outbox.claim(['console'], 'w1', 10, when, { ...options, onlyChannel: (await outbox.byId(id))!.channel });
        expect(await outbox.markSent(id, 'w1', `m-${id}`, when)).toBe(true);
      };
      const lead = await rows.item();
      const old = await queue('console:a', lead, at(0));
      await send(old, at(10));
      const later = await rows.item({ story: lead });
      await outbox.enqueueUpdate((await outbox.find(lead, 'console:a'))!, later, at(HOUR), at(20));
      const failed = await queue('console:b', await rows.item(), at(0));
      await outbox.claim(['console'], 'w1', 10, at(30), options);
      // Failed for good at its last claim: what counts is the latest of when it was queued, due and claimed.
      await outbox.markFailed(failed, 'w1', 'HTTP 404', null);
      const gathered = await queue('console:b', await rows.item(), at(0), { for: 'quiet', until: at(40) });
      const fold = await folds.queue('fold', 'console:b', payload([]), at(40));
      await folds.gather([gathered], fold);
      await send(fold, at(50));
      const recent = await queue('console:b', await rows.item(), at(100));
      await send(recent, at(200));

      // The alert waits for its update; the failed row finished at 30, the fold at 50.
      expect(await retention.prunable(at(30), 0, 10)).toEqual([]);
      expect(await retention.prunable(at(31), 0, 10)).toEqual([failed]);
      expect(await retention.prunable(at(300), 0, 10)).toEqual([failed, fold, recent]);
      expect(await retention.prunable(at(300), failed, 1)).toEqual([fold]);
      expect(await retention.gathered([fold, recent])).toEqual([gathered]);
      expect(await retention.gathered([])).toEqual([]);
      expect(await retention.delete([failed, fold])).toBe(3);
      const update = (await outbox.find(later, 'console:a'))!.id;
      expect(await store.sql.all<{ id: number }>('SELECT id FROM outbox ORDER BY id')).toEqual([{ id: old }, { id: update }, { id: recent }]);
      expect(await retention.delete([])).toBe(0);
    });
  });
}

outboxFoldsSuite(describe, sqliteStore);
outboxFoldsSuite(describePostgres, postgresStore);
