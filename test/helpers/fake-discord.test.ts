import { DiscordAPIError, REST, Routes } from 'discord.js';
import type { APIAttachment, APIMessage } from 'discord-api-types/v10';
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

/** A gateway session of the test's own, to receive interactions on: IDENTIFY, as a client does. */
async function gatewaySession(): Promise<WebSocket> {
  const gateway = new WebSocket(discord.wsUrl);
  gateway.on('message', (raw) => JSON.parse(String(raw)).op === 10 && gateway.send(JSON.stringify({ op: 2, d: { token: discord.token, intents: 1, properties: {} } })));
  await waitUntil(() => discord.connected, 5000, 'a gateway session');
  return gateway;
}

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
    const gateway = await gatewaySession();
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

/** A PNG's signature followed by every byte value: bytes that any text decoding on the way would spoil. */
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Array.from({ length: 256 }, (_, i) => i)]);
type Sent = APIMessage & { attachments: APIAttachment[] };

describe("the fake Discord's attachments", () => {
  it('takes files from the real REST as multipart, keeps the bytes exactly, and answers the attachments as Discord does', async () => {
    const body = { content: 'This week in AI', attachments: [{ id: 0, description: 'Stories a day' }] };
    const sent = (await rest.post(Routes.channelMessages(discord.channelId), { body, files: [{ name: 'chart.png', data: png }] })) as Sent;
    expect(sent.attachments).toEqual([{ id: expect.any(String), filename: 'chart.png', size: png.length, url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//), proxy_url: expect.any(String), content_type: 'image/png', description: 'Stories a day' }]);
    expect(discord.attachments.of(sent.id)).toEqual([expect.objectContaining({ id: sent.attachments[0]!.id, route: 'createMessage', filename: 'chart.png', contentType: 'image/png', data: png })]);
    // The JSON part is the body, as a JSON body would be; the message lists its attachment, and its url serves the bytes.
    expect(discord.callsTo('POST', /\/messages$/)[0]!.body).toEqual(body);
    expect((discord.messagesIn(discord.channelId)[0]!.attachments)).toEqual(sent.attachments);
    expect(Buffer.from(await (await fetch(sent.attachments[0]!.url)).arrayBuffer())).toEqual(png);
  });

  it("attaches files to an interaction's reply, a follow-up and an edit of @original, which keeps only what it lists", async () => {
    const gateway = await gatewaySession();
    const { id, token } = discord.slash('chart', {});
    const files = (name: string) => [{ name, data: png }];
    await rest.post(Routes.interactionCallback(id, token), { body: { type: 4, data: { content: 'Here', attachments: [{ id: 0 }] } }, files: files('reply.png'), auth: false });
    const followup = (await rest.post(Routes.webhook(discord.applicationId, token), { body: { attachments: [{ id: 0, filename: 'renamed.png' }] }, files: files('follow.png'), auth: false })) as Sent;
    const original = discord.original(token)!;
    const [kept] = original.attachments;
    const edited = (await rest.patch(Routes.webhookMessage(discord.applicationId, token), { body: { attachments: [{ id: kept!.id }, { id: 0 }] }, files: files('second.png'), auth: false })) as Sent;
    expect([kept!.filename, followup.attachments.map((a) => a.filename), edited.attachments.map((a) => a.filename)]).toEqual(['reply.png', ['renamed.png'], ['reply.png', 'second.png']]);
    expect(discord.attachments.of(original.id).map((a) => [a.route, a.filename, a.data.equals(png)])).toEqual([['interactionCallback', 'reply.png', true], ['editOriginal', 'second.png', true]]);
    const cleared = (await rest.patch(Routes.webhookMessage(discord.applicationId, token), { body: { attachments: [] }, auth: false })) as Sent;
    expect(cleared.attachments).toEqual([]);
    gateway.terminate();
  });

  it('refuses more than 10 attachments (30015), a file past the size limit or a request past 25 MiB (413, 40005), limits in payload_json, and as scripted', async () => {
    const post = (body: unknown, files: { name: string; data: Buffer }[]) => rest.post(Routes.channelMessages(discord.channelId), { body, files }).catch((error: unknown) => error);
    const eleven = Array.from({ length: 11 }, (_, i) => ({ name: `${i}.png`, data: png }));
    expect(await post({}, eleven)).toMatchObject({ status: 400, code: 30015 });
    expect(await post({ embeds: Array.from({ length: 11 }, () => ({ title: 't' })) }, [{ name: 'a.png', data: png }])).toMatchObject({ status: 400, code: 50035 });
    const small = await new FakeDiscord({ attachmentSizeLimit: 1000 }).listen();
    const smallRest = new REST({ api: small.apiUrl, version: '10', retries: 0 }).setToken(small.token);
    const tooLarge = await smallRest.post(Routes.channelMessages(small.channelId), { files: [{ name: 'big.png', data: Buffer.alloc(1001) }] }).catch((error: unknown) => error);
    expect(tooLarge).toMatchObject({ status: 413, code: 40005, rawError: { message: 'Request entity too large' } });
    await small.close();
    expect(await post({}, [{ name: 'huge.bin', data: Buffer.alloc(9 * 1024 * 1024) }, { name: 'huge2.bin', data: Buffer.alloc(9 * 1024 * 1024) }, { name: 'huge3.bin', data: Buffer.alloc(9 * 1024 * 1024) }])).toMatchObject({ status: 413, code: 40005 });
    discord.fail('createMessage', { status: 500 });
    expect(await post({}, [{ name: 'a.png', data: png }])).toMatchObject({ status: 500 });
    expect([discord.messages, discord.attachments.stored]).toEqual([[], []]);
    // A message whose only content is a file is not empty.
    expect(await post(undefined, [{ name: 'only.png', data: png }])).toMatchObject({ attachments: [expect.objectContaining({ filename: 'only.png' })] });
  });
});
