import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FeedServer } from '../helpers/feed-server.ts';
import { item, pollWithFresh } from '../helpers/poll-fresh.ts';
import { testApp, type TestApp } from '../helpers/app.ts';

// Apart from outbox.test.ts because it starts processes: `npm run test:quick` leaves it out.

let server: FeedServer;
let app: TestApp;

beforeEach(async () => {
  server = await new FeedServer().listen();
  app = await testApp();
});
afterEach(async () => {
  await app.dispose();
  await server.close();
});

describe('the outbox', () => {
  it('lets two processes claiming at the same time get disjoint alerts that add up to all of them', async () => {
    await app.watches.add('console:team', '*', 'u1');
    await pollWithFresh(app, server, Array.from({ length: 200 }, (_, i) => item(i + 1, `Story ${i + 1}`)));
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
