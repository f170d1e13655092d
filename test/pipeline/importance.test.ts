import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ask } from '../helpers/ask.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { FeedServer } from '../helpers/feed-server.ts';
import { NewsFeed } from '../helpers/news-feed.ts';

const CHANNEL = 'console:team';

describe("a channel's minimum of outlets", () => {
  let app: TestApp;
  let server: FeedServer;
  let news: NewsFeed;
  let verge: NewsFeed;

  beforeEach(async () => {
    app = await testApp();
    server = await new FeedServer().listen();
    news = new NewsFeed(server);
    verge = new NewsFeed(server, 'The Verge', '/verge');
    await news.subscribe(app);
    await verge.subscribe(app);
  });
  afterEach(async () => {
    await app.dispose();
    await server.close();
  });

  const alerts = async () => (await app.outbox.list()).flatMap((r) => (r.kind === 'alert' ? [r] : []));

  it('holds every watch of the channel to settings min, unless a watch says otherwise', async () => {
    await ask(app, 'settings min 2');
    await ask(app, 'watch gpt-6');
    await ask(app, 'watch claude 5 min:1');
    await news.publish(app, ['OpenAI releases GPT-6 to every ChatGPT user', 'Anthropic releases Claude 5 to every user']);
    // Claude 5's own min:1 overrides the channel's 2; GPT-6 waits for a second outlet.
    expect((await alerts()).map((r) => r.watch_query)).toEqual(['claude 5 min:1']);
    const watches = await ask(app, 'watches');
    expect(watches.kind === 'list' && watches.rows.join('\n')).toMatch(/gpt-6 {2}· min 2 outlets \(the channel's\)[\s\S]*claude 5 min:1 {2}· min 1 outlets/);
    await verge.publish(app, 'OpenAI releases GPT-6 to all ChatGPT users');
    expect((await alerts()).map((r) => r.watch_query).sort()).toEqual(['claude 5 min:1', 'gpt-6']);
    // The alert is about the item that matched first, and names both outlets when it goes out.
    const gpt = (await alerts()).find((r) => r.watch_query === 'gpt-6')!;
    expect((await app.items.find(gpt.item_id))!.title).toBe('OpenAI releases GPT-6 to every ChatGPT user');
    expect((await app.stories.sources(gpt.story_id)).map((s) => s.name)).toEqual(['Example News', 'The Verge']);
  });

  it('watch * min:2 alerts on every story two outlets tell, and on none that only one does', async () => {
    await ask(app, 'watch * min:2');
    await news.publish(app, ['OpenAI releases GPT-6 to every ChatGPT user', 'A small lab ships a small model']);
    expect(await alerts()).toEqual([]);
    await verge.publish(app, 'OpenAI releases GPT-6 to all ChatGPT users');
    expect(await Promise.all((await alerts()).map(async (r) => (await app.items.find(r.item_id))!.title))).toEqual(['OpenAI releases GPT-6 to every ChatGPT user']);
    const listed = (await ask(app, 'watches')) as { data: { min_sources: number | null; regex: boolean; mention: unknown }[] };
    expect(listed.data[0]).toMatchObject({ min_sources: 2, regex: false, mention: null });
  });

  it('refuses a minimum that is not a number of outlets', async () => {
    for (const text of ['watch gpt-6 min:0', 'watch gpt-6 min:lots', 'watch gpt-6 min:21', 'settings min 0', 'settings min many']) {
      const answer = await ask(app, text);
      expect(answer.kind, text).toBe('error');
    }
    expect(await app.watches.list()).toEqual([]);
    expect((await app.rhythm.settings(CHANNEL)).minSources).toBeNull();
  });
});
