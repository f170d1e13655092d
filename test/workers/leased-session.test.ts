import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import { createDiscord } from '../../src/platforms/discord/discord-app.ts';
import { LeasedSession } from '../../src/workers/leased-session.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { FakeDiscord } from '../helpers/fake-discord.ts';
import { waitUntil } from '../helpers/wait.ts';

const TTL = 30_000;
let discord: FakeDiscord;
const apps: TestApp[] = [];
const sessions: LeasedSession[] = [];

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.stop()));
  for (const app of apps.splice(0).reverse()) await app.dispose();
  await discord?.close();
});

/** A worker with Discord configured, on the database of the first one, its gateway under the lease. */
async function worker(clock: () => number, first?: TestApp) {
  const env = { DISCORD_TOKEN: discord.token, DISCORD_APPLICATION_ID: discord.applicationId, DISCORD_API_URL: discord.apiUrl };
  const app = await testApp(first ? { ...env, AINEWS_DB: first.config.AINEWS_DB } : env);
  apps.push(app);
  const gateway = new LeasedSession({
    leases: app.leases,
    name: 'discord-gateway',
    holder: app.worker,
    ttlMs: TTL,
    open: () => createDiscord(app.config, app, createLogger('silent'), { installId: app.installId, retryBaseMs: 100 })!,
    log: createLogger('silent'),
    now: () => new Date(clock()),
  });
  sessions.push(gateway);
  return { app, gateway };
}

describe('the Discord gateway under a lease', () => {
  it('runs on one worker, the others standing by, and moves to another when that one dies or stops', async () => {
    discord = await new FakeDiscord().listen();
    let now = Date.parse('2026-12-01T10:00:00Z');
    const a = await worker(() => now);
    const b = await worker(() => now, a.app);
    const c = await worker(() => now, a.app);
    await Promise.all([a.gateway.tick(), b.gateway.tick(), c.gateway.tick()]);
    await waitUntil(() => a.gateway.state() === 'connected', 10_000, 'a connected');
    expect([b.gateway.state(), c.gateway.state()]).toEqual(['standby', 'standby']);
    expect(discord.identifies).toBe(1);

    // a keeps renewing; b and c keep asking.
    now += TTL / 3;
    await Promise.all([a.gateway.tick(), b.gateway.tick(), c.gateway.tick()]);
    expect(discord.identifies).toBe(1);

    // a is killed: it renews no more. Within the lease, nobody else connects; then b does.
    now += TTL - 1000;
    await b.gateway.tick();
    expect(b.gateway.state()).toBe('standby');
    now += 1000;
    await b.gateway.tick();
    await c.gateway.tick();
    await waitUntil(() => b.gateway.state() === 'connected', 10_000, 'b connected');
    expect(c.gateway.state()).toBe('standby');
    expect(discord.identifies).toBe(2);

    // a comes back to life: it finds the lease gone and closes its session.
    await a.gateway.tick();
    expect(a.gateway.state()).toBe('standby');

    // b stops cleanly: it gives the lease up, and c takes it at its next round.
    await b.gateway.stop();
    expect(b.gateway.state()).toBe('stopped');
    await c.gateway.tick();
    await waitUntil(() => c.gateway.state() === 'connected', 10_000, 'c connected');
    expect(discord.identifies).toBe(3);
  });
});
