import type { ChannelSettings, DigestSetting, QuietSetting } from '../db/channel-settings.ts';
import { weekdayName } from './local-time.ts';

/** A channel's digest in words. */
export function describeDigest(digest: DigestSetting | null): string {
  if (!digest) return 'no digest';
  const when = digest.every === 'daily' ? `every day at ${digest.time}` : `every ${weekdayName(digest.day ?? 1)} at ${digest.time}`;
  return `a ${digest.every} digest ${when}${digest.only ? ', instead of live alerts' : ', as well as live alerts'}`;
}

export function describeQuiet(quiet: QuietSetting | null): string {
  return quiet ? `${quiet.from}–${quiet.to}: alerts are held, then sent together as one message` : 'none';
}

export function describeLimit(perHour: number | null): string {
  return perHour ? `at most ${perHour} ${perHour === 1 ? 'alert' : 'alerts'} in any hour: more are held, then sent together as one message` : 'no limit on alerts per hour';
}

/** Every setting of a channel, a line each, for `settings` and for the answer of each change. */
export function describeSettings(settings: ChannelSettings, watches: number): string[] {
  return [
    `Watches: ${watches}`,
    `Digest: ${describeDigest(settings.digest)}`,
    `Quiet hours: ${describeQuiet(settings.quiet)}`,
    `Limit: ${describeLimit(settings.limitPerHour)}`,
    `Minimum outlets: ${settings.minSources ? `${settings.minSources} (a watch's own min:N overrides it)` : 'none: every story that matches'}`,
    `Language: ${settings.language ?? 'as the alerts come'}`,
    `Time zone: ${settings.timezone} (times above are read in it)`,
  ];
}
