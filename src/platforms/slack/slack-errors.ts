import { webApi } from '@slack/bolt';
import { PlatformError } from '../../delivery/port.ts';

/** Slack errors after which the bot cannot post to the channel until someone acts. */
const CHANNEL_GONE: Record<string, string> = {
  channel_not_found: 'the channel does not exist, or is private and the bot is not in it; invite the bot, then /ainews watch again',
  not_in_channel: 'the bot is not in this channel; invite it (/invite @ainews), then /ainews watch again',
  is_archived: 'the channel is archived; unarchive it, then /ainews watch again',
  invalid_auth: 'SLACK_BOT_TOKEN is not valid for this workspace; fix it, then /ainews watch again',
  token_revoked: 'SLACK_BOT_TOKEN was revoked; reinstall the app, then /ainews watch again',
  account_inactive: 'the bot user was deactivated; reinstall the app, then /ainews watch again',
};

/** Slack's own transient failures: the request may or may not have been acted on. */
const TRANSIENT = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/**
 * What a failed Web API call means for delivery: a channel the bot cannot post to, a wait Slack asked for,
 * a transient failure whose outcome is unknown, or a permanent refusal.
 */
export function toPlatformError(error: unknown): PlatformError {
  if (error instanceof PlatformError) return error;
  const coded = error as { code?: string; data?: { error?: string }; retryAfter?: number; statusCode?: number; message?: string };
  switch (coded.code) {
    case webApi.ErrorCode.PlatformError: {
      const reason = coded.data?.error ?? 'unknown_error';
      if (reason in CHANNEL_GONE) return new PlatformError(`${reason}: ${CHANNEL_GONE[reason]}`, { kind: 'channel-gone' });
      if (TRANSIENT.has(reason)) return new PlatformError(`Slack answered ${reason}`, { kind: 'outcome-unknown' });
      return new PlatformError(`Slack refused the message: ${reason}`, { kind: 'refused' });
    }
    case webApi.ErrorCode.RateLimitedError:
      return new PlatformError(`Slack rate limit: retry after ${coded.retryAfter ?? 1}s`, { kind: 'rate-limited', retryAfterMs: (coded.retryAfter ?? 1) * 1000 });
    case webApi.ErrorCode.HTTPError:
      return new PlatformError(`Slack answered HTTP ${coded.statusCode}`, { kind: 'outcome-unknown' });
    case webApi.ErrorCode.RequestError:
      return new PlatformError(`could not reach Slack: ${coded.message ?? 'request failed'}`, { kind: 'outcome-unknown' });
    default:
      return new PlatformError(coded.message ?? String(error), { kind: 'outcome-unknown' });
  }
}
