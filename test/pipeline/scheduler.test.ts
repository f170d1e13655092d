import { afterEach, describe, expect, it } from 'vitest';
import { HostQueue } from '../../src/pipeline/host-queue.ts';
import { FeedServer, rss } from '../helpers/feed-server.ts';
import { testApp, type TestApp } from '../helpers/app.ts';

const servers: FeedServer[] = [];
let app: TestApp | undefined;

afterEach(async () => {
  await app?.dispose();
  app = undefined;
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function slowFeeds(count: number, delayMs: number): Promise<FeedServer[]> {
  const created = await Promise.all(
    Array.from({ length: count }, async (_, i) => (await new FeedServer().listen()).route('/feed', { body: rss([{ title: `S${i}`, link: `https://x.example/${i}` }]), delayMs })),
  );
  servers.push(...created);
  return created;
}

describe('PollScheduler', () => {
  it('skips a tick that starts while the previous one is still running', async () => {
    app = await testApp();
    const [server] = await slowFeeds(1, 300);
    await app.admin.add({ url: server!.url('/feed') });
    const first = app.scheduler.tick();
    const second = await app.scheduler.tick();
    expect(second).toBeNull();
    expect(await first).toMatchObject({ polled: 1, backlog: 1 });
    expect(server!.hits('/feed')).toBe(1);
  });

  it('polls only feeds that are due, unless asked for all; a fixed feed keeps its interval, jittered', async () => {
    app = await testApp();
    const [server] = await slowFeeds(1, 0);
    await app.admin.add({ url: server!.url('/feed'), every: '15m' });
    expect(await app.scheduler.tick()).toMatchObject({ polled: 1 });
    expect(await app.scheduler.tick()).toMatchObject({ polled: 0 });
    expect(await app.scheduler.tick({ all: true })).toMatchObject({ polled: 1 });
    const next = Date.parse((await app.feeds.list())[0]!.next_poll_at) - Date.now();
    expect(next).toBeGreaterThan(15 * 60_000 * 0.9 - 5000);
    expect(next).toBeLessThan(15 * 60_000 * 1.1 + 1000);
  });

  it("runs on the app's clock: a feed is added, polled, planned and alerted at its time, not the system's", async () => {
    let now = Date.parse('2025-06-11T12:00:00Z');
    const at = (ms: number) => new Date(ms).toISOString();
    // A random of 0.5 is no jitter: 0.9 + 0.2 × 0.5.
    app = await testApp({}, { now: () => new Date(now), random: () => 0.5 });
    await app.watches.add('console:clock', '*', 'test', new Date(now));
    const [server] = await slowFeeds(1, 0);
    const { feed } = await app.admin.add({ url: server!.url('/feed'), every: '15m' });
    expect(feed.next_poll_at).toBe(at(now));
    expect(await app.scheduler.tick()).toMatchObject({ polled: 1, backlog: 1 });
    expect(await app.feeds.find(feed.id)).toMatchObject({ last_polled_at: at(now), next_poll_at: at(now + 15 * 60_000) });
    now += 14 * 60_000;
    expect(await app.scheduler.tick()).toMatchObject({ polled: 0 });
    now += 60_000;
    server!.route('/feed', { body: rss([{ title: 'Fresh', link: 'https://x.example/fresh', pubDate: new Date(now - 30_000).toUTCString() }]) });
    expect(await app.scheduler.tick()).toMatchObject({ polled: 1, alerts: 1 });
    expect(app.db.prepare("SELECT created_at FROM outbox WHERE kind = 'alert'").pluck().get()).toBe(at(now));
  });

  it('keeps to the concurrency bound', async () => {
    app = await testApp({ POLL_CONCURRENCY: '2' });
    const feeds = await slowFeeds(5, 150);
    for (const s of feeds) await app.admin.add({ url: s.url('/feed') });
    let active = 0;
    let peak = 0;
    for (const s of feeds) {
      s.route('/feed', (_req, res) => {
        active++;
        peak = Math.max(peak, active);
        setTimeout(() => {
          active--;
          res.writeHead(200).end(rss([{ title: 't', link: 'https://x.example/t' }]));
        }, 100);
      });
    }
    expect(await app.scheduler.tick()).toMatchObject({ polled: 5 });
    expect(peak).toBe(2);
  });

  it('sends at most one request at a time to one host', async () => {
    app = await testApp({ POLL_CONCURRENCY: '8' });
    const [server] = await slowFeeds(1, 100);
    for (let i = 0; i < 4; i++) {
      server!.route(`/f${i}`, { body: rss([{ title: `T${i}`, link: `https://x.example/${i}` }]), delayMs: 100 });
      await app.admin.add({ url: server!.url(`/f${i}`) });
    }
    expect(await app.scheduler.tick()).toMatchObject({ polled: 4 });
    expect(server!.maxInFlight).toBe(1);
  });

  it('on stop, cancels fetches in flight, lets writes finish, and records no failure', async () => {
    app = await testApp();
    const [server] = await slowFeeds(1, 2000);
    await app.admin.add({ url: server!.url('/feed') });
    const tick = app.scheduler.tick();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await app.scheduler.stop();
    expect(await tick).toMatchObject({ polled: 0, failed: 0 });
    expect((await app.feeds.list())[0]).toMatchObject({ status: 'ok', consecutive_failures: 0 });
  });
});

describe('HostQueue', () => {
  it('runs tasks for one host one after another, and other hosts alongside', async () => {
    const queue = new HostQueue();
    const order: string[] = [];
    const task = (name: string, ms: number) => () =>
      new Promise<void>((resolve) => {
        order.push(`start ${name}`);
        setTimeout(() => {
          order.push(`end ${name}`);
          resolve();
        }, ms);
      });
    await Promise.all([queue.run('a', task('a1', 30)), queue.run('a', task('a2', 1)), queue.run('b', task('b1', 1))]);
    expect(order.indexOf('start a2')).toBeGreaterThan(order.indexOf('end a1'));
    expect(order.indexOf('start b1')).toBeLessThan(order.indexOf('end a1'));
  });

  it('goes on after a failed task', async () => {
    const queue = new HostQueue();
    await expect(queue.run('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(queue.run('a', () => Promise.resolve(42))).resolves.toBe(42);
  });
});
