import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { PlatformError } from '../../delivery/port.ts';

/** Discord errors after which the bot cannot post to the channel until someone acts. */
const CHANNEL_GONE: Record<number, string> = {
  10003: 'Unknown Channel: the channel was deleted; run /ainews watch in another one',
  50001: 'Missing Access: the bot cannot see this channel; give it View Channel there, then /ainews watch again',
  50013: 'Missing Permissions: the bot needs Send Messages and Embed Links in this channel; grant them, then /ainews watch again',
  50083: 'the thread is archived; unarchive it, then /ainews watch again',
  50007: 'Cannot send messages to this user: they closed their direct messages, or left every server the bot is in',
  50008: 'Cannot send messages in a non-text channel',
};

const TOKEN_REJECTED = '401: DISCORD_TOKEN was rejected; fix it and restart, then /ainews watch again';

/**
 * What a failed REST call means for delivery: a channel the bot cannot post to, a wait Discord asked
 * for, a transient failure whose outcome is unknown, or a permanent refusal.
 */
export function toPlatformError(error: unknown): PlatformError {
  if (error instanceof PlatformError) return error;
  if (error instanceof RateLimitError) {
    return new PlatformError(`Discord rate limit (${error.scope}${error.global ? ', global' : ''}): retry after ${Math.ceil(error.retryAfter / 1000)}s`, {
      kind: 'rate-limited',
      retryAfterMs: error.retryAfter,
    });
  }
  if (error instanceof DiscordAPIError) {
    const code = Number(error.code);
    if (code in CHANNEL_GONE) return new PlatformError(`${code} ${CHANNEL_GONE[code]}`, { kind: 'channel-gone' });
    if (error.status === 401) return new PlatformError(TOKEN_REJECTED, { kind: 'channel-gone' });
    if (error.status >= 500) return new PlatformError(`Discord answered ${error.status}: ${error.message}`, { kind: 'outcome-unknown' });
    return new PlatformError(`Discord refused the message: ${code} ${error.message}`, { kind: 'refused' });
  }
  if (error instanceof HTTPError) return new PlatformError(`Discord answered HTTP ${error.status}`, { kind: 'outcome-unknown' });
  const message = error instanceof Error ? error.message : String(error);
  // After a 401 the REST client drops its token, and every later request fails before it is sent.
  if (/Expected token to be set/.test(message)) return new PlatformError(TOKEN_REJECTED, { kind: 'channel-gone' });
  return new PlatformError(`could not reach Discord: ${message}`, { kind: 'outcome-unknown' });
}
