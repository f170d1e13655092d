import { webApi } from '@slack/bolt';
import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { toPlatformError as fromDiscord } from '../../src/platforms/discord/discord-errors.ts';
import { toPlatformError as fromSlack } from '../../src/platforms/slack/slack-errors.ts';

/** An error as the Slack Web API client throws it. */
const slackError = (code: string, fields: Record<string, unknown>) => Object.assign(new Error(`slack: ${code}`), { code, ...fields });
const discordApiError = (code: number, status: number) =>
  new DiscordAPIError({ code, message: `error ${code}` }, code, status, 'POST', 'https://discord.test/api/v10/channels/1/messages', {});

describe('platform errors', () => {
  it("maps each of Slack's failures to one kind", () => {
    const kinds = [
      slackError(webApi.ErrorCode.PlatformError, { data: { ok: false, error: 'not_in_channel' } }),
      slackError(webApi.ErrorCode.PlatformError, { data: { ok: false, error: 'internal_error' } }),
      slackError(webApi.ErrorCode.PlatformError, { data: { ok: false, error: 'msg_too_long' } }),
      slackError(webApi.ErrorCode.RateLimitedError, { retryAfter: 30 }),
      slackError(webApi.ErrorCode.HTTPError, { statusCode: 503 }),
      slackError(webApi.ErrorCode.RequestError, { message: 'socket hang up' }),
      new Error('something else'),
    ].map((error) => fromSlack(error).failure);
    expect(kinds).toEqual([
      { kind: 'channel-gone' },
      { kind: 'outcome-unknown' },
      { kind: 'refused' },
      { kind: 'rate-limited', retryAfterMs: 30_000 },
      { kind: 'outcome-unknown' },
      { kind: 'outcome-unknown' },
      { kind: 'outcome-unknown' },
    ]);
  });

  it("maps each of Discord's failures to one kind", () => {
    const limited = new RateLimitError({
      timeToReset: 2500, limit: 5, method: 'POST', hash: 'h', url: 'https://discord.test/', route: '/channels/:id/messages',
      majorParameter: '1', global: false, retryAfter: 2500, sublimitTimeout: 0, scope: 'user',
    });
    const kinds = [
      discordApiError(50001, 403),
      discordApiError(0, 401),
      discordApiError(0, 502),
      discordApiError(50035, 400),
      limited,
      new HTTPError(503, 'Service Unavailable', 'POST', 'https://discord.test/', {}),
      new Error('connect ECONNREFUSED'),
    ].map((error) => fromDiscord(error).failure);
    expect(kinds).toEqual([
      { kind: 'channel-gone' },
      { kind: 'channel-gone' },
      { kind: 'outcome-unknown' },
      { kind: 'refused' },
      { kind: 'rate-limited', retryAfterMs: 2500 },
      { kind: 'outcome-unknown' },
      { kind: 'outcome-unknown' },
    ]);
  });
});
