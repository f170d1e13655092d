import type { ServerResponse } from 'node:http';
import Sqlite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { OpsServer } from '../../src/ops/http-server.ts';
import type { PlatformProbe } from '../../src/ops/health.ts';
import { serveOps } from '../../src/ops/serve-ops.ts';
import type { ConnectionState } from '../../src/platforms/connection-state.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { FeedServer, rss } from '../helpers/feed-server.ts';
import { waitUntil } from '../helpers/wait.ts';

const MINUTE_MS = 60_000;
// The schedule the scheduler really runs: it never fires during a test, so no tick comes in between
// by chance. /healthz judges it by POLL_CRON, every minute by default: silent for over 2 min is stalled.
const NEVER_DURING_A_TEST = '0 0 1 1 *';

let app: TestApp;
let ops: OpsServer;
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  await ops?.close();
  await app?.scheduler.stop();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await app?.dispose();
});

/** The app with its schedule on, served on 127.0.0.1; /healthz reads the time `ahead` of the real one. */
async function start(options: { platforms?: PlatformProbe[]; ahead?: () => number } = {}) {
  app = await testApp({ AINEWS_DB_BUSY_TIMEOUT: '100ms' });
  app.scheduler.start(NEVER_DURING_A_TEST);
  const ahead = options.ahead ?? (() => 0);
  ops = await serveOps(app, options.platforms ?? [], { host: '127.0.0.1', port: 0 }, { now: () => new Date(Date.now() + ahead()) });
}

async function get(path: string, method = 'GET') {
  const response = await fetch(`${ops.url}${path}`, { method });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type'), text, json: () => JSON.parse(text) as { status: string; checks: Record<string, Record<string, unknown>> } };
}

describe('GET /healthz and /livez', () => {
  it('answer 200 while all is well; any other path is a 404, any other method a 405', async () => {
    await start();
    const health = await get('/healthz');
    expect(health.status).toBe(200);
    expect(health.type).toBe('application/json; charset=utf-8');
    expect(health.json()).toEqual({
      status: 'ok',
      checks: { database: { ok: true }, scheduler: { ok: true, running: false, last_tick_at: expect.any(String), stalled_after_seconds: 120 } },
    });
    expect((await get('/healthz?verbose=1')).status).toBe(200);
    expect(await get('/livez')).toMatchObject({ status: 200, text: '{"status":"ok"}\n' });
    expect(await get('/healthz', 'HEAD')).toMatchObject({ status: 200, text: '' });
    expect((await get('/')).status).toBe(404);
    expect((await get('/health')).status).toBe(404);
    expect((await get('/healthz', 'POST')).status).toBe(405);
  });

  it('answer 503 naming the database while it takes no write: read-only, then locked by another connection past the busy timeout', async () => {
    await start();
    app.db.pragma('query_only = 1');
    const readOnly = await get('/healthz');
    expect(readOnly.status).toBe(503);
    expect(readOnly.json()).toMatchObject({ status: 'failing', checks: { database: { ok: false, error: expect.stringMatching(/read-only/) }, scheduler: { ok: true } } });
    // The process still runs.
    expect((await get('/livez')).status).toBe(200);
    app.db.pragma('query_only = 0');
    expect((await get('/healthz')).status).toBe(200);

    const other = new Sqlite(app.config.AINEWS_DB, { timeout: 100 });
    cleanups.push(() => void other.close());
    other.exec('BEGIN IMMEDIATE');
    const locked = await get('/healthz');
    expect(locked.status).toBe(503);
    expect(locked.json().checks.database).toEqual({ ok: false, error: expect.stringMatching(/busy.*AINEWS_DB_BUSY_TIMEOUT/) });
    other.exec('ROLLBACK');
    expect((await get('/healthz')).status).toBe(200);
  });

  it("answers 503 naming the scheduler once it has not ticked for twice POLL_CRON's period; a tick still running is alive", async () => {
    let ahead = MINUTE_MS;
    await start({ ahead: () => ahead });
    expect((await get('/healthz')).status).toBe(200);
    ahead = 3 * MINUTE_MS;
    const stalled = await get('/healthz');
    expect(stalled.status).toBe(503);
    expect(stalled.json()).toMatchObject({
      status: 'failing',
      checks: { database: { ok: true }, scheduler: { ok: false, running: false, error: expect.stringMatching(/has not ticked for 3m.*\(1m\)/) } },
    });

    // A tick blocked on a feed that does not answer: the schedule is alive all the same.
    const feeds = await new FeedServer().listen();
    cleanups.push(() => feeds.close());
    const held: ServerResponse[] = [];
    feeds.route('/slow', (_req, res) => void held.push(res));
    await app.admin.add({ url: feeds.url('/slow') });
    const tick = app.scheduler.tick({ all: true });
    await waitUntil(() => held.length === 1, 5000, 'the feed request');
    expect((await get('/healthz')).json().checks.scheduler).toMatchObject({ ok: true, running: true });
    held[0]!.writeHead(200).end(rss([]));
    await tick;
    // Once it has ended, the tick is the last sign of life: recent, by the same clock.
    ahead = MINUTE_MS;
    expect((await get('/healthz')).status).toBe(200);
    await app.scheduler.stop();
    expect((await get('/healthz')).json().checks.scheduler).toMatchObject({ ok: false, error: 'the poll schedule is not running' });
  });

  it('answers 503 naming a platform that gave up or was stopped; connecting and reconnecting are up', async () => {
    let slack: ConnectionState = 'connected';
    let discord: ConnectionState = 'reconnecting';
    await start({ platforms: [{ name: 'slack', state: () => slack }, { name: 'discord', state: () => discord }] });
    expect((await get('/healthz')).json()).toMatchObject({ status: 'ok', checks: { slack: { ok: true, state: 'connected' }, discord: { ok: true, state: 'reconnecting' } } });
    discord = 'connecting';
    expect((await get('/healthz')).status).toBe(200);
    slack = 'failed';
    const failed = await get('/healthz');
    expect(failed.status).toBe(503);
    expect(failed.json().checks).toMatchObject({ slack: { ok: false, state: 'failed', error: expect.stringMatching(/^slack gave up connecting/) }, discord: { ok: true } });
    slack = 'connected';
    discord = 'stopped';
    expect((await get('/healthz')).json().checks.discord).toEqual({ ok: false, state: 'stopped', error: 'discord is stopped' });
  });
});
