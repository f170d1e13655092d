import { MAX_MIN_SOURCES } from '../src/match/watch-query.ts';
import { RhythmSettingError } from '../src/rhythm/local-time.ts';
import { settingsAnswer } from './settings.ts';
import { defineCommand, requireChannel } from './types.ts';

/** `2` as a number of outlets; `off` (or 1) as none. */
function parseMin(text: string): number | null {
  const typed = text.trim().toLowerCase();
  if (typed === 'off') return null;
  const n = /^\d{1,3}$/.test(typed) ? Number(typed) : NaN;
  if (!(n >= 1 && n <= MAX_MIN_SOURCES)) throw new RhythmSettingError(`"${text.trim()}" is not a number of outlets; give 1 to ${MAX_MIN_SOURCES}, or off`);
  return n === 1 ? null : n;
}

export const settingsMinCommand = defineCommand({
  name: 'settings min',
  usage: 'settings min <outlets> | settings min off',
  summary: "alert only on stories carried by at least N outlets (a watch's own min:N overrides it)",
  description: 'Alert only on stories carried by at least N outlets',
  options: [{ name: 'outlets', type: 'string', required: 'how many outlets? e.g. settings min 2, or settings min off', description: `1 to ${MAX_MIN_SOURCES}, or off` }],
  access: 'channel-manager',
  action: "change this channel's settings",
  writes: true,
  uses: ['rhythm', 'watches'],
  async run({ outlets }, ctx) {
    const channel = requireChannel(ctx);
    const min = parseMin(outlets);
    const { rhythm, watches } = ctx.services;
    const settings = await rhythm.setMinSources(channel, min, ctx.now);
    const said = min
      ? `Alerts here now wait until a story is carried by ${min} outlets (a watch's own min:N overrides this); a story that never gets there is not alerted.`
      : 'Every story that matches is alerted again, from its first outlet (a watch’s own min:N still applies).';
    return { ...settingsAnswer(settings, (await watches.list(channel)).length, `Minimum outlets: ${min ?? 'off'}`, [said]), announce: true };
  },
});
