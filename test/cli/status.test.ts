import { afterEach, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app.ts';
import { runCli } from '../helpers/cli.ts';
import { FeedServer } from '../helpers/feed-server.ts';
import { NewsFeed } from '../helpers/news-feed.ts';

let app: TestApp;
let server: FeedServer;

afterEach(async () => {
  await app.dispose();
  await server.close();
});

it('ainews status shows feeds with the longest failing and why, polls, the outbox, platforms, the database and the LLM budget', async () => {
  server = await new FeedServer().listen();
  app = await testApp();
  const news = new NewsFeed(server);
  await news.subscribe(app);
  await app.watches.add('console:team', 'gpt-5', 'u1');
  await news.publish(app, 'GPT-5 ships');
  server.route('/broken', { status: 500, body: 'down' });
  await app.admin.add({ url: server.url('/broken'), name: 'Broken' });
  await app.poller.poll((await app.feeds.find(server.url('/broken')))!);
  await app.close();

  const env = { AINEWS_DB: app.config.AINEWS_DB, AINEWS_SEED_DEFAULT_FEEDS: 'false', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' };
  const json = await runCli(['status', '--json'], env);
  expect(json.code).toBe(0);
  const status = JSON.parse(json.stdout);
  expect(status).toMatchObject({
    feeds: { ok: 1, failing: 1, disabled: 0, longest_failing: [{ name: 'Broken', status: 'failing', failures: 1, last_error: expect.stringContaining('500') }] },
    polls: { last_at: expect.any(String), next_at: expect.any(String) },
    outbox: { by_status: { pending: 1 }, oldest_waiting_at: expect.any(String), oldest_waiting_seconds: expect.any(Number) },
    platforms: ['console', 'slack'],
    database: { path: app.config.AINEWS_DB, items: 1 },
    llm: { configured: false, calls_today: 0 },
  });
  expect(status.database.bytes).toBeGreaterThan(0);

  const text = await runCli(['status'], env);
  expect(text.stdout).toMatch(/feeds {5}1 ok, 1 failing, 0 disabled/);
  expect(text.stdout).toMatch(/#2 Broken: failing since .*1 failures: .*500/);
  expect(text.stdout).toContain('outbox    1 pending');
  expect(text.stdout).toContain('platforms console, slack');
});
