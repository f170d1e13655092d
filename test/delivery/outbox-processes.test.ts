import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FeedServer, rss } from '../helpers/feed-server.ts';
import { testApp, type TestApp } from '../helpers/app.ts';

// Apart from outbox.test.ts because it starts processes: `npm run test:quick` leaves it out.

let server: FeedServer;
let app: TestApp;

beforeEach(async () => {
  server = await new FeedServer().listen();
  app = testApp();
});
afterEach(async () => {
  app.dispose();
  await server.close();
});

const item = (n: number, title: string) => ({ title, link: `https://news.example.com/${n}`, guid: `g${n}` });

/** A feed polled once (its backlog), then again with `fresh` new items on top. */
async function pollWithFresh(fresh: { title: string; link: string; guid: string }[]) {
  const backlog = [item(0, 'Old story')];
  server.route('/feed', { body: rss(backlog, 'Example News') });
  const { feed } = app.admin.add({ url: server.url('/feed'), name: 'Example News' });
  await app.poller.poll(app.feeds.find(feed.id)!);
  server.route('/feed', { body: rss([...fresh, ...backlog], 'Example News') });
  return app.poller.poll(app.feeds.find(feed.id)!);
}

describe('the outbox', () => {
  it('lets two processes claiming at the same time get disjoint alerts that add up to all of them', async () => {
    app.watches.add('console:team', '*', 'u1');
    await pollWithFresh(Array.from({ length: 200 }, (_, i) => item(i + 1, `Story ${i + 1}`)));
    const claimer = fileURLToPath(new URL('../helpers/claim-worker.ts', import.meta.url));
    const run = (worker: string) =>
      new Promise<number[]>((resolve, reject) =>
        execFile(process.execPath, ['--import', 'tsx', claimer, app.config.AINEWS_DB, worker], (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout) as number[]))),
      );
    const [a, b] = await Promise.all([run('a'), run('b')]);
    expect(a.length + b.length).toBe(200);
    expect(new Set([...a, ...b]).size).toBe(200);
  });
});
