import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Leases } from '../../src/db/leases.ts';
import { createLogger } from '../../src/log.ts';
import { LeaseKeeper } from '../../src/workers/lease-keeper.ts';
import { describePostgres } from '../helpers/postgres.ts';
import { postgresStore, sqliteStore, type Store } from '../helpers/storage-backends.ts';

const T0 = Date.parse('2026-12-01T10:00:00.000Z');
const TTL = 30_000;

/** The keeper of each worker, and what it was told, driven round by round on a clock of the test's. */
function leaseKeeperSuite(describeOn: (name: string, suite: () => void) => void, open: () => Promise<Store>): void {
  describeOn('LeaseKeeper', () => {
    let store: Store;
    let clock: number;
    beforeEach(async () => {
      store = await open();
      clock = T0;
    });
    afterEach(() => store.close());

    const worker = (name: string, leases: Leases) => {
      const events: string[] = [];
      const keeper = new LeaseKeeper({
        leases,
        name: 'discord-gateway',
        holder: name,
        ttlMs: TTL,
        onAcquired: () => void events.push('acquired'),
        onLost: () => void events.push('lost'),
        log: createLogger('silent'),
        now: () => new Date(clock),
      });
      return { keeper, events };
    };

    it('lets one worker hold the gateway, and another take it over within the lease when that one dies', async () => {
      const a = worker('a', new Leases(store.sql));
      const b = worker('b', new Leases(store.connect()));
      await a.keeper.tick();
      await b.keeper.tick();
      expect([a.keeper.holding, b.keeper.holding]).toEqual([true, false]);

      clock += TTL / 3;
      await a.keeper.tick();
      clock += TTL - 1;
      await b.keeper.tick();
      expect(b.events).toEqual([]);

      // a stopped renewing (killed) a third of a lease ago plus the lease: b takes over.
      clock += 1;
      await b.keeper.tick();
      expect(b.events).toEqual(['acquired']);
      await a.keeper.tick();
      expect(a.events).toEqual(['acquired', 'lost']);
      expect(await new Leases(store.sql).holder('discord-gateway', new Date(clock))).toMatchObject({ holder: 'b' });
    });

    it('gives the lease up on stopping, so that another worker takes it at once', async () => {
      const a = worker('a', new Leases(store.sql));
      const b = worker('b', new Leases(store.connect()));
      await a.keeper.tick();
      await a.keeper.stop();
      expect(a.events).toEqual(['acquired', 'lost']);
      await b.keeper.tick();
      expect(b.events).toEqual(['acquired']);
    });

    it('keeps the lease through an outage shorter than the lease, and gives the work up when it could have expired', async () => {
      const line = store.severable();
      const a = worker('a', new Leases(line.sql));
      await a.keeper.tick();
      await line.cut();
      clock += TTL / 3;
      await a.keeper.tick();
      expect(a.events).toEqual(['acquired']);
      clock += TTL;
      await a.keeper.tick();
      expect(a.events).toEqual(['acquired', 'lost']);
      const b = worker('b', new Leases(store.sql));
      await b.keeper.tick();
      expect(b.events).toEqual(['acquired']);
    });
  });
}

leaseKeeperSuite(describe, sqliteStore);
leaseKeeperSuite(describePostgres, postgresStore);
