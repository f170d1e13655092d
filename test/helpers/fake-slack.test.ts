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
