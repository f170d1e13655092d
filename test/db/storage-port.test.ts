import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FeedClaims } from '../../src/db/feed-claims.ts';
import { Leases } from '../../src/db/leases.ts';
import { LlmUsage } from '../../src/db/llm-usage.ts';
import { holdTransactionLock } from '../../src/db/sql.ts';
import { describePostgres } from '../helpers/postgres.ts';
import { postgresStore, sqliteStore, type Store } from '../helpers/storage-backends.ts';
import { T0, at } from '../helpers/port-fixtures.ts';

/** The storage port's suite: the same tests, the same expectations, on each backend. */
function storagePortSuite(describeOn: (name: string, suite: () => void) => void, open: () => Promise<Store>): void {
  describeOn('storage port', () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(() => store.close());

    const addFeeds = async (count: number, dueAt: Date) => {
      for (let i = 0; i < count; i++) {
        await store.sql.run('INSERT INTO feeds (url, interval_seconds, next_poll_at, created_at) VALUES (?, 900, ?, ?)', [
          `https://site${i % 3}.example/feed${i}.xml`,
          dueAt.toISOString(),
          T0.toISOString(),
        ]);
      }
    };

    it('runs statements with ? placeholders and says how many rows a write changed', async () => {
      await addFeeds(3, T0);
      const changed = await store.sql.run("UPDATE feeds SET name = '? is not a placeholder here' WHERE id <= ?", [2]);
      expect(changed.changes).toBe(2);
      expect(await store.sql.get<{ name: string }>('SELECT name FROM feeds WHERE id = ?', [1])).toEqual({ name: '? is not a placeholder here' });
      expect(await store.sql.all<{ id: number }>('SELECT id FROM feeds ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
      expect(await store.sql.get('SELECT id FROM feeds WHERE id = ?', [99])).toBeUndefined();
    });

    it('commits a transaction that resolves, rolls back one that throws, and joins a nested one to it', async () => {
      await store.sql.withTransaction(async (tx) => {
        await tx.run("INSERT INTO meta (key, value) VALUES ('a', '1')");
        await tx.withTransaction((inner) => inner.run("INSERT INTO meta (key, value) VALUES ('b', '2')"));
      });
      await expect(
        store.sql.withTransaction(async (tx) => {
          await tx.run("INSERT INTO meta (key, value) VALUES ('c', '3')");
          throw new Error('half-way');
        }),
      ).rejects.toThrow('half-way');
      expect(await store.sql.all('SELECT key FROM meta WHERE key IN (?, ?, ?) ORDER BY key', ['a', 'b', 'c'])).toEqual([{ key: 'a' }, { key: 'b' }]);
    });

    it('keeps statements from elsewhere out of an open transaction: they wait for it, and survive its rollback', async () => {
      let inside!: () => void;
      const entered = new Promise<void>((resolve) => (inside = resolve));
      let finish!: () => void;
      const held = new Promise<void>((resolve) => (finish = resolve));
      const transaction = store.sql.withTransaction(async (tx) => {
        await tx.run("INSERT INTO meta (key, value) VALUES ('tx', '1')");
        inside();
        await held;
        throw new Error('rolled back');
      });
      await entered;
      const outside = store.sql.run("INSERT INTO meta (key, value) VALUES ('outside', '1')");
      finish();
      await expect(transaction).rejects.toThrow('rolled back');
      await outside;
      expect(await store.sql.all('SELECT key FROM meta WHERE key IN (?, ?)', ['tx', 'outside'])).toEqual([{ key: 'outside' }]);
    });

    it('runs a call made from inside a transaction in it, through whichever handle, and a later one on its own', async () => {
      // A store built before the transaction, on the database's own handle, as the app's stores are.
      const outer = store.sql;
      let later!: Promise<unknown>;
      let release!: () => void;
      const after = new Promise<void>((resolve) => (release = resolve));
      await expect(
        outer.withTransaction(async () => {
          await outer.run("INSERT INTO meta (key, value) VALUES ('joined', '1')");
          await outer.withTransaction(() => outer.run("INSERT INTO meta (key, value) VALUES ('nested', '1')"));
          expect(await outer.all("SELECT key FROM meta WHERE key IN ('joined', 'nested') ORDER BY key")).toEqual([{ key: 'joined' }, { key: 'nested' }]);
          // Started here, run once the transaction is over: it is not part of it.
          later = after.then(() => outer.run("INSERT INTO meta (key, value) VALUES ('later', '1')"));
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      release();
      await later;
      expect(await outer.all("SELECT key FROM meta WHERE key IN ('joined', 'nested', 'later')")).toEqual([{ key: 'later' }]);
    });

    it('holds a named lock to the end of a transaction: a second worker taking it waits for the first to commit', async () => {
      const other = store.connect();
      const events: string[] = [];
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const first = new Promise<void>((resolve) => (locked = resolve));
      const a = store.sql.withTransaction(async (tx) => {
        await holdTransactionLock(tx, 'clustering');
        locked();
        await held;
        await tx.run("INSERT INTO meta (key, value) VALUES ('lock', 'a')");
        events.push('a commits');
      });
      await first;
      const b = other.withTransaction(async (tx) => {
        await holdTransactionLock(tx, 'clustering');
        events.push(`b sees ${(await tx.get<{ value: string }>("SELECT value FROM meta WHERE key = 'lock'"))?.value ?? 'nothing'}`);
      });
      await new Promise((resolve) => setTimeout(resolve, 30));
      release();
      await Promise.all([a, b]);
      expect(events).toEqual(['a commits', 'b sees a']);
    });

    it('keeps a statement out of a transaction begun in the same tick, which then rolls back', async () => {
      const written = store.sql.run("INSERT INTO meta (key, value) VALUES ('before', '1')");
      const rolledBack = store.sql.withTransaction(async (tx) => {
        await tx.run("INSERT INTO meta (key, value) VALUES ('inside', '1')");
        throw new Error('rolled back');
      });
      expect(await written).toEqual({ changes: 1 });
      await expect(rolledBack).rejects.toThrow('rolled back');
      expect(await store.sql.all("SELECT key FROM meta WHERE key IN ('before', 'inside')")).toEqual([{ key: 'before' }]);
    });

    it('commits two transactions started at once, each with all of its writes', async () => {
      await Promise.all(
        ['first', 'second'].map((name) =>
          store.sql.withTransaction(async (tx) => {
            await tx.run('INSERT INTO meta (key, value) VALUES (?, ?)', [`${name}-1`, '1']);
            await new Promise((resolve) => setTimeout(resolve, 20));
            await tx.run('INSERT INTO meta (key, value) VALUES (?, ?)', [`${name}-2`, '1']);
          }),
        ),
      );
      const keys = await store.sql.all<{ key: string }>("SELECT key FROM meta WHERE key LIKE 'first-%' OR key LIKE 'second-%' ORDER BY key");
      expect(keys.map((row) => row.key)).toEqual(['first-1', 'first-2', 'second-1', 'second-2']);
    });

    it('counts LLM calls and tokens per day, and refuses a call once either budget is spent, with workers at once', async () => {
      const limits = { calls: 5, tokens: 1000 };
      const workers = [new LlmUsage(store.sql), new LlmUsage(store.connect()), new LlmUsage(store.connect())];
      const reserved = await Promise.all(Array.from({ length: 9 }, (_, i) => workers[i % 3]!.reserveCall('2026-12-01', limits)));
      expect(reserved.filter(Boolean)).toHaveLength(5);
      expect(await workers[0]!.reserveCall('2026-12-02', limits)).toBe(true);
      await workers[1]!.addTokens('2026-12-02', 600);
      await workers[2]!.addTokens('2026-12-02', 400);
      expect(await workers[0]!.reserveCall('2026-12-02', limits)).toBe(false);
      expect(await store.sql.all('SELECT day, calls, tokens FROM llm_usage ORDER BY day')).toEqual([
        { day: '2026-12-01', calls: 5, tokens: 0 },
        { day: '2026-12-02', calls: 1, tokens: 1000 },
      ]);
    });

    it('gives a lease to one holder at a time, renews it for its holder, and hands it over when it expires', async () => {
      const leases = new Leases(store.sql);
      expect(await leases.acquire('retention', 'worker-a', 60_000, T0)).toBe(true);
      expect(await leases.acquire('retention', 'worker-b', 60_000, at(30))).toBe(false);
      expect(await leases.acquire('retention', 'worker-a', 60_000, at(50))).toBe(true);
      expect(await leases.holder('retention', at(100))).toEqual({ holder: 'worker-a', acquired_at: T0.toISOString(), expires_at: at(110).toISOString() });
      expect(await leases.acquire('retention', 'worker-b', 60_000, at(109))).toBe(false);
      expect(await leases.acquire('retention', 'worker-b', 60_000, at(110))).toBe(true);
      expect(await leases.holder('retention', at(111))).toMatchObject({ holder: 'worker-b', acquired_at: at(110).toISOString() });
      await leases.release('retention', 'worker-a');
      expect(await leases.holder('retention', at(111))).toMatchObject({ holder: 'worker-b' });
      await leases.release('retention', 'worker-b');
      expect(await leases.holder('retention', at(111))).toBeNull();
      expect(await leases.acquire('retention', 'worker-c', 60_000, at(112))).toBe(true);
    });

    it('gives a lease to exactly one of several workers asking at once', async () => {
      const workers = Array.from({ length: 5 }, (_, i) => ({ name: `worker-${i}`, leases: new Leases(i === 0 ? store.sql : store.connect()) }));
      const won = await Promise.all(workers.map(({ name, leases }) => leases.acquire('discord-gateway', name, 60_000, T0)));
      expect(won.filter(Boolean)).toHaveLength(1);
      const winner = workers[won.indexOf(true)]!.name;
      expect(await new Leases(store.sql).holder('discord-gateway', T0)).toMatchObject({ holder: winner });
    });

    it('hands each due feed to one worker, even when workers claim at once, and takes a dead worker’s claim back', async () => {
      await addFeeds(10, T0);
      await store.sql.run('UPDATE feeds SET next_poll_at = ? WHERE id = ?', [at(3600).toISOString(), 10]);
      const claimers = [new FeedClaims(store.sql), new FeedClaims(store.connect()), new FeedClaims(store.connect())];
      const until = at(60);
      const claimed = await Promise.all(claimers.map((claims, i) => claims.claimDue(`worker-${i}`, { now: at(1), until, limit: 4 })));
      const ids = claimed.flat().map((feed) => feed.id);
      expect(ids).toHaveLength(9);
      expect(new Set(ids).size).toBe(9);
      expect(ids).not.toContain(10);
      expect(claimed.flat().every((feed) => feed.claimed_until === until.toISOString())).toBe(true);
      expect(await claimers[0]!.claimDue('worker-0', { now: at(2), until: at(62), limit: 10 })).toEqual([]);

      // worker-0 polled its feeds (they are due in an hour) and released them; worker-1 died mid-fetch.
      const [mine, dead] = [claimed[0]!.map((feed) => feed.id), claimed[1]!.map((feed) => feed.id)];
      for (const id of mine) await store.sql.run('UPDATE feeds SET next_poll_at = ? WHERE id = ?', [at(3600).toISOString(), id]);
      await claimers[0]!.release('worker-1', mine);
      expect((await store.sql.all<{ claimed_by: string }>('SELECT claimed_by FROM feeds WHERE id = ?', [mine[0]]))[0]!.claimed_by).toBe('worker-0');
      await claimers[0]!.release('worker-0', mine);
      const takenOver = await claimers[2]!.claimDue('worker-2', { now: at(61), until: at(121), limit: 20 });
      expect(takenOver.map((feed) => feed.id).sort((a, b) => a - b)).toEqual(
        [...dead, ...claimed[2]!.map((feed) => feed.id)].sort((a, b) => a - b),
      );
    });

    it('renews the claims a worker still holds, and no one else’s', async () => {
      await addFeeds(3, T0);
      const mine = new FeedClaims(store.sql);
      const [first, second] = await mine.claimDue('worker-0', { now: at(1), until: at(121), limit: 2 });
      await new FeedClaims(store.connect()).claimDue('worker-1', { now: at(1), until: at(121), limit: 1 });
      await mine.release('worker-0', [first!.id]);
      await mine.renew('worker-0', at(300));
      const rows = await store.sql.all<{ id: number; claimed_by: string | null; claimed_until: string | null }>('SELECT id, claimed_by, claimed_until FROM feeds ORDER BY id');
      expect(rows).toEqual([
        { id: first!.id, claimed_by: null, claimed_until: null },
        { id: second!.id, claimed_by: 'worker-0', claimed_until: at(300).toISOString() },
        { id: 3, claimed_by: 'worker-1', claimed_until: at(121).toISOString() },
      ]);
    });

    it('claims feeds never polled first, then those with the most news expected', async () => {
      await addFeeds(3, T0);
      await store.sql.run('UPDATE feeds SET last_polled_at = ?, news_rate = ? WHERE id = ?', [T0.toISOString(), 0.1, 1]);
      await store.sql.run('UPDATE feeds SET last_polled_at = ?, news_rate = ? WHERE id = ?', [T0.toISOString(), 5, 2]);
      const claimed = await new FeedClaims(store.sql).claimDue('worker-0', { now: at(600), until: at(660), limit: 3 });
      expect(claimed.map((feed) => feed.id)).toEqual([3, 2, 1]);
    });
  });
}

storagePortSuite(describe, sqliteStore);
storagePortSuite(describePostgres, postgresStore);
