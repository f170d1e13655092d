import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.ts';
import { FeedServer, rss } from '../helpers/feed-server.ts';
import { Scrape } from '../helpers/scrape.ts';
import { freePort } from '../helpers/wait.ts';

let dir: string;
let env: Record<string, string>;
const feeds = new FeedServer();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ainews-run-metrics-'));
  env = { AINEWS_DB: join(dir, 'ainews.db'), AINEWS_SEED_DEFAULT_FEEDS: 'false', AINEWS_ALLOW_PRIVATE_NETWORK: 'true', LOG_LEVEL: 'info' };
  await feeds.listen();
  feeds.route('/feed.xml', { body: rss([{ title: 'Old news', link: 'https://news.example.com/1' }], 'News') });
});

afterAll(async () => {
  await feeds.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ainews run with METRICS_PORT', () => {
  it('serves /healthz, /livez and /metrics while it runs, and stops them with the rest on SIGTERM', async () => {
    await runCli(['feeds', 'add', feeds.url('/feed.xml'), '--name', 'News'], env);
    const port = await freePort();
    const bot = startCli(['run'], { ...env, METRICS_PORT: String(port), POLL_CRON: '* * * * * *' });
    await bot.waitFor('first poll: stored 1 existing items as backlog');
    const base = `http://127.0.0.1:${port}`;

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', checks: { database: { ok: true }, scheduler: { ok: true, stalled_after_seconds: 2 } } });
    expect((await fetch(`${base}/livez`)).status).toBe(200);
    const scrape = await Scrape.of(base);
    expect(scrape.value('ainews_feed_polls_total', { outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(scrape.value('ainews_items_stored_total')).toBe(1);
    expect(scrape.value('ainews_feeds', { status: 'ok' })).toBe(1);

    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    expect(bot.output().stderr).toContain('database closed');
    await expect(fetch(`${base}/livez`)).rejects.toThrow();
  });

  it('refuses to start, naming the setting, when the port is taken', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = taken.address() as { port: number };
      const result = await runCli(['run'], { ...env, METRICS_PORT: String(port) });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`error: cannot serve health and metrics on 127.0.0.1:${port} (METRICS_HOST, METRICS_PORT): EADDRINUSE`);
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });
});
