import { settingsAnswer } from './settings.ts';
import { CommandError, defineCommand, requireChannel } from './types.ts';

export const timezoneCommand = defineCommand({
  name: 'timezone',
  usage: 'timezone <IANA name, e.g. Asia/Shanghai> | timezone default',
  summary: "set the time zone this channel's digest and quiet hours are read in",
  description: 'Set the time zone of this channel’s digest and quiet hours',
  options: [{ name: 'zone', type: 'string', rest: true, required: 'which time zone? Give an IANA name such as Asia/Shanghai or Europe/Berlin', description: 'an IANA name such as Asia/Shanghai, or default' }],
  access: 'channel-manager',
  action: "change this channel's settings",
  writes: true,
  uses: ['rhythm', 'watches'],
  async run({ zone }, ctx) {
    const channel = requireChannel(ctx);
    const { rhythm, watches } = ctx.services;
    if (/\s/.test(zone.trim())) throw new CommandError(`"${zone}" is not a time zone; give one IANA name such as Asia/Shanghai`);
    const settings = await rhythm.setTimezone(channel, zone.trim().toLowerCase() === 'default' ? null : zone, ctx.now);
    const said = `Times in this channel are now read in ${settings.timezone}.`;
    return { ...settingsAnswer(settings, (await watches.list(channel)).length, `Time zone: ${settings.timezone}`, [said]), announce: true };
  },
});
