import { UserError } from './user-error.ts';

export const PLATFORMS = ['console', 'slack', 'discord'] as const;
export type Platform = (typeof PLATFORMS)[number];

export class ChannelNameError extends UserError {
  override name = 'ChannelNameError';
}

/**
 * A channel is named `<platform>:<id>`: `console:team`, `slack:T123/C456`, `discord:789`.
 * Returns the platform; throws with an example when the name is not of that form.
 */
export function channelPlatform(channel: string): Platform {
  const match = /^([a-z]+):([\w./-]{1,100})$/.exec(channel);
  if (!match || !(PLATFORMS as readonly string[]).includes(match[1]!)) {
    throw new ChannelNameError(`"${channel}" is not a channel; write <platform>:<id> with platform console, slack or discord, e.g. console:team`);
  }
  return match[1] as Platform;
}
