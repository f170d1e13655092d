import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Outbox, type ClaimOptions, type OutboxRow } from '../../src/db/outbox.ts';
import { OutboxRows } from '../helpers/outbox-rows.ts';
import { describePostgres } from '../helpers/postgres.ts';
import type { Sql } from '../../src/db/sql.ts';
import { postgresStore, sqliteStore, type Store } from '../helpers/storage-backends.ts';

const T0 = new Date('2026-12-01T10:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const TIMEOUT_MS = 60_000;
const options = { claimTimeoutMs: TIMEOUT_MS, summaryWaitMs: 0 };
const ids = (rows: OutboxRow[]) => rows.map((row) => row.id);

/** The outbox's claim rules, the same on each backend, for one worker or several sharing the database. */
function outboxClaimsSuite(describeOn: (name: string, suite: () => void) => void, open: () => Promise<Store>): void {
  describeOn('outbox claims', () => {
    let store: Store;
    let rows: OutboxRows;
    let claims: Outbox;
    beforeEach(async () => {
      store = await open();
      rows = new OutboxRows(store.sql, T0);
      claims = new Outbox(store.sql);
      for (const channel of ['console:a', 'console:b', 'console:c']) await rows.channel(channel);
    });
    afterEach(() => store.close());

    const claim = (worker: string, now: Date, more: Partial<ClaimOptions> = {}) => claims.claim(['console'], worker, 10, now, { ...options, ...more });

    it('claims only the head alert of each channel, and the next ones in id order as each is sent', async () => {
      const [a1, b1, a2, a3, b2] = [
        await rows.alert('console:a'),
        await rows.alert('console:b'),
        await rows.alert('console:a'),
        await rows.alert('console:a'),
        await rows.alert('console:b'),
      ];
      const first = await claim('w1', at(1));
      expect(ids(first)).toEqual([a1, b1]);
      expect(first[0]).toMatchObject({ status: 'sending', claimed_by: 'w1', claimed_at: at(1).toISOString(), attempts: 1 });
      expect(await claim('w1', at(2))).toEqual([]);

      expect(await claims.markSent(a1, 'w1', 'm-a1', at(3))).toBe(true);
      expect(ids(await claim('w1', at(4)))).toEqual([a2]);
      expect(await claims.markSent(b1, 'w1', 'm-b1', at(5))).toBe(true);
      expect(await claims.markSent(a2, 'w1', 'm-a2', at(5))).toBe(true);
      expect(ids(await claim('w1', at(6)))).toEqual([a3, b2]);
      expect(await rows.row(a1)).toMatchObject({ status: 'sent', platform_message_id: 'm-a1', sent_at: at(3).toISOString(), claimed_by: null });
    });

    it('lets the next alert of a channel go only once the head is sent or has failed for good', async () => {
      const [a1, a2] = [await rows.alert('console:a'), await rows.alert('console:a')];
      expect(ids(await claim('w1', at(1)))).toEqual([a1]);
      expect(await claims.markFailed(a1, 'w1', 'HTTP 503', at(30))).toBe(true);
      // Retrying, the head still holds the channel back, until it is due again and claimed again.
      expect(await claim('w1', at(10))).toEqual([]);
      const [again] = await claim('w1', at(30));
      expect(again).toMatchObject({ id: a1, attempts: 2, last_error: 'HTTP 503' });
      expect(await claims.markFailed(a1, 'w1', 'HTTP 404', null)).toBe(true);
      expect(ids(await claim('w1', at(31)))).toEqual([a2]);
      expect(await rows.row(a1)).toMatchObject({ status: 'failed', last_error: 'HTTP 404', claimed_by: null });
    });

    it('leaves out the channels a worker is already sending to, or claims one channel only', async () => {
      const [a1, b1, c1] = [await rows.alert('console:a'), await rows.alert('console:b'), await rows.alert('console:c')];
      expect(ids(await claim('w1', at(1), { skipChannels: ['console:a', 'console:c'] }))).toEqual([b1]);
      expect(ids(await claim('w1', at(1), { onlyChannel: 'console:c' }))).toEqual([c1]);
      expect(ids(await claim('w1', at(1), { skipChannels: [] }))).toEqual([a1]);
    });

    it('takes over a claim not renewed for the claim timeout, and refuses the first worker’s late outcome', async () => {
      const a1 = await rows.alert('console:a');
      await claim('w1', at(0));
      expect(await claim('w2', at(59))).toEqual([]);
      // Recording the attempt renews the claim: the timeout counts from then.
      expect(await claims.startAttempt(a1, 'w1', at(30))).toBe(true);
      expect(await claim('w2', at(61))).toEqual([]);
      const [taken] = await claim('w2', at(90.001));
      expect(taken).toMatchObject({ id: a1, claimed_by: 'w2', attempts: 2, attempt_started_at: at(30).toISOString() });

      // The first worker wakes up late: none of its outcomes counts any more.
      expect(await claims.markSent(a1, 'w1', 'late', at(91))).toBe(false);
      expect(await claims.markFailed(a1, 'w1', 'late', null)).toBe(false);
      expect(await claims.markSkipped(a1, 'w1', 'late', at(91))).toBe(false);
      await claims.release([a1], 'w1');
      expect(await rows.row(a1)).toMatchObject({ status: 'sending', claimed_by: 'w2', attempts: 2 });
      expect(await claims.markSent(a1, 'w2', 'm-1', at(92))).toBe(true);
      expect(await rows.row(a1)).toMatchObject({ status: 'sent', platform_message_id: 'm-1' });
    });

    it('records the attempt before the request, and says no once the claim was lost', async () => {
      const a1 = await rows.alert('console:a');
      await claim('w1', at(0));
      expect(await claims.startAttempt(a1, 'w1', at(1), ['https://one.example/'])).toBe(true);
      expect(await rows.row(a1)).toMatchObject({ attempt_started_at: at(1).toISOString(), shown_sources: '["https://one.example/"]' });
      await claim('w2', at(62));
      expect(await claims.startAttempt(a1, 'w1', at(63), ['https://two.example/'])).toBe(false);
      expect(await rows.row(a1)).toMatchObject({ claimed_by: 'w2', claimed_at: at(62).toISOString(), shown_sources: '["https://one.example/"]' });
    });

    it('holds an update back while its alert, or an earlier update of it, is still to be sent', async () => {
      const alert = await rows.alert('console:a');
      const [u1, u2] = [await rows.update(alert), await rows.update(alert)];
      expect(ids(await claim('w1', at(1)))).toEqual([alert]);
      await claims.markSent(alert, 'w1', 'm-alert');
      expect(ids(await claim('w1', at(2)))).toEqual([u1]);
      expect(await claim('w1', at(3))).toEqual([]);
      expect(await claims.markSkipped(u1, 'w1', 'nothing new', at(4))).toBe(true);
      expect(ids(await claim('w1', at(5)))).toEqual([u2]);
      expect(await rows.row(u1)).toMatchObject({ status: 'skipped', last_error: 'nothing new', sent_at: at(4).toISOString() });
    });

    it('fails the waiting updates of an alert that failed for good, and gives claimed rows back unsent', async () => {
      const alert = await rows.alert('console:a');
      const update = await rows.update(alert);
      const b1 = await rows.alert('console:b');
      await claim('w1', at(1));
      await claims.release([b1], 'w1', at(120));
      expect(await rows.row(b1)).toMatchObject({ status: 'pending', attempts: 0, claimed_by: null, next_attempt_at: at(120).toISOString() });
      expect(await claims.markFailed(alert, 'w1', 'HTTP 404', null)).toBe(true);
      expect(await rows.row(update)).toMatchObject({ status: 'failed', last_error: 'its alert was never posted' });
      expect(ids(await claim('w1', at(120)))).toEqual([b1]);
      expect(await claims.failChannel('console:b', 'w1', 'channel_not_found')).toBe(1);
      expect(await rows.row(b1)).toMatchObject({ status: 'failed', last_error: 'channel_not_found', claimed_by: null });
    });

    it('keeps a retried attempt’s start only when it may have landed', async () => {
      const [a1, b1] = [await rows.alert('console:a'), await rows.alert('console:b')];
      await claim('w1', at(0));
      for (const id of [a1, b1]) await claims.startAttempt(id, 'w1', at(1));
      await claims.markFailed(a1, 'w1', 'timed out', at(30), true);
      await claims.markFailed(b1, 'w1', 'HTTP 503', at(30), false);
      expect(await rows.row(a1)).toMatchObject({ status: 'retrying', attempt_started_at: at(1).toISOString(), next_attempt_at: at(30).toISOString() });
      expect(await rows.row(b1)).toMatchObject({ status: 'retrying', attempt_started_at: null });
    });

    it('waits for an item’s summary, and for the translation its channel wants, up to their waits', async () => {
      for (const channel of ['console:zh', 'console:zh-folds']) await rows.channel(channel, 'zh');
      const summarizing = await rows.alert('console:a', { item: await rows.item({ summaryPending: true }) });
      const untranslated = await rows.alert('console:zh');
      const { fold } = await rows.fold('console:b', []);
      const gathering = await rows.fold('console:zh-folds', [await rows.item()]);
      const waits = { summaryWaitMs: 30_000, translationWaitMs: 30_000 };
      expect(ids(await claim('w1', at(10), waits))).toEqual([fold]);
      await store.sql.run('UPDATE items SET summary_pending = ? WHERE id = ?', [0, (await rows.row(summarizing)).item_id]);
      expect(ids(await claim('w1', at(11), waits))).toEqual([summarizing]);
      // The fold's item is translated; the alert's is not, and goes out as it is once the wait is over.
      const item = (await rows.row(gathering.gathered[0]!)).item_id;
      await store.sql.run(
        `INSERT INTO item_translations (item_id, language, status, title, summary, source_title, source_summary, updated_at)
         VALUES (?, 'zh', 'done', '标题', '摘要。', 'A title', 'A summary.', ?)`,
        [item, at(12).toISOString()],
      );
      expect(ids(await claim('w1', at(13), waits))).toEqual([gathering.fold]);
      expect(ids(await claim('w1', at(31), waits))).toEqual([untranslated]);
    });

    it('records what a fold showed and marks the rows it gathered with it: sent, or failed for good', async () => {
      const sent = await rows.fold('console:a', [await rows.item(), await rows.item()]);
      const failed = await rows.fold('console:b', [await rows.item()]);
      await claim('w1', at(1));
      const gatheredItem = (await rows.row(sent.gathered[0]!)).item_id!;
      const shown = new Map([[gatheredItem, { translated: false, reason: 'budget' }]]);
      await claims.recordTranslation(sent.fold, 'w1', { translated: true, reason: null }, shown);
      await claims.recordTranslation(sent.fold, 'w2', null, new Map([[gatheredItem, null]]));
      expect(await claims.markSent(sent.fold, 'w1', 'm-fold', at(2))).toBe(true);
      expect(await claims.markFailed(failed.fold, 'w1', 'HTTP 404', null)).toBe(true);

      expect(await rows.row(sent.fold)).toMatchObject({ status: 'sent', translated: 1, untranslated_reason: null });
      expect(await rows.row(sent.gathered[0]!)).toMatchObject({ status: 'sent', platform_message_id: 'm-fold', held_until: null, translated: 0, untranslated_reason: 'budget' });
      expect(await rows.row(sent.gathered[1]!)).toMatchObject({ status: 'sent', platform_message_id: 'm-fold', translated: null });
      expect(await rows.row(failed.gathered[0]!)).toMatchObject({ status: 'failed', held_until: null, last_error: 'the message gathering it failed: HTTP 404' });
    });

    it('never gives a row to two workers claiming at once, nor two alerts of one channel', async () => {
      const channels = Array.from({ length: 12 }, (_, i) => `console:many-${i}`);
      const queues = new Map<string, number[]>();
      for (const channel of channels) await rows.channel(channel);
      for (let round = 0; round < 4; round++) for (const channel of channels) queues.set(channel, [...(queues.get(channel) ?? []), await rows.alert(channel)]);
      const workers = Array.from({ length: 4 }, (_, i) => ({ name: `w${i}`, claims: new Outbox(i === 0 ? store.sql : store.connect()) }));

      // Each round, every worker claims a few at a time until nothing is left to claim: what they got
      // together must be each channel's head, once; then each sends what it got.
      for (let round = 0; round < 4; round++) {
        const got = await Promise.all(
          workers.map(async ({ name, claims: mine }) => {
            const taken: OutboxRow[] = [];
            for (;;) {
              const batch = await mine.claim(['console'], name, 3, at(round + 1), options);
              if (batch.length === 0) return taken;
              taken.push(...batch);
            }
          }),
        );
        const claimed = got.flat();
        expect(claimed.map((row) => row.id).sort((x, y) => x - y)).toEqual(channels.map((channel) => queues.get(channel)![round]!).sort((x, y) => x - y));
        const byName = new Map(workers.map((worker) => [worker.name, worker.claims]));
        await Promise.all(claimed.map((row) => byName.get(row.claimed_by!)!.markSent(row.id, row.claimed_by!, `m-${row.id}`)));
      }
      const sent = await store.sql.all<{ status: string; attempts: number }>("SELECT status, attempts FROM outbox WHERE channel LIKE 'console:many-%'");
      expect(sent).toHaveLength(48);
      expect(sent.every((row) => row.status === 'sent' && row.attempts === 1)).toBe(true);
    });

    it('sends every alert once and each channel’s in order, with workers claiming and sending side by side', async () => {
      const channels = Array.from({ length: 6 }, (_, i) => `console:busy-${i}`);
      for (const channel of channels) await rows.channel(channel);
      for (let i = 0; i < 30; i++) await rows.alert(channels[i % channels.length]!);
      const waiting = () => store.sql.get<{ n: number }>("SELECT count(*) AS n FROM outbox WHERE status <> 'sent'").then((row) => Number(row!.n));
      // A logical clock: a row's mark is asked for before the next of its channel can be claimed.
      let clock = 0;
      await Promise.all(
        ['w0', 'w1', 'w2'].map(async (name, i) => {
          const mine = new Outbox(i === 0 ? store.sql : store.connect());
          while ((await waiting()) > 0) {
            for (const row of await mine.claim(['console'], name, 2, at(1), options)) {
              expect(await mine.startAttempt(row.id, name, at(1))).toBe(true);
              expect(await mine.markSent(row.id, name, `m-${row.id}`, at(2 + ++clock / 1000))).toBe(true);
            }
            await new Promise((resolve) => setImmediate(resolve));
          }
        }),
      );
      const sent = await store.sql.all<{ id: number; channel: string; attempts: number; sent_at: string }>('SELECT id, channel, attempts, sent_at FROM outbox ORDER BY id');
      expect(sent).toHaveLength(30);
      expect(sent.every((row) => row.attempts === 1)).toBe(true);
      for (const channel of channels) {
        const times = sent.filter((row) => row.channel === channel).map((row) => row.sent_at);
        expect(times).toEqual([...times].sort());
      }
    });
  });
}

outboxClaimsSuite(describe, sqliteStore);
outboxClaimsSuite(describePostgres, postgresStore);

/** What only PostgreSQL can show: claims and inserts in flight on other connections at the same time. */
describePostgres('outbox claims beside transactions in flight', () => {
  let store: Store;
  let rows: OutboxRows;
  /** Transactions still open, rolled back after a test that failed before it ended them. */
  let unfinished: ((commit: boolean) => Promise<void>)[];
  beforeEach(async () => {
    store = await postgresStore();
    rows = new OutboxRows(store.sql, T0);
    unfinished = [];
    for (const channel of ['console:a', 'console:b']) await rows.channel(channel);
  });
  afterEach(async () => {
    await Promise.all(unfinished.map((end) => end(false)));
    await store.close();
  });

  const claim = (worker: string, now: Date, sql = store.sql, limit = 10) => new Outbox(sql).claim(['console'], worker, limit, now, options);

  /**
   * Runs `work` in a transaction on another connection (another worker's), and leaves it open until `end`
   * commits it or rolls it back.
   */
  async function inFlight<T>(work: (tx: Sql) => Promise<T>): Promise<{ value: T; end(commit: boolean): Promise<void> }> {
    let finish!: (commit: boolean) => void;
    const ending = new Promise<boolean>((resolve) => (finish = resolve));
    let done!: (value: T) => void;
    let failed!: (error: unknown) => void;
    const result = new Promise<T>((resolve, reject) => ((done = resolve), (failed = reject)));
    const transaction = store.connect().withTransaction(async (tx) => {
      done(await work(tx));
      if (!(await ending)) throw new Error('rolled back');
    });
    transaction.catch(failed);
    const value = await result;
    const end = async (commit: boolean) => {
      unfinished.splice(unfinished.indexOf(end), 1);
      finish(commit);
      await transaction.catch((error: unknown) => {
        if (commit) throw error;
      });
    };
    unfinished.push(end);
    return { value, end };
  }

  it('passes over a head alert another worker is claiming, and still holds back what comes after it', async () => {
    const [a1, a2, b1] = [await rows.alert('console:a'), await rows.alert('console:a'), await rows.alert('console:b')];
    // The first claim rolls back: its row is the head again, claimed once.
    const rolledBack = await inFlight((tx) => claim('w1', at(1), tx, 1));
    expect(ids(rolledBack.value)).toEqual([a1]);
    expect(ids(await claim('w2', at(2)))).toEqual([b1]);
    await rolledBack.end(false);
    expect(await claim('w2', at(3))).toMatchObject([{ id: a1, claimed_by: 'w2', attempts: 1 }]);

    const b2 = await rows.alert('console:b');
    await new Outbox(store.sql).markSent(a1, 'w2', 'm-a1');
    const committed = await inFlight((tx) => claim('w1', at(4), tx, 1));
    expect(ids(committed.value)).toEqual([a2]);
    // To w2, a2 is locked, and b2 waits behind b1, still being sent: nothing is claimable, before w1
    // commits or after; then a2 is w1's.
    expect(await claim('w2', at(5))).toEqual([]);
    await committed.end(true);
    expect(await claim('w2', at(6))).toEqual([]);
    expect(await rows.row(a2)).toMatchObject({ status: 'sending', claimed_by: 'w1' });
    expect(await rows.row(b2)).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('holds back an alert committed after a later one of its channel was claimed, until that one is sent or abandoned', async () => {
    // Ids are handed out as rows are inserted: an alert queued in a transaction that commits late has a
    // smaller id than one queued after it and committed at once.
    const late = await inFlight(async (tx) => {
      const early = new OutboxRows(tx, T0);
      return [await early.alert('console:a'), await early.alert('console:b')];
    });
    const [earlyA, earlyB] = late.value;
    const [laterA, laterB] = [await rows.alert('console:a'), await rows.alert('console:b')];
    expect(laterA).toBeGreaterThan(earlyA!);
    expect(ids(await claim('w1', at(1)))).toEqual([laterA, laterB]);
    await late.end(true);

    expect(await claim('w2', at(2))).toEqual([]);
    await new Outbox(store.sql).markSent(laterA, 'w1', 'm-later-a');
    expect(ids(await claim('w2', at(3)))).toEqual([earlyA]);
    // w1 died sending laterB: once its claim is stale, earlyB goes first, and laterB waits behind it.
    expect(ids(await claim('w2', at(61.5)))).toEqual([earlyB]);
    await new Outbox(store.sql).markSent(earlyB!, 'w2', 'm-early-b');
    expect(await claim('w2', at(62))).toMatchObject([{ id: laterB, claimed_by: 'w2', attempts: 2 }]);
  });
});
