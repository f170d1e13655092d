import { afterEach, describe, expect, it } from 'vitest';
import { PollBudget } from '../../src/polling/poll-budget.ts';
import { FeedServer, rss } from '../helpers/feed-server.ts';
import { testApp, type TestApp } from '../helpers/app.ts';

const MINUTE = 60_000;

describe('PollBudget', () => {
  it('grants at most the hourly budget in any hour, a twelfth of it per round', () => {
    const budget = new PollBudget(120);
    const start = new Date('2026-12-01T10:00:00Z');
    expect(budget.take(50, start)).toBe(10);
    let granted = 10;
    for (let minute = 1; minute < 60; minute++) granted += budget.take(50, new Date(start.getTime() + minute * MINUTE));
    expect(granted).toBe(120);
    // An hour after the first round, its ten polls are out of the window again.
    expect(budget.take(50, new Date(start.getTime() + 60 * MINUTE))).toBe(10);
  });

  it('counts the polls made before a restart, and takes back polls never made', () => {
    const budget = new PollBudget(12);
    const now = new Date('2026-12-01T10:00:00Z');
    budget.seed(Array.from({ length: 11 }, (_, i) => new Date(now.getTime() - i * MINUTE)));
    expect(budget.take(5, now)).toBe(1);
    budget.giveBack(1, now);
    expect(budget.used(now)).toBe(11);
  });
});

describe('the poll budget binding', () => {
  let app: TestApp | undefined;
  const servers: FeedServer[] = [];
  afterEach(async () => {
    await app?.dispose();
    app = undefined;
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('polls the feeds most likely to have news first, and leaves the others due', async () => {
    // Two rounds' worth an hour at most: 24 an hour, two a round.
    app = await testApp({ POLL_BUDGET_PER_HOUR: '24' });
    const now = Date.now();
    const dated = (count: number, everyMs: number) =>
      rss(Array.from({ length: count }, (_, i) => ({ title: `T${i}`, link: `https://x.example/${everyMs}/${i}`, pubDate: new Date(now - i * everyMs).toUTCString() })));
    // Two busy feeds (an item every five minutes), two quiet ones (one a week).
    const bodies = [dated(20, 5 * MINUTE), dated(3, 7 * 86_400_000), dated(20, 4 * MINUTE), dated(2, 10 * 86_400_000)];
    for (const body of bodies) servers.push((await new FeedServer().listen()).route('/feed', { body }));
    for (const server of servers) await app.admin.add({ url: server.url('/feed') });
    // The first poll of each (an operator's `poll --all`, outside the budget) learns their rhythms.
    expect(await app.scheduler.tick({ all: true })).toMatchObject({ polled: 4, deferred: 0 });
    const rates = (await app.feeds.list()).map((f) => f.news_rate!);
    expect(Math.min(rates[0]!, rates[2]!)).toBeGreaterThan(Math.max(rates[1]!, rates[3]!) * 10);

    // All four due again, an hour later for each.
    app.db.prepare(`UPDATE feeds SET next_poll_at = ?, last_polled_at = ?`).run(new Date(now).toISOString(), new Date(now - 3_600_000).toISOString());
    const round = await app.scheduler.tick();
    expect(round).toMatchObject({ polled: 2, deferred: 2 });
    expect(servers.map((s) => s.hits('/feed'))).toEqual([2, 1, 2, 1]);
    const quiet = (await app.feeds.list()).filter((f) => f.id === 2 || f.id === 4);
    for (const feed of quiet) expect(Date.parse(feed.next_poll_at)).toBeLessThanOrEqual(Date.now());
  });
});
