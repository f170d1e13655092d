import { RhythmSettingError } from '../src/rhythm/local-time.ts';
import { settingsAnswer } from './settings.ts';
import { defineCommand, requireChannel } from './types.ts';

const MAX_PER_HOUR = 1000;

/** `10/h` (or `10`) as a limit; `off` as none. */
function parseLimit(text: string): number | null {
  const typed = text.trim().toLowerCase();
  if (typed === 'off') return null;
  const match = /^(\d{1,6})\s*(?:\/\s*h(?:our)?)?$/.exec(typed);
  if (!match) throw new RhythmSettingError(`"${text.trim()}" is not a limit; write the most alerts an hour may bring, e.g. limit 10/h, or limit off`);
  const perHour = Number(match[1]);
  if (perHour < 1 || perHour > MAX_PER_HOUR) throw new RhythmSettingError(`the limit must be between 1 and ${MAX_PER_HOUR} alerts an hour (or off)`);
  return perHour;
}

export const limitCommand = defineCommand({
  name: 'limit',
  usage: 'limit <N>/h | limit off',
  summary: 'at most N alerts in any hour; more are held and sent together as one message',
  description: 'At most N alerts an hour; more are held and sent as one message',
  options: [{ name: 'rate', type: 'string', rest: true, required: 'how many alerts an hour? e.g. limit 10/h, or limit off', description: 'alerts per hour, e.g. 10/h, or off' }],
  access: 'channel-manager',
  action: "change this channel's settings",
  writes: true,
  uses: ['rhythm', 'watches'],
  async run({ rate }, ctx) {
    const channel = requireChannel(ctx);
    const perHour = parseLimit(rate);
    const { rhythm, watches } = ctx.services;
    const settings = await rhythm.setLimit(channel, perHour, ctx.now);
    const said = perHour
      ? `This channel now gets at most ${perHour} ${perHour === 1 ? 'alert' : 'alerts'} in any hour; more are held, and go out together as one message when the hour allows.`
      : 'The limit is off. Anything it held goes out now, as one message.';
    return { ...settingsAnswer(settings, (await watches.list(channel)).length, perHour ? `Limit: ${perHour}/h` : 'Limit: off', [said]), announce: true };
  },
});
