import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Leases } from '../../src/db/leases.ts';
import { runExclusively } from '../../src/workers/exclusive-work.ts';
import { describePostgres } from '../helpers/postgres.ts';
import { postgresStore, sqliteStore, type Store } from '../helpers/storage-backends.ts';

const TTL = 60_000;

function exclusiveWorkSuite(describeOn: (name: string, suite: () => void) => void, open: () => Promise<Store>): void {
  describeOn('runExclusively', () => {
    let store: Store;
    let clock: number;
    beforeEach(async () => {
      store = await open();
      clock = Date.parse('2026-12-01T10:00:00Z');
    });
    afterEach(() => store.close());

    /** Until `holder` has taken the lease (its work then runs). */
    const heldBy = async (holder: string) => {
      const leases = new Leases(store.sql);
      while ((await leases.holder('retention', new Date(clock)))?.holder !== holder) await new Promise((resolve) => setTimeout(resolve, 5));
    };

    const on = (holder: string, leases: Leases) => (work: () => Promise<void>) =>
      runExclusively({ leases, name: 'retention', holder, ttlMs: TTL }, work, () => new Date(clock));

    it('runs scheduled work on one worker at a time, and on the next once it ended', async () => {
      const a = on('a', new Leases(store.sql));
      const b = on('b', new Leases(store.connect()));
      const ran: string[] = [];
      let finish!: () => void;
      const running = a(() => new Promise<void>((resolve) => (finish = resolve)).then(() => void ran.push('a')));
      await heldBy('a');
      expect(await b(async () => void ran.push('b while a runs'))).toBe(false);
      finish();
      expect(await running).toBe(true);
      expect(await b(async () => void ran.push('b'))).toBe(true);
      expect(ran).toEqual(['a', 'b']);
    });

    it('gives the lease up when the work fails, and lets another take over a dead worker’s after the lease', async () => {
      const a = on('a', new Leases(store.sql));
      const b = on('b', new Leases(store.connect()));
      await expect(a(() => Promise.reject(new Error('disk full')))).rejects.toThrow('disk full');
      expect(await b(async () => undefined)).toBe(true);

      // a takes the lease and dies holding it: its work never ends.
      void a(() => new Promise<void>(() => undefined));
      await heldBy('a');
      expect(await b(async () => undefined)).toBe(false);
      clock += TTL;
      expect(await b(async () => undefined)).toBe(true);
    });
  });
}

exclusiveWorkSuite(describe, sqliteStore);
exclusiveWorkSuite(describePostgres, postgresStore);
