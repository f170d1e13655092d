import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Answer } from '../../commands/index.ts';
import { MAX_WATCHES_PER_CHANNEL } from '../../src/db/watches.ts';
import { FeedServer, rss } from '../helpers/feed-server.ts';
import { ask, type AskOptions } from '../helpers/ask.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { storeItems } from '../helpers/items.ts';

let app: TestApp;
let bugs: unknown[];
const run = (text: string, options: AskOptions = {}) => ask(app, text, { onBug: (e) => bugs.push(e), ...options });
const text = (answer: Answer) => JSON.stringify(answer);

beforeEach(async () => {
  app = await testApp();
  bugs = [];
});
afterEach(() => app.dispose());

describe('commands', () => {
  it('answers help, and an empty command, with the usage of every command', async () => {
    for (const answer of [await run('help'), await run('   ')]) {
      expect(answer.kind).toBe('notice');
      for (const name of ['watch', 'unwatch', 'watches', 'latest', 'feeds', 'why', 'help']) expect(text(answer)).toContain(`/ainews ${name}`);
    }
  });

  it('searches for anything that is not a command, and answers bad queries with usage, not a stack trace', async () => {
    await storeItems(app, [{ title: 'OpenAI 发布 GPT-5', body: '推理能力大幅提升' }]);
    const found = await run('gpt-5');
    expect(found).toMatchObject({ kind: 'results', more: null });
    expect(found.kind === 'results' && found.results[0]!.title.some((p) => p.match && p.text === 'GPT-5')).toBe(true);
    expect(await run('-spam')).toMatchObject({ kind: 'error', message: expect.stringContaining('at least one word'), usage: '/ainews <query>' });
    expect(await run('x'.repeat(300))).toMatchObject({ kind: 'error', message: expect.stringContaining('at most 200 characters') });
    expect(await run('NEAR( "unbalanced * OR')).toMatchObject({ kind: 'results' });
    expect(bugs).toEqual([]);
  });

  it('pages search results with a more command', async () => {
    await storeItems(app, Array.from({ length: 7 }, (_, i) => ({ title: `GPT-5 story ${i}` })));
    const first = await run('gpt-5');
    expect(first.kind === 'results' && first.results).toHaveLength(5);
    expect(first).toMatchObject({ more: 'gpt-5 page:2' });
    const second = await run('gpt-5 page:2');
    expect(second.kind === 'results' && second.results).toHaveLength(2);
    expect(second).toMatchObject({ more: null });
  });

  it('adds, lists and removes watches per channel, by keyword in any spelling or by id', async () => {
    expect(await run('watch GPT-5')).toMatchObject({ kind: 'notice', lines: [expect.stringContaining('Watching "GPT-5" here (#1)'), expect.any(String)] });
    expect(await run('watch gpt 5')).toMatchObject({ kind: 'notice', lines: [expect.stringContaining('already watches that, as #1')] });
    await run('watch "open source" -rumour');
    await run('watch 大模型', { channel: 'console:other' });
    const list = await run('watches');
    expect(list).toMatchObject({ kind: 'list', heading: `Watches of console:team (2 of ${MAX_WATCHES_PER_CHANNEL})` });
    expect(list.kind === 'list' && list.rows.join('\n')).toMatch(/#1 {2}GPT-5[\s\S]*#2 {2}"open source" -rumour/);
    expect(await run('unwatch gpt5')).toMatchObject({ kind: 'notice', lines: ['Stopped watching "GPT-5" (#1).'] });
    expect(await run('unwatch #2')).toMatchObject({ kind: 'notice' });
    expect(await run('unwatch 3')).toMatchObject({ kind: 'error', message: expect.stringContaining('no watch "3"') });
    expect(await run('watches', { channel: 'console:other' })).toMatchObject({ kind: 'list', rows: [expect.stringContaining('大模型')] });
  });

  it('refuses unusable watches and more than the limit per channel, with a clear message', async () => {
    expect(await run('watch')).toMatchObject({ kind: 'error', message: expect.stringContaining('what should this channel watch'), usage: expect.stringContaining('/ainews watch') });
    expect(await run('watch !!!')).toMatchObject({ kind: 'error', message: expect.stringContaining('no letters') });
    for (let i = 0; i < MAX_WATCHES_PER_CHANNEL; i++) await app.watches.add('console:team', `keyword${i}`, 'U1');
    expect(await run('watch one-too-many')).toMatchObject({ kind: 'error', message: expect.stringContaining(`already has ${MAX_WATCHES_PER_CHANNEL} watches`) });
    expect(await run('watch fine', { channel: 'console:other' })).toMatchObject({ kind: 'notice' });
  });

  it('shows the latest items, and checks its argument', async () => {
    await storeItems(app, [{ title: 'One' }, { title: 'Two' }]);
    expect(await run('latest 1')).toMatchObject({ kind: 'results', results: [expect.objectContaining({ source: 'Test Feed' })] });
    expect(await run('latest 50')).toMatchObject({ kind: 'error', message: expect.stringContaining('from 1 to 20') });
  });

  it('lists feeds for anyone, and lets only admins add or remove them', async () => {
    // A host that never resolves: the URL is fetched to see what it is, and added all the same, with why not.
    expect(await run('feeds add https://feeds.example.invalid/feed.xml')).toMatchObject({ kind: 'error', message: expect.stringMatching(/^only admins can add feeds: .*AINEWS_ADMINS/) });
    expect(await run('feeds add https://feeds.example.invalid/feed.xml', { admin: true })).toMatchObject({
      kind: 'notice',
      lines: [expect.stringContaining('Added feed #1'), expect.stringContaining('Note: it could not be fetched just now: its host feeds.example.invalid cannot be found (DNS failure)')],
    });
    expect(await run('feeds add ftp://example.com/feed', { admin: true })).toMatchObject({ kind: 'error', message: expect.stringContaining('only http and https') });
    expect(await run('feeds')).toMatchObject({ kind: 'list', rows: [expect.stringContaining('#1  https://feeds.example.invalid/feed.xml')] });
    expect(await run('feeds remove 1')).toMatchObject({ kind: 'error', message: expect.stringMatching(/^only admins can remove feeds/) });
    expect(await run('feeds remove 1', { admin: true })).toMatchObject({ kind: 'notice' });
    expect(await run('feeds frobnicate', { admin: true })).toMatchObject({ kind: 'error', usage: expect.stringContaining('feeds add <url>') });
  });
});

describe('why', () => {
  let server: FeedServer;
  beforeEach(async () => {
    server = await new FeedServer().listen();
  });
  afterEach(() => server.close());

  async function pollTwice(backlog: string[], fresh: string[]) {
    const entry = (title: string, i: number) => ({ title, link: `https://news.example.com/${encodeURIComponent(title)}`, guid: `${title}-${i}` });
    server.route('/feed', { body: rss(backlog.map(entry), 'Example News') });
    const { feed } = await app.admin.add({ url: server.url('/feed'), name: 'Example News' });
    await app.poller.poll((await app.feeds.find(feed.id))!);
    server.route('/feed', { body: rss([...fresh, ...backlog].map(entry), 'Example News') });
    await app.poller.poll((await app.feeds.find(feed.id))!);
  }
  const idOf = async (title: string) => String((await app.items.recent(50)).find((i) => i.title === title)!.id);
  const why = async (key: string) => text(await run(`why ${key}`));

  it('explains each reason an item was or was not posted', async () => {
    await app.watches.add('console:team', 'gpt-5 -mini', 'U1');
    await app.watches.add('console:team', 'claude source:ithome', 'U1');
    await pollTwice(['GPT-5 backlog story'], ['GPT-5 launches', 'GPT-5 mini launches', 'Claude news', 'Something else']);
    await app.deliveryWorker([{ platform: 'console', send: async () => 'm1' }]).drain();

    expect(await why(await idOf('GPT-5 launches'))).toMatch(/Posted to console:team at .*matched the watch \\"gpt-5 -mini\\"/);
    expect(await why('https://news.example.com/GPT-5%20launches?utm_source=x')).toContain('Posted to console:team');
    expect(await why(await idOf('GPT-5 backlog story'))).toContain('it is backlog (searchable, never posted)');
    expect(await why(await idOf('GPT-5 mini launches'))).toContain('excluded by -mini');
    expect(await why(await idOf('Claude news'))).toContain('limited to source \\"ithome\\"');
    expect(await why(await idOf('Something else'))).toMatch(/none of the 2 watches.*no \\"gpt 5\\"/);
    expect(await why('https://news.example.com/never-seen')).toContain('ainews has no such item');
    expect(text(await run(`why ${await idOf('Something else')}`, { channel: 'console:nobody' }))).toContain('console:nobody watches nothing');
    app.db.prepare("UPDATE channels SET active = 0, inactive_reason = 'is_archived' WHERE id = 'console:team'").run();
    expect(await why(await idOf('Something else'))).toContain('console:team is inactive (is_archived)');
  });

  it('says when the watch came after the item, and when delivery failed', async () => {
    await app.watches.add('console:team', 'claude', 'U1');
    await pollTwice([], ['GPT-5 launches', 'Claude 5 launches']);
    app.db.prepare("UPDATE watches SET created_at = '2000-01-01T00:00:00.000Z'").run();
    await app.watches.add('console:late', 'gpt-5', 'U1');
    expect(text(await run(`why ${await idOf('GPT-5 launches')}`, { channel: 'console:late' }))).toContain('was added');
    await app.deliveryWorker([{ platform: 'console', send: async () => Promise.reject(new (await import('../../src/delivery/port.ts')).PlatformError('channel_not_found', { kind: 'refused' })) }]).drain();
    expect(await why(await idOf('Claude 5 launches'))).toContain('delivery failed after 1 attempts: channel_not_found');
  });
});
