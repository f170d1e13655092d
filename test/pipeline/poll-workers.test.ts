import { afterEach, describe, expect, it } from 'vitest';
import { FeedClaims } from '../../src/db/feed-claims.ts';
import { SqliteSql } from '../../src/db/sql.ts';
import { FEED_CLAIM_MS } from '../../src/pipeline/scheduler.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { FeedServer, rss } from '../helpers/feed-server.ts';
import { waitUntil } from '../helpers/wait.ts';

let server: FeedServer;
const apps: TestApp[] = [];

afterEach(async () => {
  for (const app of apps.splice(0).reverse()) await app.dispose();
  await server?.close();
});

/** A worker: the real app on the database of the first one, as another `ainews run` would open it. */
async function worker(first?: TestApp, options: Parameters<typeof testApp>[1] = {}, env: Record<string, string> = {}): Promise<TestApp> {
  const app = await testApp(first ? { ...env, AINEWS_DB: first.config.AINEWS_DB } : env, options);
  apps.push(app);
  return app;
}

async function feeds(app: TestApp, count: number, delayMs: number): Promise<string[]> {
  server = await new FeedServer().listen();
  const paths = Array.from({ length: count }, (_, i) => `/feed${i}.xml`);
  for (const [i, path] of paths.entries()) {
    server.route(path, { body: rss([{ title: `Item ${i}`, link: `https://news.example/${i}` }]), delayMs });
    await app.admin.add({ url: server.url(path) });
  }
  return paths;
}

describe('several workers on one database', () => {
  it('fetch each due feed once when their rounds run at the same time', async () => {
    const a = await worker();
    const b = await worker(a);
    const paths = await feeds(a, 12, 50);
    const [first, second] = await Promise.all([a.scheduler.tick(), b.scheduler.tick()]);
    expect(first!.polled + second!.polled).toBe(12);
    expect(paths.map((path) => server.hits(path))).toEqual(paths.map(() => 1));
    const again = await Promise.all([a.scheduler.tick(), b.scheduler.tick()]);
    expect(again.map((summary) => summary!.polled)).toEqual([0, 0]);
    expect((await a.feeds.list()).every((feed) => feed.claimed_by === null && feed.claimed_until === null)).toBe(true);
  });

  it('send one request at a time to a site, whichever worker makes it', async () => {
    // A round takes at most a twelfth of the hourly budget: 4 feeds each, so that both workers fetch.
    const budget = { POLL_BUDGET_PER_HOUR: '48' };
    const a = await worker(undefined, {}, budget);
    const b = await worker(a, {}, budget);
    const paths = await feeds(a, 8, 40);
    const [first, second] = await Promise.all([a.scheduler.tick(), b.scheduler.tick()]);
    expect(first!.polled + second!.polled).toBe(8);
    expect(first!.polled).toBeGreaterThan(0);
    expect(second!.polled).toBeGreaterThan(0);
    expect(server.maxInFlight).toBe(1);
    expect(paths.map((path) => server.hits(path))).toEqual(paths.map(() => 1));
  });

  it('leave a feed another worker is fetching to it, even for poll --all', async () => {
    const a = await worker();
    const b = await worker(a);
    server = await new FeedServer().listen();
    // The feed answers only once the test lets it: a's fetch is in flight meanwhile.
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    server.route('/slow.xml', (_req, res) => void answered.then(() => res.end(rss([{ title: 'Slow', link: 'https://news.example/slow' }]))));
    await a.admin.add({ url: server.url('/slow.xml') });
    const round = a.scheduler.tick();
    await waitUntil(() => server.hits('/slow.xml') === 1);
    expect((await a.feeds.list())[0]).toMatchObject({ claimed_by: a.worker });
    expect(await b.scheduler.tick({ all: true })).toMatchObject({ polled: 0 });
    answer();
    expect(await round).toMatchObject({ polled: 1 });
    expect(server.hits('/slow.xml')).toBe(1);
  });

  it("take over the feeds of a worker that died mid-round once its claims lapse", async () => {
    let clock = Date.parse('2026-12-01T10:00:00Z');
    const a = await worker(undefined, { now: () => new Date(clock) });
    const [path] = await feeds(a, 1, 0);
    // A worker claimed the feed, then was killed before fetching it.
    await new FeedClaims(SqliteSql.open(a.db)).claimDue('dead-worker', { now: new Date(clock), until: new Date(clock + FEED_CLAIM_MS), limit: 10 });
    expect(await a.scheduler.tick()).toMatchObject({ polled: 0, deferred: 0 });
    clock += FEED_CLAIM_MS - 1000;
    expect(await a.scheduler.tick()).toMatchObject({ polled: 0 });
    clock += 1000;
    expect(await a.scheduler.tick()).toMatchObject({ polled: 1 });
    expect(server.hits(path!)).toBe(1);
  });
});
