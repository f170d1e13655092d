import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import type { OpsServer } from '../../src/ops/http-server.ts';
import { serveOps } from '../../src/ops/serve-ops.ts';
import { createDiscord, type DiscordPlatform } from '../../src/platforms/discord/discord-app.ts';
import { createSlack, type SlackPlatform } from '../../src/platforms/slack/slack-app.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { FakeDiscord } from '../helpers/fake-discord.ts';
import { FakeSlack } from '../helpers/fake-slack.ts';
import { Scrape } from '../helpers/scrape.ts';
import { waitUntil } from '../helpers/wait.ts';

let app: TestApp;
let ops: OpsServer | undefined;
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  await ops?.close();
  ops = undefined;
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await app?.dispose();
});

async function healthz(): Promise<{ status: number; body: { status: string; checks: Record<string, Record<string, unknown>> } }> {
  const response = await fetch(`${ops!.url}/healthz`);
  return { status: response.status, body: (await response.json()) as never };
}

describe('Slack connection state', () => {
  let slack: FakeSlack;
  let platform: SlackPlatform;

  async function startSlack(env: Record<string, string> = {}) {
    slack = await new FakeSlack().listen();
    cleanups.push(() => slack.close());
    app = await testApp({ SLACK_BOT_TOKEN: slack.botToken, SLACK_APP_TOKEN: slack.appToken, SLACK_API_URL: slack.apiUrl, ...env });
    app.scheduler.start('0 0 1 1 *');
    cleanups.push(() => app.scheduler.stop());
    platform = createSlack(app.config, app, createLogger('silent'), { retryBaseMs: 100, onCommandAnswered: (seconds) => app.metrics.commandAnswered('slack', seconds) })!;
    cleanups.push(() => platform.stop());
    ops = await serveOps(app, [{ name: 'slack', state: () => platform.state() }], { host: '127.0.0.1', port: 0 });
  }

  it('is connected once started, reconnecting while Slack cannot be reached again, and stopped at the end; /healthz is 200 until then', async () => {
    await startSlack();
    expect(platform.state()).toBe('idle');
    expect(await healthz()).toMatchObject({ status: 503, body: { checks: { slack: { ok: false, state: 'idle' } } } });
    expect(await platform.start()).toBe(true);
    expect(platform.state()).toBe('connected');
    expect(await healthz()).toMatchObject({ status: 200, body: { checks: { slack: { ok: true, state: 'connected' } } } });

    // The connection drops and Slack refuses to open another for a while: the adapter keeps trying.
    slack.fail('apps.connections.open', ...Array.from({ length: 10 }, () => ({ status: 503 as const })));
    slack.dropConnection();
    await waitUntil(() => platform.state() === 'reconnecting', 5000, 'reconnecting');
    expect(await healthz()).toMatchObject({ status: 200, body: { checks: { slack: { ok: true, state: 'reconnecting' } } } });
    await platform.stop();
    expect(platform.state()).toBe('stopped');
    expect(await healthz()).toMatchObject({ status: 503, body: { status: 'failing', checks: { slack: { ok: false, state: 'stopped' } } } });
  });

  it('is connected again after Slack asks it to reconnect', async () => {
    await startSlack();
    await platform.start();
    slack.requestReconnect();
    await waitUntil(() => slack.callsOf('apps.connections.open').length === 2 && slack.connected, 10_000, 'a reconnection');
    await waitUntil(() => platform.state() === 'connected', 5000, 'connected again');
  });

  it('has failed when Slack rejects the token, and /healthz says so', async () => {
    await startSlack({ SLACK_BOT_TOKEN: 'xoxb-wrong' });
    expect(await platform.start()).toBe(false);
    expect(platform.state()).toBe('failed');
    const health = await healthz();
    expect(health.status).toBe(503);
    expect(health.body.checks.slack).toMatchObject({ ok: false, state: 'failed', error: expect.stringContaining('check its settings') });
  });

  it('times each /ainews command it answers, under its platform', async () => {
    await startSlack();
    await platform.start();
    await slack.envelope('slash_commands', slack.slashPayload('help'));
    await waitUntil(() => slack.responses.length === 1, 5000, 'the answer');
    const scrape = await Scrape.of(ops!.url);
    expect(scrape.count('ainews_command_duration_seconds', { platform: 'slack' })).toBe(1);
    expect(scrape.labelValues('ainews_command_duration_seconds', 'platform')).toEqual(['slack']);
  });
});

describe('Discord connection state', () => {
  let discord: FakeDiscord;
  let platform: DiscordPlatform;

  async function startDiscord(env: Record<string, string> = {}) {
    discord = await new FakeDiscord().listen();
    cleanups.push(() => discord.close());
    app = await testApp({ DISCORD_TOKEN: discord.token, DISCORD_APPLICATION_ID: discord.applicationId, DISCORD_API_URL: discord.apiUrl, ...env });
    platform = createDiscord(app.config, app, createLogger('silent'), { installId: app.installId, retryBaseMs: 100 })!;
    cleanups.push(() => platform.stop());
  }

  it('is connected once logged in, connected again after a resume, reconnecting while the gateway is gone, and stopped at the end', async () => {
    await startDiscord();
    expect(platform.state()).toBe('idle');
    expect(await platform.start()).toBe(true);
    expect(platform.state()).toBe('connected');
    discord.dropConnection();
    await waitUntil(() => discord.resumes === 1 && discord.connected, 10_000, 'a resumed session');
    await waitUntil(() => platform.state() === 'connected', 5000, 'connected again');
    // Discord goes away altogether: discord.js keeps trying to resume.
    await discord.close();
    await waitUntil(() => platform.state() === 'reconnecting', 10_000, 'reconnecting');
    await platform.stop();
    expect(platform.state()).toBe('stopped');
  });

  it('has failed when Discord rejects the token', async () => {
    await startDiscord({ DISCORD_TOKEN: 'wrong-token-wrong-token-wrong' });
    expect(await platform.start()).toBe(false);
    expect(platform.state()).toBe('failed');
  });
});
