import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FeedStore } from '../../src/db/feeds.ts';
import { installId, lastPruneAt, recordPrune } from '../../src/db/meta.ts';
import { MetricsReads } from '../../src/db/metrics-reads.ts';
import { OpsStatus } from '../../src/db/ops-status.ts';
import { probeWrite } from '../../src/db/write-probe.ts';
import { OutboxRows } from '../helpers/outbox-rows.ts';
import { describePostgres } from '../helpers/postgres.ts';
import { postgresStore, sqliteStore, type Store } from '../helpers/storage-backends.ts';
import { T0, at } from '../helpers/port-fixtures.ts';

/** What the operator's views read (meta, the health probe, `ainews status`, the metrics), on each backend. */
function opsReadsSuite(describeOn: (name: string, suite: () => void) => void, open: () => Promise<Store>): void {
  describeOn('ops reads', () => {
    let store: Store;
    let rows: OutboxRows;
    beforeEach(async () => {
      store = await open();
      rows = new OutboxRows(store.sql, T0);
    });
    afterEach(() => store.close());

    const setStatus = (id: number, status: string) => store.sql.run('UPDATE outbox SET status = ? WHERE id = ?', [status, id]);

    it("reads the installation's id, made with the database", async () => {
      expect(await installId(store.sql)).toMatch(/^[0-9a-f]{8}$/);
      await store.sql.run("DELETE FROM meta WHERE key = 'install_id'");
      expect(await installId(store.sql)).toBe('00000000');
    });

    it('remembers when the daily prune last finished', async () => {
      expect(await lastPruneAt(store.sql)).toBeNull();
      await recordPrune(store.sql, T0);
      expect(await lastPruneAt(store.sql)).toEqual(T0);
      await recordPrune(store.sql, at(86_400));
      expect(await lastPruneAt(store.sql)).toEqual(at(86_400));
    });

    it('probes that the database takes writes, and throws when it does not', async () => {
      await probeWrite(store.sql, T0);
      await probeWrite(store.sql, at(60));
      expect(await store.sql.all("SELECT value FROM meta WHERE key = 'health_probed_at'")).toEqual([{ value: at(60).toISOString() }]);
      const lost = store.severable();
      await lost.cut();
      await expect(probeWrite(lost.sql, at(120))).rejects.toThrow();
    });

    it('tells when the oldest alert still to send was queued, and the LLM’s day', async () => {
      const ops = new OpsStatus(store.sql);
      expect(await ops.oldestWaiting()).toBeNull();
      await rows.channel('console:a');
      const sent = await rows.alert('console:a', { queuedAt: at(-600) });
      await setStatus(sent, 'sent');
      const failed = await rows.alert('console:a', { queuedAt: at(-500) });
      await setStatus(failed, 'failed');
      await rows.alert('console:a', { queuedAt: at(-60) });
      const retrying = await rows.alert('console:a', { queuedAt: at(-120) });
      await setStatus(retrying, 'retrying');
      expect(await ops.oldestWaiting()).toBe(at(-120).toISOString());

      expect(await ops.llmDay('2026-12-01')).toEqual({ calls: 0, tokens: 0 });
      await store.sql.run('INSERT INTO llm_usage (day, calls, tokens) VALUES (?, ?, ?)', ['2026-12-01', 3, 4500]);
      expect(await ops.llmDay('2026-12-01')).toEqual({ calls: 3, tokens: 4500 });
      expect(await ops.llmDay('2026-12-02')).toEqual({ calls: 0, tokens: 0 });
    });

    it('tells the database’s size in bytes', async () => {
      const bytes = await new OpsStatus(store.sql).bytes();
      expect(Number.isInteger(bytes)).toBe(true);
      expect(bytes).toBeGreaterThan(0);
    });

    it('counts feeds and outbox rows by status', async () => {
      const metrics = new MetricsReads(store.sql);
      expect(await metrics.feedsByStatus()).toEqual(new Map());
      expect(await metrics.outboxByStatus()).toEqual(new Map());
      const feeds = new FeedStore(store.sql);
      for (const site of ['a', 'b', 'c']) await feeds.add({ url: `https://${site}.example/feed`, intervalSeconds: 900 }, T0);
      await feeds.recordFailure(1, { at: T0, error: 'HTTP 410', nextPollAt: null });
      await feeds.recordFailure(2, { at: T0, error: 'HTTP 503', nextPollAt: at(60) });
      expect(await metrics.feedsByStatus()).toEqual(new Map([['disabled', 1], ['failing', 1], ['ok', 1]]));

      await rows.channel('console:a');
      const [first] = [await rows.alert('console:a'), await rows.alert('console:a'), await rows.alert('console:a')];
      await setStatus(first, 'sent');
      expect(await metrics.outboxByStatus()).toEqual(new Map([['pending', 2], ['sent', 1]]));
    });

    it('tells when an item came out: published, or first seen when its date was unusable', async () => {
      const metrics = new MetricsReads(store.sql);
      const insert = async (key: string, source: 'feed' | 'first_seen') =>
        (await store.sql.get<{ id: number }>(
          `INSERT INTO items (dedupe_key, title, lang, published_at, published_at_source, first_seen_at, updated_at)
           VALUES (?, 'A title', 'en', ?, ?, ?, ?) RETURNING id`,
          [key, at(-3600).toISOString(), source, T0.toISOString(), T0.toISOString()],
        ))!.id;
      expect(await metrics.publishedAt(await insert('example.com/dated', 'feed'))).toEqual(at(-3600));
      expect(await metrics.publishedAt(await insert('example.com/undated', 'first_seen'))).toEqual(T0);
      expect(await metrics.publishedAt(99)).toBeNull();
    });
  });
}

opsReadsSuite(describe, sqliteStore);
opsReadsSuite(describePostgres, postgresStore);
