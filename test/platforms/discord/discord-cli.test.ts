import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commandDefinitions } from '../../../src/platforms/discord/slash-commands.ts';
import { testApp } from '../../helpers/app.ts';
import { runCli } from '../../helpers/cli.ts';
import { FakeDiscord } from '../../helpers/fake-discord.ts';
import { storeItems } from '../../helpers/items.ts';
import { killBetweenPostAndRecord } from '../../helpers/kill-restart.ts';
import { readOutboxRow } from '../../helpers/news-feed.ts';

let discord: FakeDiscord;
let dir: string | undefined;

beforeEach(async () => {
  discord = await new FakeDiscord().listen();
});
afterEach(async () => {
  await discord.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const discordEnv = () => ({ DISCORD_TOKEN: discord.token, DISCORD_APPLICATION_ID: discord.applicationId, DISCORD_API_URL: discord.apiUrl, AINEWS_SEED_DEFAULT_FEEDS: 'false' });


describe('ainews discord', () => {
  it('register PUTs the command definitions for a guild, or globally, and says what it registered', async () => {
    const guild = await runCli(['discord', 'register', '--guild', discord.guildId], discordEnv());
    expect(guild.code).toBe(0);
    expect(guild.stdout).toContain(`registered 2 commands in server ${discord.guildId}: /ainews, /ainews-admin`);
    const global = await runCli(['discord', 'register', '--json'], discordEnv());
    expect(JSON.parse(global.stdout)).toEqual([expect.objectContaining({ name: 'ainews', id: expect.any(String) }), expect.objectContaining({ name: 'ainews-admin' })]);
    expect(discord.commandPuts.map((p) => p.path)).toEqual([
      `/applications/${discord.applicationId}/guilds/${discord.guildId}/commands`,
      `/applications/${discord.applicationId}/commands`,
    ]);
    expect(discord.commandPuts[0]!.body).toEqual(JSON.parse(JSON.stringify(commandDefinitions())));
    // The wire shape Discord gets, pinned: /ainews search query: (required, at most 200 characters).
    const [ainews, admin] = discord.commandPuts[0]!.body as { name: string; default_member_permissions?: string; options: unknown[] }[];
    expect(ainews!.options[0]).toMatchObject({
      type: 1,
      name: 'search',
      options: [
        { type: 3, name: 'query', required: true, max_length: 200 },
        { type: 5, name: 'share', required: false },
      ],
    });
    expect(admin).toMatchObject({ name: 'ainews-admin', default_member_permissions: '32', options: [{ type: 2, name: 'feeds', options: [{ type: 1, name: 'add' }, { type: 1, name: 'remove' }] }] });
  });

  it('register and invite name the settings they need when Discord is not configured', async () => {
    const missing = await runCli(['discord', 'register'], { AINEWS_SEED_DEFAULT_FEEDS: 'false' });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('set DISCORD_TOKEN and DISCORD_APPLICATION_ID');
    const invite = await runCli(['discord', 'invite'], discordEnv());
    expect(invite.stdout.trim()).toMatch(new RegExp(`^https://discord.com/oauth2/authorize\\?client_id=${discord.applicationId}&scope=bot\\+applications.commands&permissions=\\d+$`));
  });

  it.each([
    ['the bot finds its message in the channel', false],
    ['Discord drops the repeat by its nonce, where the bot cannot read the history', true],
  ])('posts exactly once when the process dies between Discord creating the message and the outbox recording it: %s', async (_case, hideHistory) => {
    discord.hideHistory = hideHistory;
    const app = await testApp();
    dir = app.dir;
    const db = app.config.AINEWS_DB;
    const channel = `discord:${discord.channelId}`;
    const { watch } = await app.watches.add(channel, '*', 'u1');
    const [item] = (await storeItems(app, [{ title: 'OpenAI ships GPT-5' }])).created;
    await app.outbox.enqueue({ itemId: item!.id, channel, watchId: watch.id, watchQuery: '*' });
    await app.close();

    const env = { ...discordEnv(), AINEWS_DB: db, DELIVERY_INTERVAL: '100ms', DELIVERY_SEND_TIMEOUT: '1s', DELIVERY_CLAIM_TIMEOUT: '2s', LOG_LEVEL: 'warn' };
    discord.fail('createMessage', { hang: true });
    await killBetweenPostAndRecord(env, () => discord.messagesIn(discord.channelId).length, () => {
      expect(discord.messagesIn(discord.channelId)).toHaveLength(1);
      // Looked for first; posted again (with the same nonce) only when the history could not be read.
      expect(discord.callsTo('GET', /^\/channels\/\d+\/messages$/).length).toBeGreaterThanOrEqual(1);
      expect(discord.callsTo('POST', /^\/channels\/\d+\/messages$/)).toHaveLength(hideHistory ? 2 : 1);
      expect(readOutboxRow(db)).toMatchObject({ platform_message_id: discord.messagesIn(discord.channelId)[0]!.id, attempt_started_at: null });
    });
  }, 120_000);
});
