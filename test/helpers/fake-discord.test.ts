import { DiscordAPIError, REST, Routes } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { FakeDiscord } from './fake-discord.ts';
import { waitUntil } from './wait.ts';

let discord: FakeDiscord;
let rest: REST;

beforeEach(async () => {
  discord = await new FakeDiscord().listen();
  rest = new REST({ api: discord.apiUrl, version: '10', retries: 0 }).setToken(discord.token);
});

afterEach(() => discord.close());

const longUrl = `https://news.example.com/${'a'.repeat(2030)}`;

describe('the fake Discord', () => {
  it('refuses an embed url over 2,048 characters as Discord does, 50035 Invalid Form Body, and posts nothing', async () => {
    const refused = await rest.post(Routes.channelMessages(discord.channelId), { body: { embeds: [{ title: 'Long link', url: longUrl }] } }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DiscordAPIError);
    expect(refused).toMatchObject({ status: 400, code: 50035, rawError: { message: 'Invalid Form Body' } });
    // discord.js words it from the nested errors, and that is what an alert's last error then says.
    expect((refused as Error).message).toBe('Invalid Form Body\nembeds[0].url[BASE_TYPE_MAX_LENGTH]: Must be 2048 or fewer in length.');
    expect(discord.messages).toEqual([]);
    expect(discord.refused).toEqual([expect.objectContaining({ route: 'createMessage' })]);
  });

  it('refuses an empty message (50006), and an edit that breaks a limit, keeping the message as it was', async () => {
    await expect(rest.post(Routes.channelMessages(discord.channelId), { body: { content: '' } })).rejects.toMatchObject({ code: 50006 });
    const posted = (await rest.post(Routes.channelMessages(discord.channelId), { body: { content: 'first' } })) as { id: string };
    await expect(rest.patch(Routes.channelMessage(discord.channelId, posted.id), { body: { content: 'x'.repeat(2001) } })).rejects.toMatchObject({ code: 50035 });
    expect(discord.messages.map((m) => m.content)).toEqual(['first']);
  });

  it("checks an interaction's reply under data, and leaves the interaction unanswered", async () => {
    // A gateway session of its own, to receive the interaction on: IDENTIFY, as a client does.
    const gateway = new WebSocket(discord.wsUrl);
    gateway.on('message', (raw) => JSON.parse(String(raw)).op === 10 && gateway.send(JSON.stringify({ op: 2, d: { token: discord.token, intents: 1, properties: {} } })));
    await waitUntil(() => discord.connected, 5000, 'a gateway session');
    const { id, token } = discord.slash('help', {});
    const callback = (data: unknown) => rest.post(Routes.interactionCallback(id, token), { body: { type: 4, data }, auth: false });
    await expect(callback({ embeds: Array.from({ length: 11 }, () => ({ title: 't' })) })).rejects.toMatchObject({
      rawError: { errors: { data: { embeds: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 10 or fewer in length.' }] } } } },
    });
    await callback({ content: 'fits' });
    expect((await discord.response(id)).data).toEqual({ content: 'fits' });
    gateway.terminate();
  });
});
