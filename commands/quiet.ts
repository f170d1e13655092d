import type { QuietSetting } from '../src/db/channel-settings.ts';
import { parseClock, RhythmSettingError } from '../src/rhythm/local-time.ts';
import { settingsAnswer } from './settings.ts';
import { defineCommand, requireChannel } from './types.ts';

/** `22:00-08:00` (or with an en dash) as quiet hours; `off` as none. */
function parseQuiet(text: string): QuietSetting | null {
  const typed = text.trim();
  if (typed.toLowerCase() === 'off') return null;
  const match = /^(\S+?)\s*[-–~]\s*(\S+)$/.exec(typed);
  if (!match) throw new RhythmSettingError(`"${typed}" is not a span of hours; write it as from-to on a 24-hour clock, e.g. quiet 22:00-08:00, or quiet off`);
  const quiet = { from: parseClock(match[1]!), to: parseClock(match[2]!) };
  if (quiet.from === quiet.to) throw new RhythmSettingError('quiet hours must start and end at different times');
  return quiet;
}

export const quietCommand = defineCommand({
  name: 'quiet',
  usage: 'quiet <HH:MM-HH:MM> | quiet off',
  summary: 'hold alerts during these hours, then send them as one message (never dropped)',
  description: 'Hold alerts during quiet hours, then send them as one message',
  options: [{ name: 'hours', type: 'string', rest: true, required: 'which hours? e.g. quiet 22:00-08:00, or quiet off', description: 'from-to on a 24-hour clock (22:00-08:00), or off' }],
  access: 'channel-manager',
  action: "change this channel's settings",
  writes: true,
  uses: ['rhythm', 'watches'],
  async run({ hours }, ctx) {
    const channel = requireChannel(ctx);
    const quiet = parseQuiet(hours);
    const { rhythm, watches } = ctx.services;
    const settings = await rhythm.setQuiet(channel, quiet, ctx.now);
    const said = quiet
      ? `Quiet hours are now ${quiet.from}–${quiet.to} (${settings.timezone}): alerts and updates that come due then are held, and go out as one message when they end.`
      : 'Quiet hours are off. Anything they held goes out now, as one message.';
    return { ...settingsAnswer(settings, (await watches.list(channel)).length, quiet ? `Quiet hours: ${quiet.from}–${quiet.to}` : 'Quiet hours: off', [said]), announce: true };
  },
});
