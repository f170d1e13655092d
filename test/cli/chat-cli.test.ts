import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app.ts';
import { FeedServer, rss } from '../helpers/feed-server.ts';
import { runCli } from '../helpers/cli.ts';

let dir: string;
let env: Record<string, string>;
const server = new FeedServer();
const old = { title: 'GPT-5 rumours (old)', link: 'https://news.example.com/old', guid: 'old' };
const fresh = { title: 'OpenAI ships GPT-5', link: 'https://news.example.com/gpt-5?utm_source=rss', guid: 'new', description: '<p>The model is out today.</p>', pubDate: new Date().toUTCString() };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ainews-chat-cli-'));
  env = { AINEWS_DB: join(dir, 'ainews.db'), AINEWS_SEED_DEFAULT_FEEDS: 'false', AINEWS_ALLOW_PRIVATE_NETWORK: 'true' };
  await server.listen();
  server.route('/feed.xml', { body: rss([old], 'Example News') });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('search, watches and deliveries from the CLI', () => {
  it('adds watches in a named channel and refuses a malformed channel', async () => {
    expect((await runCli(['watch', 'add', 'console:team', 'GPT-5', '-mini'], env)).stdout).toContain('Watching "GPT-5 -mini" here (#1)');
    expect((await runCli(['watch', 'add', 'console:zh', '大模型'], env)).stdout).toContain('(#2)');
    const bad = await runCli(['watch', 'add', 'team', 'gpt-5'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('"team" is not a channel');
    const option = await runCli(['watch', 'add', 'console:team', '--json', 'x'], env);
    expect(option.stderr).toContain('unknown option --json');
    const empty = await runCli(['watch', 'add', 'console:team', '!!!'], env);
    expect(empty.stderr).toMatch(/no letters, digits or CJK characters[\s\S]*usage: ainews watch add <channel> <keyword\.\.\.>/);
    expect((await runCli(['watch', 'add', 'console:hw', '5090'], env)).stdout).toContain('Watching "5090"');
    expect((await runCli(['watch', 'remove', 'console:hw', '5090'], env)).stdout).toContain('Stopped watching "5090"');
    const list = JSON.parse((await runCli(['watch', 'list', '--json'], env)).stdout) as Record<string, unknown>[];
    expect(list).toEqual([
      expect.objectContaining({ id: 1, channel: 'console:team', query: 'GPT-5 -mini', created_by: 'cli' }),
      expect.objectContaining({ id: 2, channel: 'console:zh', query: '大模型' }),
    ]);
  });

  it('delivers a new matching item to the console channel on poll --once, once', async () => {
    await runCli(['feeds', 'add', server.url('/feed.xml'), '--name', 'Example News'], env);
    const first = await runCli(['poll', '--once'], env);
    expect(first.stdout).toContain('1 backlog');
    server.route('/feed.xml', { body: rss([fresh, old], 'Example News') });
    const second = await runCli(['poll', '--once', '--all'], env);
    expect(second.stdout).toContain('┌ console:team · watch "GPT-5 -mini"\n│ OpenAI ships GPT-5');
    expect(second.stdout).toContain('└ https://news.example.com/gpt-5\n');
    expect(second.stdout).toContain('1 alerts queued');
    expect(second.stdout).toContain('1 alerts delivered to console');
    const third = await runCli(['poll', '--once', '--all'], env);
    expect(third.stdout).not.toContain('┌');
  });

  it('lists deliveries as JSON with the contract fields', async () => {
    const rows = JSON.parse((await runCli(['deliveries', '--json'], env)).stdout) as Record<string, unknown>[];
    expect(rows).toEqual([
      expect.objectContaining({ channel: 'console:team', title: 'OpenAI ships GPT-5', kind: 'alert', status: 'sent', attempts: 1, last_error: null, item_id: expect.any(Number), translated: null }),
    ]);
    expect(rows[0]!.story_id).toBe(rows[0]!.item_id);
    expect(JSON.parse((await runCli(['deliveries', '--json', '--channel', 'console:zh'], env)).stdout)).toEqual([]);
  });

  it('searches with --json, the contract fields and a score', async () => {
    const hits = JSON.parse((await runCli(['search', 'gpt5', '--json'], env)).stdout) as Record<string, unknown>[];
    expect(hits.map((h) => h.title)).toEqual(['OpenAI ships GPT-5', 'GPT-5 rumours (old)']);
    expect(hits[0]).toMatchObject({ id: expect.any(Number), url: 'https://news.example.com/gpt-5', source: 'Example News', lang: 'en', published_at: expect.any(String), score: expect.any(Number) });
    expect(hits[0]).toMatchObject({ story_id: hits[0]!.id, story_items: 1, story_sources: ['Example News'] });
    const stories = JSON.parse((await runCli(['stories', '--json'], env)).stdout) as Record<string, unknown>[];
    expect(stories).toContainEqual(expect.objectContaining({ id: hits[0]!.id, title: 'OpenAI ships GPT-5', items: 1, sources: ['Example News'] }));
    const one = JSON.parse((await runCli(['stories', String(hits[0]!.id), '--json'], env)).stdout) as Record<string, unknown>;
    expect(one).toMatchObject({ id: hits[0]!.id, reports: [expect.objectContaining({ id: hits[0]!.id, sources: ['Example News'], story_via: null })] });
    const human = await runCli(['search', 'GPT-5', 'since:7d'], env);
    expect(human.stdout).toContain('OpenAI ships «GPT-5»');
    const bad = await runCli(['search', 'lang:xx'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('lang: takes zh, en or other');
    expect(bad.stderr).toContain('usage: ainews search <query...>');
    const paged = await runCli(['search', 'gpt-5', '--limit', '1'], env);
    expect(paged.stdout).toContain('more: ainews search gpt-5 page:2 --limit 1');
  });

  it('shows stored summaries in items --json, and summarizes an item again on request', async () => {
    const items = JSON.parse((await runCli(['items', '--json'], env)).stdout) as Record<string, unknown>[];
    expect(items.find((i) => i.title === 'OpenAI ships GPT-5')).toMatchObject({ summary: 'The model is out today.', summarizer: 'builtin' });
    const again = await runCli(['summarize', 'https://news.example.com/gpt-5', '--json'], env);
    expect(JSON.parse(again.stdout)).toMatchObject({ title: 'OpenAI ships GPT-5', summary: 'The model is out today.', summarizer: 'builtin' });
    expect((await runCli(['summarize', '999'], env)).stderr).toContain('no item 999');
  });

  it('lists channels, and puts an inactive one back', async () => {
    const app = await testApp({ AINEWS_DB: env.AINEWS_DB! });
    await app.watches.deactivate('console:zh', 'invalid_auth: SLACK_BOT_TOKEN is not valid');
    await app.dispose();
    const listed = JSON.parse((await runCli(['channels', 'list', '--json'], env)).stdout) as Record<string, unknown>[];
    expect(listed).toContainEqual({ id: 'console:zh', platform: 'console', active: false, inactive_reason: 'invalid_auth: SLACK_BOT_TOKEN is not valid', watches: 1, created_at: expect.any(String) });
    expect((await runCli(['channels', 'list'], env)).stdout).toMatch(/console:zh\s+1\s+inactive: invalid_auth/);
    expect((await runCli(['channels', 'enable', 'console:zh'], env)).stdout).toContain('console:zh is active again (it was inactive: invalid_auth');
    expect((await runCli(['channels', 'enable', 'console:nowhere'], env)).stderr).toContain('no channel console:nowhere');
    const after = JSON.parse((await runCli(['channels', 'list', '--json'], env)).stdout) as Record<string, unknown>[];
    expect(after.find((c) => c.id === 'console:zh')).toMatchObject({ active: true, inactive_reason: null });
  });

  it('explains why a channel did or did not get an item, and removes a watch', async () => {
    expect((await runCli(['why', 'https://news.example.com/gpt-5', 'console:team'], env)).stdout).toContain('Posted to console:team');
    expect((await runCli(['why', 'https://news.example.com/old', 'console:team'], env)).stdout).toContain('backlog');
    expect((await runCli(['watch', 'remove', 'console:team', 'gpt', '5', '-mini'], env)).stdout).toContain('Stopped watching "GPT-5 -mini" (#1)');
  });
});
