import pino from 'pino';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { postgresApp } from '../helpers/app.ts';
import { storeItems } from '../helpers/items.ts';
import { describePostgres, freshPostgresUrl, lockedRows } from '../helpers/postgres.ts';

const CHANNEL = 'console:team';

// Two workers on one PostgreSQL database, in one process: each with its own pool, as two machines would
// have. (On SQLite the file's write lock serialises these transactions; PostgreSQL needs the locks tested.)
describePostgres('workers sharing the follow-up pass and the gathering of held alerts', () => {
  let url: string;
  let a: App;
  let b: App;
  /** What either worker logged at warn level or above: a transaction that failed on the other's rows would show here. */
  let logged: string[];
  beforeEach(async () => {
    url = await freshPostgresUrl();
    logged = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void logged.push(line) });
    a = await postgresApp(url, { STORY_UPDATE_DELAY: '0s' }, {}, log);
    b = await postgresApp(url, { STORY_UPDATE_DELAY: '0s' }, {}, log);
    await a.watches.add(CHANNEL, 'GPT-5', 'u1');
  });
  afterEach(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  it('processes each stored item once, and puts one news from three outlets in one story, when both drain at once', async () => {
    const outlets = [
      { feedUrl: 'https://ithome.example/rss', feedName: 'IT之家', title: 'OpenAI发布GPT-5：推理能力大幅提升，免费用户也能用' },
      { feedUrl: 'https://qbitai.example/feed', feedName: '量子位', title: '刚刚，OpenAI发布GPT-5！推理能力大幅提升，免费用户可用' },
      { feedUrl: 'https://theverge.example/rss', feedName: 'The Verge', title: 'OpenAI launches GPT-5, its new flagship model, free for all ChatGPT users' },
    ];
    for (const { title, ...feed } of outlets) await storeItems(a, [{ title, body: `<p>${title}</p>` }], { ...feed, process: false });

    // The channel's row held elsewhere: whichever worker routes first waits there, part-way through its
    // batch, until both workers are stuck, so that the second one has had every chance to take the batch too.
    const channel = await lockedRows(url, 'SELECT id FROM channels WHERE id = $1 FOR UPDATE', [CHANNEL]);
    const draining = Promise.all([a.processor.drain(), b.processor.drain()]);
    await channel.waiters(2);
    await channel.release();
    const [first, second] = await draining;

    expect(first.items + second.items).toBe(3);
    const items = await a.sql.all<{ story_id: number }>('SELECT story_id FROM items ORDER BY id');
    expect(items).toHaveLength(3);
    expect(new Set(items.map((item) => item.story_id)).size).toBe(1);
    expect(await a.sql.all("SELECT kind FROM outbox WHERE kind = 'alert'")).toHaveLength(1);
    expect(await a.sql.all('SELECT seq FROM pending_items')).toEqual([]);
    expect(logged).toEqual([]);
  });

  it('queues a due digest once when both gather it at once', async () => {
    await a.rhythm.setDigest(CHANNEL, { every: 'daily', day: null, time: '09:00', only: true });
    await storeItems(a, [{ title: 'GPT-5 arrives' }, { title: 'GPT-5 gets cheaper' }]);
    expect((await a.outbox.list()).map((row) => row.status)).toEqual(['held', 'held']);
    const now = new Date();
    await a.sql.run('UPDATE channels SET next_digest_at = ?', [new Date(now.getTime() - 60_000).toISOString()]);

    // As above: the first to queue the digest waits at the channel's row until both workers are stuck.
    const channel = await lockedRows(url, 'SELECT id FROM channels WHERE id = $1 FOR UPDATE', [CHANNEL]);
    const gathering = Promise.all([a.gatherer.gather(now), b.gatherer.gather(now)]);
    await channel.waiters(2);
    await channel.release();
    const [first, second] = await gathering;

    expect(first.digests + second.digests).toBe(1);
    expect((await a.outbox.list()).filter((row) => row.kind === 'digest')).toHaveLength(1);
    expect(logged).toEqual([]);
  });
});
