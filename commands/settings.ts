import type { ChannelSettings } from '../src/db/channel-settings.ts';
import { describeSettings } from '../src/rhythm/describe.ts';
import { defineCommand, requireChannel } from './types.ts';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** The settings as `settings --json` prints them: the field names are a contract. */
export function settingsJson(settings: ChannelSettings): unknown {
  const { digest, quiet } = settings;
  return {
    channel: settings.channel,
    timezone: settings.timezone,
    digest: digest ? { every: digest.every, day: digest.day ? DAYS[digest.day - 1] : null, time: digest.time, only: digest.only } : null,
    quiet: quiet ? { from: quiet.from, to: quiet.to } : null,
    limit_per_hour: settings.limitPerHour,
    next_digest_at: settings.nextDigestAt,
    min_sources: settings.minSources,
    language: settings.language,
  };
}

/** A channel's settings in words, with its JSON: what `settings` shows and every change answers. */
export function settingsAnswer(settings: ChannelSettings, watches: number, heading: string, changed: string[]) {
  return {
    kind: 'notice' as const,
    heading,
    lines: [...changed, ...describeSettings(settings, watches)],
    data: settingsJson(settings),
  };
}

export const settingsCommand = defineCommand({
  name: 'settings',
  usage: 'settings',
  summary: "show this channel's settings: watches, digest, quiet hours, limit, time zone",
  description: "This channel's settings: digest, quiet hours, limit, time zone",
  options: [],
  access: 'anyone',
  uses: ['rhythm', 'watches'],
  cli: { name: 'settings', channel: 'first', json: true },
  async run(_options, ctx) {
    const channel = requireChannel(ctx);
    const { rhythm, watches } = ctx.services;
    return settingsAnswer(await rhythm.settings(channel), (await watches.list(channel)).length, `Settings of ${channel}`, []);
  },
});
