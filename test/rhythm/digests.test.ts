import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { ChannelSettingsStore } from '../../src/db/channel-settings.ts';
import { OutboxFolds } from '../../src/db/outbox-folds.ts';
import { SqliteSql } from '../../src/db/sql.ts';
import { createLogger } from '../../src/log.ts';
import { Gatherer } from '../../src/rhythm/gatherer.ts';
import { ConsoleSender } from '../../src/platforms/console/console-sender.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { FeedServer } from '../helpers/feed-server.ts';
import { NewsFeed } from '../helpers/news-feed.ts';

const CHANNEL = 'console:team';
const DAY = 86_400_000;

describe('digests on their schedule', () => {
  let app: TestApp;
  let server: FeedServer;
  let reopened: App | undefined;

  afterEach(async () => {
    await reopened?.close();
    reopened = undefined;
    await app.dispose();
    await server.close();
  });

  async function channelWithDigest(only: boolean) {
    server = await new FeedServer().listen();
    app = await testApp();
    const news = new NewsFeed(server);
    await news.subscribe(app);
    await app.watches.add(CHANNEL, 'gpt-5', 'u1');
    await app.rhythm.setDigest(CHANNEL, { every: 'daily', day: null, time: '09:00', only });
    return news;
  }

  async function deliver(on: App): Promise<string[]> {
    const printed: string[] = [];
    await on.deliveryWorker([new ConsoleSender((text) => printed.push(text))]).drain();
    return printed;
  }

  it('sends a digest missed while the bot was down once when it is back, not once per missed slot', async () => {
    const news = await channelWithDigest(true);
    await news.publish(app, ['GPT-5 arrives', 'GPT-5 gets cheaper']);
    expect(await deliver(app)).toEqual([]);
    expect((await app.outbox.list()).map((r) => r.status)).toEqual(['held', 'held']);

    // The bot is down for three days across three 09:00 slots, then starts again on the same database.
    app.db.prepare('UPDATE channels SET next_digest_at = ?').run(new Date(Date.now() - 3 * DAY).toISOString());
    await app.close();
    reopened = await createApp(app.config, createLogger('silent'));
    const printed = await deliver(reopened);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toContain('Daily digest: 2 stories');
    expect(printed[0]).toContain('GPT-5 arrives');
    expect(printed[0]).toContain('GPT-5 gets cheaper');
    const next = Date.parse((await reopened.rhythm.settings(CHANNEL)).nextDigestAt!);
    expect(next).toBeGreaterThan(Date.now());
    expect(next - Date.now()).toBeLessThanOrEqual(DAY);
    // Nothing more for the missed slots.
    expect(await deliver(reopened)).toEqual([]);
    expect((await reopened.outbox.list()).filter((r) => r.kind === 'digest')).toHaveLength(1);
    expect((await reopened.outbox.list()).filter((r) => r.kind === 'alert').map((r) => r.status)).toEqual(['sent', 'sent']);
  });

  it('queues a due digest once when two workers on the database gather it at the same time', async () => {
    const news = await channelWithDigest(true);
    await news.publish(app, ['GPT-5 arrives']);
    const now = new Date();
    app.db.prepare('UPDATE channels SET next_digest_at = ?').run(new Date(now.getTime() - 1000).toISOString());
    // The other worker read the due digests just before this one queued it.
    const settings = new ChannelSettingsStore(SqliteSql.open(app.db), 'UTC');
    const readBefore = await settings.dueDigests(now);
    expect(readBefore).toHaveLength(1);
    expect(await app.gatherer.gather(now)).toMatchObject({ digests: 1 });
    // A story arrives in between: a second digest would be sent at once, for it alone.
    await news.publish(app, ['GPT-5 gets cheaper']);
    const other = new Gatherer({
      folds: new OutboxFolds(SqliteSql.open(app.db)),
      settings: { get: (channel) => settings.get(channel), lock: (channel) => settings.lock(channel), dueDigests: async () => readBefore, scheduleDigest: (...args) => settings.scheduleDigest(...args) },
      transaction: (work) => app.sql.withTransaction(() => work()),
      log: createLogger('silent'),
    });
    expect(await other.gather(new Date())).toMatchObject({ digests: 0 });
    expect((await app.outbox.list()).filter((row) => row.kind === 'digest')).toHaveLength(1);
  });

  it('sends nothing for an empty period, and moves the schedule on', async () => {
    await channelWithDigest(false);
    const due = new Date(Date.now() - 1000);
    app.db.prepare('UPDATE channels SET next_digest_at = ?').run(due.toISOString());
    expect(await app.gatherer.gather()).toEqual({ digests: 0, folds: 0 });
    expect(await app.outbox.list()).toEqual([]);
    expect(Date.parse((await app.rhythm.settings(CHANNEL)).nextDigestAt!)).toBeGreaterThan(Date.now());
    expect((await app.rhythm.settings(CHANNEL)).lastDigestAt).not.toBeNull();
  });

  it('without "only", lets live alerts go on and tells the same stories again in the digest, marked as alerted', async () => {
    const news = await channelWithDigest(false);
    await news.publish(app, 'GPT-5 arrives');
    const live = await deliver(app);
    expect(live).toHaveLength(1);
    const { id, stories } = await app.rhythm.sendDigest(CHANNEL);
    expect(id).not.toBeNull();
    expect(stories).toBe(1);
    const [digest] = await deliver(app);
    expect(digest).toContain('GPT-5 arrives');
    expect(digest).toContain('already alerted here');
    // The next digest covers what came after this one only.
    expect(await app.rhythm.sendDigest(CHANNEL)).toEqual({ id: null, stories: 0 });
  });

  it('turning a digest that replaced live alerts off releases what it held, gathered in one message', async () => {
    const news = await channelWithDigest(true);
    await news.publish(app, ['GPT-5 arrives', 'GPT-5 gets cheaper']);
    await app.rhythm.setDigest(CHANNEL, null);
    const printed = await deliver(app);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toContain('2 stories held for the digest, which was turned off');
  });
});
