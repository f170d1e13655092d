import { PermissionFlagsBits } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../../src/delivery/worker.ts';
import { createLogger } from '../../../src/log.ts';
import { createDiscord, type DiscordPlatform } from '../../../src/platforms/discord/discord-app.ts';
import { testApp, type TestApp } from '../../helpers/app.ts';
import { FakeDiscord } from '../../helpers/fake-discord.ts';
import { FeedServer } from '../../helpers/feed-server.ts';
import { alertedStory, FAST_DELIVERY, NewsFeed } from '../../helpers/news-feed.ts';
import { waitUntil } from '../../helpers/wait.ts';

let discord: FakeDiscord;
let feeds: FeedServer;
let app: TestApp;
let platform: DiscordPlatform | undefined;
let worker: DeliveryWorker | undefined;
let news: NewsFeed;

const channel = () => `discord:${discord.channelId}`;
const MANAGER = PermissionFlagsBits.ManageChannels | PermissionFlagsBits.ViewChannel;

const publish = (title: string | string[], description = '') => news.publish(app, title, description);

async function startDiscord(env: Record<string, string> = {}) {
  app = await testApp({
    DISCORD_TOKEN: discord.token,
    DISCORD_APPLICATION_ID: discord.applicationId,
    DISCORD_API_URL: discord.apiUrl,
    ...FAST_DELIVERY,
    ...env,
  });
  platform = createDiscord(app.config, app, createLogger('silent'), { installId: app.installId, retryBaseMs: 100 })!;
  expect(await platform.start()).toBe(true);
  worker = app.deliveryWorker([platform.sender]);
  worker.start();
  await news.subscribe(app);
}

/** Runs a slash command and returns the reply as the user sees it (after a deferred reply, its edit). */
async function slash(sub: string, options: Record<string, string | number | boolean> = {}, opts: Parameters<FakeDiscord['slash']>[2] = {}) {
  const { id, token } = discord.slash(sub, options, opts);
  const first = await discord.response(id);
  const message = await discord.waitForOriginal(token);
  // Every message the bot sends, replies included, parses no mentions.
  if (first.type === 4) expect(first.data.allowed_mentions).toEqual({ parse: [] });
  else expect(discord.webhookEdits.find((e) => e.token === token)?.body).toMatchObject({ allowed_mentions: { parse: [] } });
  return { type: first.type, ephemeral: ((first.data?.flags ?? 0) & 64) === 64, message, text: JSON.stringify(message) };
}

const posts = () => discord.messages.filter((m) => m.author.id === discord.botUserId && m.request.nonce);

beforeEach(async () => {
  discord = await new FakeDiscord().listen();
  feeds = await new FeedServer().listen();
  news = new NewsFeed(feeds);
});

afterEach(async () => {
  const refused = [...discord.refused];
  await worker?.stop();
  await platform?.stop();
  worker = undefined;
  platform = undefined;
  await app?.dispose();
  await discord.close();
  await feeds.close();
  // Whatever the bot sent, Discord would have taken.
  expect(refused).toEqual([]);
});

describe('Discord story updates', () => {
  it("edits the alert to name a story's later sources: no new message, no ping, and a failed edit is simply repeated", async () => {
    await startDiscord({ STORY_UPDATE_DELAY: '0s', STORY_UPDATE_INTERVAL: '0s' });
    const retell = await alertedStory(app, feeds, news, worker!, channel());
    discord.fail('editMessage', { status: 500 });
    await retell();
    expect(posts()).toHaveLength(1);
    const [post] = posts();
    const edits = discord.callsTo('PATCH', new RegExp(`/channels/${discord.channelId}/messages/${post!.id}$`));
    expect(edits).toHaveLength(2);
    expect(edits[1]!.body).toMatchObject({ allowed_mentions: { parse: [] } });
    expect(post!.edited_timestamp).toBeTruthy();
    expect(post!.embeds[0]!.fields).toContainEqual({ name: 'Also covered by', value: 'The Verge', inline: true });
    expect(post!.embeds[0]!.title).toBe('OpenAI ships GPT-5 to every ChatGPT user');
    expect((await app.outbox.list())[0]!.platform_message_id).toBe(post!.id);
  });
});

// Escaping, retries after an unknown outcome or a 429, a channel that is gone, search and More, the admin
// gate and the rate limit are checked for every platform in test/platforms/contract.
describe('Discord alerts', () => {
  it('posts a matching new item as an embed, with no mentions and a nonce Discord enforces', async () => {
    await startDiscord();
    await app.watches.add(channel(), 'gpt-5', 'u1');
    await publish('OpenAI ships GPT-5', '<p>The new model is out.</p>');
    worker!.nudge();
    await waitUntil(() => posts().length === 1, 5000, 'the alert');
    const [post] = posts();
    const row = (await app.outbox.list())[0]!;
    expect(post!.channel_id).toBe(discord.channelId);
    expect(post!.request).toMatchObject({ allowed_mentions: { parse: [] }, nonce: `${app.installId}-${row.id}`, enforce_nonce: true });
    expect(post!.request.embeds).toEqual([
      expect.objectContaining({
        title: 'OpenAI ships GPT-5',
        url: 'https://news.example.com/1',
        description: 'The new model is out.',
        author: { name: 'Example News' },
        fields: [{ name: 'Watch', value: 'gpt-5', inline: true }],
        footer: { text: 'news.example.com' },
      }),
    ]);
    await waitUntil(async () => (await app.outbox.list())[0]!.status === 'sent');
    expect((await app.outbox.list())[0]!.platform_message_id).toBe(post!.id);
  });

});

describe('/ainews on Discord', () => {
  it('answers a search at once, privately unless shared with the channel', async () => {
    await startDiscord();
    await publish('OpenAI ships GPT-5');
    const answer = await slash('search', { query: 'gpt-5' });
    expect(answer).toMatchObject({ type: 4, ephemeral: true });
    expect(answer.text).toContain('OpenAI ships GPT-5');
    expect((await slash('search', { query: 'gpt-5', share: true })).ephemeral).toBe(false);
  });

  it('persists watch for a member who manages the channel, autocompletes unwatch, and posts the next match', async () => {
    await startDiscord();
    const watched = await slash('watch', { keyword: '推理模型' }, { permissions: MANAGER });
    expect(watched.type).toBe(5);
    expect(watched.message.content).toContain('Watching "推理模型" here');
    expect(await app.watches.list(channel())).toEqual([expect.objectContaining({ query: '推理模型', created_by: '@alice' })]);
    const { id } = discord.autocomplete('unwatch', 'keyword', '推理', { permissions: MANAGER });
    const [watch] = await app.watches.list();
    expect(await discord.response(id)).toEqual({ type: 8, data: { choices: [{ name: `#${watch!.id} 推理模型`, value: `#${watch!.id}` }] } });
    await publish('某公司发布全新推理模型，性能大幅提升');
    worker!.nudge();
    await waitUntil(() => posts().length === 1, 5000, 'the Chinese alert');
    expect(JSON.stringify(posts()[0]!.request.embeds)).toContain('某公司发布全新推理模型');
  });

  it('refuses watch to members without Manage Channels, unless DISCORD_WATCH_PERMISSION says none', async () => {
    await startDiscord();
    const refused = await slash('watch', { keyword: 'gpt-5' });
    expect(refused.ephemeral).toBe(true);
    expect(refused.message.content).toMatch(/only those who manage this channel can change this channel's watches: members with the Manage Channels permission here/);
    expect(await app.watches.list()).toEqual([]);
  });

  it('refuses changes of settings to members without Manage Channels, as it does watches, and shows them to anyone', async () => {
    await startDiscord();
    const refused = await slash('quiet', { hours: '22:00-08:00' });
    expect(refused.message.content).toMatch(/only those who manage this channel can change this channel's settings: members with the Manage Channels permission here/);
    expect((await app.rhythm.settings(channel())).quiet).toBeNull();
    expect((await slash('quiet', { hours: '22:00-08:00' }, { permissions: MANAGER })).message.content).toContain('Quiet hours are now 22:00–08:00');
    expect((await slash('show', {}, { group: 'settings' })).message.content).toContain('Quiet hours: 22:00–08:00');
  });

  it('says what the bot is missing when watching where it cannot post', async () => {
    await startDiscord({ DISCORD_WATCH_PERMISSION: 'none' });
    const answer = await slash('watch', { keyword: 'gpt-5' }, { appPermissions: PermissionFlagsBits.ViewChannel });
    expect(answer.message.content).toContain('I cannot post alerts here yet: I need Send Messages, Embed Links in this channel');
  });

  // Adding feeds as an AINEWS_ADMINS user, and the refusal to others, are in the contract suite.
  it('lets members with Manage Server add feeds through /ainews-admin, and tells the others it is theirs to do', async () => {
    await startDiscord();
    const add = (url: string, opts: Parameters<FakeDiscord['slash']>[2]) => slash('add', { url }, { commandName: 'ainews-admin', group: 'feeds', ...opts });
    expect((await add('https://feeds.example.invalid/a.xml', {})).message.content).toMatch(/only admins can add feeds: members with Manage Server, and the users in AINEWS/);
    expect((await add('https://feeds.example.invalid/b.xml', { permissions: PermissionFlagsBits.ManageGuild })).message.content).toContain('Added feed');
    expect((await app.feeds.list()).map((f) => f.url)).toContain('https://feeds.example.invalid/b.xml');
    expect((await app.feeds.list()).map((f) => f.url)).not.toContain('https://example.com/a.xml');
  });

  it('keeps its refusal to a user over the limit private, even for an answer meant for the channel', async () => {
    await startDiscord({ COMMANDS_PER_MINUTE: '1' });
    await slash('help');
    const refused = await slash('search', { query: 'gpt-5', share: true });
    expect(refused.ephemeral).toBe(true);
    expect(refused.message.content).toMatch(/easy there: at most 1 commands a minute each/);
  });

  it('keeps answering after the gateway drops and resumes, and after Discord asks it to reconnect', async () => {
    await startDiscord();
    discord.dropConnection();
    await waitUntil(() => discord.resumes === 1 && discord.connected, 10_000, 'a resumed session');
    expect((await slash('help')).message.content).toContain('/ainews watch');
    discord.requestReconnect();
    await waitUntil(() => discord.resumes === 2 && discord.connected, 10_000, 'a second resumed session');
    expect((await slash('watches')).text).toContain('No watches yet');
    expect(discord.identifies).toBe(1);
  });
});

describe('Discord start-up', () => {
  it('logs in again on a fresh client after a failed attempt, and stops cleanly afterwards', async () => {
    // discord.js retries a 5xx three times itself: four make the first login fail.
    discord.fail('gatewayBot', { status: 503 }, { status: 503 }, { status: 503 }, { status: 503 });
    await startDiscord();
    expect(discord.callsTo('GET', /^\/gateway\/bot$/)).toHaveLength(5);
    expect(discord.connected).toBe(true);
    await platform!.stop();
    await waitUntil(() => !discord.connected, 5000, 'the gateway closed');
  });

  it('stops while a login is still waiting for Discord', async () => {
    discord.fail('gatewayBot', { hang: true });
    app = await testApp({ DISCORD_TOKEN: discord.token, DISCORD_APPLICATION_ID: discord.applicationId, DISCORD_API_URL: discord.apiUrl });
    platform = createDiscord(app.config, app, createLogger('silent'), { installId: app.installId, retryBaseMs: 100 })!;
    const started = platform.start();
    await waitUntil(() => discord.callsTo('GET', /^\/gateway\/bot$/).length === 1);
    await platform.stop();
    expect(await started).toBe(false);
  });

  it('gives up once, without crashing, when Discord rejects the token', async () => {
    app = await testApp({ DISCORD_TOKEN: 'wrong-token-wrong-token-wrong', DISCORD_APPLICATION_ID: discord.applicationId, DISCORD_API_URL: discord.apiUrl });
    platform = createDiscord(app.config, app, createLogger('silent'), { installId: app.installId, retryBaseMs: 100 })!;
    expect(await platform.start()).toBe(false);
    expect(discord.callsTo('GET', /^\/gateway\/bot$/)).toHaveLength(1);
  });
});
