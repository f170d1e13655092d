import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedServer, rss } from '../helpers/feed-server.ts';
import { fixture } from '../helpers/app.ts';
import { runCli, startCli } from '../helpers/cli.ts';

let dir: string;
let env: Record<string, string>;
const server = new FeedServer();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ainews-cli-'));
  env = { AINEWS_DB: join(dir, 'data', 'ainews.db'), AINEWS_SEED_DEFAULT_FEEDS: 'false', AINEWS_ALLOW_PRIVATE_NETWORK: 'true' };
  await server.listen();
  server.route('/en.xml', { body: rss([{ title: 'GPT-5 ships', link: 'https://news.example.com/gpt-5?utm_source=x', guid: 'g1' }], 'English News') });
  server.route('/zh.xml', { body: fixture('ithome-style.xml') });
  server.route('/broken.xml', { body: '<rss><channel>' });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ainews CLI', () => {
  it('prints help listing the commands', async () => {
    const { code, stdout } = await runCli(['--help'], env, { cwd: dir });
    expect(code).toBe(0);
    for (const command of ['feeds', 'poll', 'items', 'migrate', 'run', 'demo']) expect(stdout).toContain(command);
  });

  it('adds feeds, refuses duplicates, bad URLs and short intervals, and lists them as JSON', async () => {
    expect((await runCli(['feeds', 'add', server.url('/en.xml'), '--name', 'English News'], env)).stdout).toMatch(/added feed #1/);
    const zh = await runCli(['feeds', 'add', server.url('/zh.xml'), '--every', '30m'], env);
    expect(zh.stdout).toMatch(/added feed #2 .* \(every 30m\)/);
    await runCli(['feeds', 'add', server.url('/broken.xml')], env);

    const duplicate = await runCli(['feeds', 'add', server.url('/en.xml')], env);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('already subscribed: feed #1 (English News)');
    const ftp = await runCli(['feeds', 'add', 'ftp://example.com/feed'], env);
    expect(ftp.stderr).toContain('only http and https feeds are supported');
    const fast = await runCli(['feeds', 'add', 'https://example.com/feed', '--every', '10s'], env);
    expect(fast.stderr).toContain('the shortest interval is 1m');

    const list = JSON.parse((await runCli(['feeds', 'list', '--json'], env)).stdout) as Record<string, unknown>[];
    expect(list).toHaveLength(3);
    expect(list[1]).toMatchObject({ id: 2, url: server.url('/zh.xml'), name: null, status: 'ok', last_error: null, last_success_at: null, interval_seconds: 1800, interval_mode: 'fixed' });
    expect(list[0]).toMatchObject({ interval_mode: 'adaptive', interval_reason: null });
    expect(typeof list[0]!.next_poll_at).toBe('string');
  });

  it('polls once with one summary line, and exits 0 even when a feed fails', async () => {
    const { code, stdout } = await runCli(['poll', '--once'], env);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe('polled 3 feeds: 0 new items, 0 alerts queued, 4 backlog, 0 not modified, 1 failed; 0 alerts delivered to console');
    const again = await runCli(['poll', '--once'], env);
    expect(again.stdout.trim()).toBe('polled 0 feeds: 0 new items, 0 alerts queued, 0 backlog, 0 not modified, 0 failed; 0 alerts delivered to console');
    const all = await runCli(['poll', '--once', '--all', '--json'], env);
    expect(JSON.parse(all.stdout)).toMatchObject({ polled: 3, fresh: 0, failed: 1 });
  });

  it('shows the failing feed with its error in feeds list', async () => {
    const list = JSON.parse((await runCli(['feeds', 'list', '--json'], env)).stdout) as Record<string, unknown>[];
    expect(list[2]).toMatchObject({ status: 'failing', last_error: expect.stringMatching(/not a readable RSS/) });
    expect(list[0]).toMatchObject({ status: 'ok', name: 'English News', last_success_at: expect.any(String) });
    const human = await runCli(['feeds', 'list'], env);
    expect(human.stdout).toMatch(/last error: not a readable RSS/);
    // Each feed's interval, explained.
    expect(list[0]!.interval_reason).toMatch(/^adaptive: .* expected at \w{3} \d\d:00 UTC; still learning its rhythm/);
    expect(list[1]!.interval_reason).toBe('fixed at 30m (--every)');
    expect(human.stdout).toMatch(/why: adaptive: /);
    expect(human.stdout).toMatch(/30m fixed/);
  });

  it('fixes a feed’s interval, or makes it adaptive again', async () => {
    expect((await runCli(['feeds', 'every', '1', '45m'], env)).stdout).toMatch(/feed #1 .* is polled every 45m/);
    let list = JSON.parse((await runCli(['feeds', 'list', '--json'], env)).stdout) as Record<string, unknown>[];
    expect(list[0]).toMatchObject({ interval_mode: 'fixed', interval_seconds: 2700 });
    expect((await runCli(['feeds', 'every', '1', 'adaptive'], env)).stdout).toMatch(/learned from its rhythm/);
    list = JSON.parse((await runCli(['feeds', 'list', '--json'], env)).stdout) as Record<string, unknown>[];
    expect(list[0]).toMatchObject({ interval_mode: 'adaptive' });
    const bad = await runCli(['feeds', 'every', '1', 'often'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('"often" is not an interval; write it like 30m, 2h or 1d (or "adaptive")');
  });

  it('lists items as JSON with the contract fields', async () => {
    const items = JSON.parse((await runCli(['items', '--limit', '10', '--json'], env)).stdout) as Record<string, unknown>[];
    expect(items).toHaveLength(4);
    const gpt = items.find((i) => i.title === 'GPT-5 ships')!;
    expect(gpt).toMatchObject({ url: 'https://news.example.com/gpt-5', source: 'English News', lang: 'en', published_at: '2025-08-02T08:00:00.000Z' });
    expect(items.find((i) => String(i.url).includes('ithome'))).toMatchObject({ lang: 'zh', source: 'IT之家' });
    const bad = await runCli(['items', '--limit', '0'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--limit must be a whole number');
  });

  it('exports OPML that imports into a fresh database', async () => {
    const exported = await runCli(['feeds', 'export'], env);
    expect(exported.stdout).toContain('<opml version="2.0">');
    const file = join(dir, 'feeds.opml');
    writeFileSync(file, exported.stdout);
    const other = { ...env, AINEWS_DB: join(dir, 'other.db') };
    expect((await runCli(['feeds', 'import', file], other)).stdout).toContain('imported 3 of 3 feeds');
    expect((await runCli(['feeds', 'import', file], other)).stdout).toContain('imported 0 of 3 feeds (3 already there, 0 refused)');
  });

  it('removes a feed by id or URL and says when there is none', async () => {
    expect((await runCli(['feeds', 'remove', '3'], env)).stdout).toContain('removed feed #3');
    expect((await runCli(['feeds', 'remove', server.url('/zh.xml')], env)).stdout).toContain('removed feed #2');
    const missing = await runCli(['feeds', 'remove', '42'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no feed #42');
  });

  it('seeds a brand-new database with the default feeds unless told not to', async () => {
    const seeded = { ...env, AINEWS_DB: join(dir, 'seeded.db'), AINEWS_SEED_DEFAULT_FEEDS: 'true' };
    const list = JSON.parse((await runCli(['feeds', 'list', '--json'], seeded)).stdout) as { url: string }[];
    expect(list.length).toBeGreaterThanOrEqual(18);
    expect(list.map((f) => f.url)).toEqual(expect.arrayContaining(['https://www.ithome.com/rss/', 'https://rss.arxiv.org/rss/cs.AI+cs.CL']));
    expect((await runCli(['feeds', 'add', '--defaults'], seeded)).stdout).toMatch(/added 0 default feeds \(\d+ were already there\)/);
  });

  it('refuses private and loopback feeds when AINEWS_ALLOW_PRIVATE_NETWORK is off (the default)', async () => {
    const guarded = { AINEWS_DB: join(dir, 'guarded.db'), AINEWS_SEED_DEFAULT_FEEDS: 'false' };
    for (const url of [server.url('/en.xml'), 'http://169.254.169.254/latest', 'http://[::ffff:127.0.0.1]/feed', 'http://localhost/feed']) {
      const result = await runCli(['feeds', 'add', url], guarded);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/refused\. Set AINEWS_ALLOW_PRIVATE_NETWORK=true/);
    }
    expect(JSON.parse((await runCli(['feeds', 'list', '--json'], guarded)).stdout)).toEqual([]);
  });

  it('reports bad configuration naming the variable', async () => {
    const { code, stderr } = await runCli(['feeds', 'list'], { ...env, FETCH_TIMEOUT: 'soon' });
    expect(code).toBe(1);
    expect(stderr).toContain('FETCH_TIMEOUT: expected a duration');
  });

  it('migrates explicitly, seeding a brand-new database, and says when there is nothing to do', async () => {
    const fresh = { ...env, AINEWS_DB: join(dir, 'migrate.db'), AINEWS_SEED_DEFAULT_FEEDS: 'true' };
    expect((await runCli(['migrate'], fresh)).stdout).toContain('applied 1 init, 2 search_watches_outbox');
    expect((await runCli(['migrate'], fresh)).stdout).toContain('database is up to date');
    expect(JSON.parse((await runCli(['feeds', 'list', '--json'], fresh)).stdout).length).toBeGreaterThanOrEqual(18);
  });

  it('runs the bot, prints new items as they arrive, and stops cleanly on SIGTERM', async () => {
    const runEnv = { ...env, AINEWS_DB: join(dir, 'run.db'), LOG_LEVEL: 'info', POLL_CRON: '* * * * * *' };
    server.route('/live.xml', { body: rss([{ title: 'Old news', link: 'https://live.example.com/1' }], 'Live') });
    await runCli(['feeds', 'add', server.url('/live.xml'), '--name', 'Live'], runEnv);
    const bot = startCli(['run'], runEnv);
    await bot.waitFor('first poll: stored 1 existing items as backlog');

    // A new item appears, and the feed falls due (as if its interval had passed): the next tick prints it.
    server.route('/live.xml', { body: rss([{ title: 'Fresh news', link: 'https://live.example.com/2' }, { title: 'Old news', link: 'https://live.example.com/1' }], 'Live') });
    const db = new Sqlite(runEnv.AINEWS_DB);
    db.prepare('UPDATE feeds SET next_poll_at = ?').run(new Date(0).toISOString());
    db.close();
    await bot.waitFor('[Live] Fresh news');
    expect(bot.output().stdout).not.toContain('[Live] Old news');

    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    expect(bot.output().stderr).toContain('database closed');
  });

  it('runs the offline demo end to end', async () => {
    const { code, stdout } = await runCli(['demo', '--step', '20', '--db', join(dir, 'demo.db')], env, { timeoutMs: 30_000 });
    expect(code).toBe(0);
    expect(stdout).toContain('first poll: stored 3 existing items as backlog');
    expect(stdout).toContain('GPT-5 support arrives in our inference server');
    expect(stdout).toContain('多家手机厂商宣布端侧大模型适配计划');
    expect(stdout).toMatch(/demo done: 12 items stored/);
    expect(stdout).toContain('┌ console:demo · watch "大模型"\n│ 多家手机厂商宣布端侧大模型适配计划');
    expect(stdout).toContain('== searching what was collected: /ainews gpt-5\nResults for gpt-5');
    const real = { ...env, AINEWS_DB: join(dir, 'not-a-demo.db') };
    await runCli(['feeds', 'add', server.url('/en.xml')], real);
    const refused = await runCli(['demo', '--db', real.AINEWS_DB], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is not a demo database');
    expect(JSON.parse((await runCli(['feeds', 'list', '--json'], real)).stdout)).toHaveLength(1);
  });
});
