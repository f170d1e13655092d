import { afterEach, describe, expect, it, vi } from 'vitest';
import { recordPrune } from '../../src/db/meta.ts';
import { createLogger } from '../../src/log.ts';
import { Leases } from '../../src/db/leases.ts';
import { SqliteSql } from '../../src/db/sql.ts';
import { DailyPrune } from '../../src/retention/daily-prune.ts';
import { runExclusively } from '../../src/workers/exclusive-work.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { storeItems } from '../helpers/items.ts';
import { waitUntil } from '../helpers/wait.ts';

const DAY = 86_400_000;
const QUICK = { firstMs: 0, everyMs: 10 };

let app: TestApp;
let daily: DailyPrune | undefined;
afterEach(async () => {
  await daily?.stop();
  daily = undefined;
  await app.dispose();
});

async function oldItems(count: number) {
  await storeItems(app, Array.from({ length: count }, (_, i) => ({ title: `Old report ${i}` })), { now: new Date(Date.now() - 400 * DAY), process: false });
}

describe('the daily prune of ainews run', () => {
  it('prunes when no prune is recorded for the last day, and records when it did', async () => {
    app = await testApp();
    await oldItems(3);
    daily = new DailyPrune(app.retention, createLogger('silent'), QUICK);
    daily.start();
    await waitUntil(async () => (await app.items.count()) === 0 && (await app.retention.lastRun()) !== null, 5000, 'the prune');
    expect(Date.now() - (await app.retention.lastRun())!.getTime()).toBeLessThan(DAY);
  });

  it('waits a day after the last prune, whichever process ran it', async () => {
    app = await testApp();
    await oldItems(3);
    await recordPrune(app.sql, new Date(Date.now() - DAY / 2));
    const looks = vi.spyOn(app.retention, 'lastRun');
    const prunes = vi.spyOn(app.retention, 'prune');
    daily = new DailyPrune(app.retention, createLogger('silent'), QUICK);
    daily.start();
    await waitUntil(() => looks.mock.calls.length >= 3, 5000, 'three looks');
    expect(prunes).not.toHaveBeenCalled();
    expect(await app.items.count()).toBe(3);
  });

  it('leaves the prune to another worker on the database that is pruning now, and prunes once it is done', async () => {
    app = await testApp();
    await oldItems(3);
    const leases = new Leases(SqliteSql.open(app.db));
    expect(await leases.acquire('retention', 'another-worker', 3_600_000, new Date())).toBe(true);
    const looks = vi.spyOn(app.retention, 'lastRun');
    const exclusive = (work: () => Promise<void>) => runExclusively({ leases, name: 'retention', holder: app.worker, ttlMs: 3_600_000 }, work);
    daily = new DailyPrune(app.retention, createLogger('silent'), QUICK, exclusive);
    daily.start();
    await waitUntil(() => looks.mock.calls.length >= 3, 5000, 'three looks');
    expect(await app.items.count()).toBe(3);
    await leases.release('retention', 'another-worker');
    await waitUntil(async () => (await app.items.count()) === 0, 5000, 'the prune');
  });

  it('never starts when AINEWS_RETENTION is 0', async () => {
    app = await testApp({ AINEWS_RETENTION: '0' });
    const looks = vi.spyOn(app.retention, 'lastRun');
    daily = new DailyPrune(app.retention, createLogger('silent'), QUICK);
    daily.start();
    // Another timer of the same length runs after the prune's would have.
    await new Promise((resolve) => setTimeout(resolve, QUICK.everyMs * 5));
    expect(looks).not.toHaveBeenCalled();
  });
});
