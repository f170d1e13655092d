import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import { boltLogger } from '../../src/platforms/slack/bolt-logger.ts';
import { FakeSlack } from './fake-slack.ts';

let slack: FakeSlack;
let client: webApi.WebClient;

beforeEach(async () => {
  slack = await new FakeSlack().listen();
  // The client logs Slack's reasons for a refusal; the assertions read them instead.
  client = new webApi.WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, logger: boltLogger(createLogger('silent')) });
});

afterEach(() => slack.close());

const tooLong = [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }];

describe('the fake Slack', () => {
  it('refuses a message Slack would refuse, with the answer Slack gives, and posts nothing', async () => {
    const refused = await client.chat.postMessage({ channel: 'C0NEWS', text: 'fallback', blocks: tooLong }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: webApi.ErrorCode.PlatformError, data: { ok: false, error: 'invalid_blocks', errors: ['must be less than 3001 characters [json-pointer:/blocks/0/text/text]'] } });
    expect(slack.posts).toEqual([]);
    expect(slack.refused).toEqual([expect.objectContaining({ method: 'chat.postMessage', refusal: expect.objectContaining({ error: 'invalid_blocks' }) })]);
  });

  it('holds chat.update to the same limits, and applies an edit that fits', async () => {
    const { ts } = await client.chat.postMessage({ channel: 'C0NEWS', text: 'first' });
    await expect(client.chat.update({ channel: 'C0NEWS', ts: ts!, text: 'x'.repeat(4001) })).rejects.toMatchObject({ data: { error: 'msg_too_long' } });
    await client.chat.update({ channel: 'C0NEWS', ts: ts!, text: 'second' });
    expect(slack.posts.map((p) => p.text)).toEqual(['second']);
  });

  it('refuses a response_url body Slack would refuse, as a webhook does, and records no answer', async () => {
    const respond = (blocks: unknown[]) => fetch(`${slack.url}/respond/1`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text: 't', blocks }) });
    const refused = await respond(tooLong);
    expect([refused.status, await refused.text()]).toEqual([400, 'invalid_blocks']);
    expect(slack.responses).toEqual([]);
    expect((await respond([{ type: 'divider' }])).status).toBe(200);
    expect(slack.responses).toHaveLength(1);
  });
});

/** A PNG's signature followed by every byte value: bytes that any text decoding on the way would spoil. */
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Array.from({ length: 256 }, (_, i) => i)]);

describe("the fake Slack's file uploads", () => {
  it('takes files.uploadV2 from the real client, keeps the bytes exactly, and shares them in the channel as Slack does', async () => {
    const result = await client.files.uploadV2({ channel_id: 'C0NEWS', initial_comment: 'This week in AI', file: png, filename: 'chart.png' });
    // uploadV2 answers { ok, files: [each files.completeUploadExternal answer] }, though its type does not say so.
    const fileId = (result as unknown as { files: { files: { id: string }[] }[] }).files[0]!.files[0]!.id;
    expect(slack.uploads).toEqual([{ id: fileId, filename: 'chart.png', title: 'chart.png', data: png, channel: 'C0NEWS', initial_comment: 'This week in AI', ts: expect.any(String) }]);
    expect(slack.callsOf('files.getUploadURLExternal')[0]!.body).toMatchObject({ filename: 'chart.png', length: String(png.length) });
    const { messages } = await client.conversations.history({ channel: 'C0NEWS' });
    expect(messages).toEqual([expect.objectContaining({ ts: slack.uploads[0]!.ts, text: 'This week in AI', upload: true, files: [expect.objectContaining({ id: fileId, name: 'chart.png', mimetype: 'image/png', size: png.length })] })]);
    // The file's private URL serves the bytes back, to the bot's token only.
    const url = (messages![0]!.files![0] as { url_private: string }).url_private;
    expect(Buffer.from(await (await fetch(url, { headers: { Authorization: `Bearer ${slack.botToken}` } })).arrayBuffer())).toEqual(png);
    expect((await fetch(url)).status).toBe(404);
  });

  it('shares a file with thread_ts as a reply in that thread, and keeps one without a channel private', async () => {
    const { ts } = await client.chat.postMessage({ channel: 'C0NEWS', text: 'alert' });
    await client.files.uploadV2({ channel_id: 'C0NEWS', thread_ts: ts!, file: png, filename: 'reply.png', title: 'Chart' });
    await client.files.uploadV2({ file: png, filename: 'private.png' });
    const { messages } = await client.conversations.replies({ channel: 'C0NEWS', ts: ts! });
    expect(messages!.map((m) => [m.text, m.files?.[0]?.title])).toEqual([['alert', undefined], ['', 'Chart']]);
    expect(slack.uploads.map((u) => [u.filename, u.channel, u.thread_ts])).toEqual([['reply.png', 'C0NEWS', ts], ['private.png', undefined, undefined]]);
    expect(slack.posts).toHaveLength(2);
  });

  it("refuses an unknown or spent file id, bytes that do not match the length, and a channel the bot is not in, in Slack's words", async () => {
    const complete = (id: string, channel_id?: string) => client.files.completeUploadExternal({ files: [{ id }], ...(channel_id ? { channel_id } : {}) }).catch((error: unknown) => (error as { data: unknown }).data);
    expect(await complete('F0NOSUCHFILE')).toMatchObject({ ok: false, error: 'file_not_found' });
    const ticket = await client.files.getUploadURLExternal({ filename: 'short.png', length: 10 });
    expect((await fetch(ticket.upload_url!, { method: 'POST', body: new Uint8Array(png.subarray(0, 3)) })).status).toBe(200);
    expect(await complete(ticket.file_id!)).toMatchObject({ ok: false, error: 'invalid_arguments' });
    slack.notMember.add('C0GONE');
    const fits = await client.files.getUploadURLExternal({ filename: 'a.png', length: 3 });
    await fetch(fits.upload_url!, { method: 'POST', body: new Uint8Array(png.subarray(0, 3)) });
    expect(await complete(fits.file_id!, 'C0GONE')).toMatchObject({ ok: false, error: 'not_in_channel' });
    expect(await complete(fits.file_id!)).toMatchObject({ ok: true });
    expect(await complete(fits.file_id!)).toMatchObject({ ok: false, error: 'file_not_found' });
    await expect(client.files.getUploadURLExternal({ filename: 'empty.png', length: 0 })).rejects.toMatchObject({ data: { error: 'missing_argument' } });
    expect(slack.uploads.map((u) => u.filename)).toEqual(['a.png']);
  });

  it('fails the upload URL or the completion as scripted, sharing nothing', async () => {
    slack.fail('upload_url', { status: 500 });
    await expect(client.files.uploadV2({ channel_id: 'C0NEWS', file: png, filename: 'chart.png' })).rejects.toThrow();
    slack.fail('files.completeUploadExternal', { error: 'internal_error' });
    await expect(client.files.uploadV2({ channel_id: 'C0NEWS', file: png, filename: 'chart.png' })).rejects.toMatchObject({ data: { error: 'internal_error' } });
    expect([slack.uploads, slack.posts]).toEqual([[], []]);
    expect(slack.callsOf('upload_url')).toHaveLength(2);
  });
});
