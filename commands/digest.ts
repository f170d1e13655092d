import type { DigestSetting } from '../src/db/channel-settings.ts';
import { parseClock, parseWeekday, RhythmSettingError } from '../src/rhythm/local-time.ts';
import { describeDigest } from '../src/rhythm/describe.ts';
import { STORIES_PER_MESSAGE } from '../src/rhythm/gatherer.ts';
import { settingsAnswer } from './settings.ts';
import { defineCommand, requireChannel } from './types.ts';

const USAGE = 'digest daily 09:00 [only] | digest weekly mon 09:00 [only] | digest off';

/** `daily 09:00`, `weekly mon 09:00`, either with `only`; `off` as none. */
function parseDigest(text: string): DigestSetting | null {
  const words = text.trim().toLowerCase().split(/\s+/);
  if (words.length === 1 && words[0] === 'off') return null;
  const only = words.at(-1) === 'only';
  if (only) words.pop();
  const [every, ...rest] = words;
  if (every === 'daily' && rest.length === 1) return { every, day: null, time: parseClock(rest[0]!), only };
  if (every === 'weekly' && rest.length === 2) return { every, day: parseWeekday(rest[0]!), time: parseClock(rest[1]!), only };
  if (every === 'daily' || every === 'weekly') throw new RhythmSettingError(`a ${every} digest needs ${every === 'daily' ? 'a time: digest daily 09:00' : 'a day and a time: digest weekly mon 09:00'}`);
  throw new RhythmSettingError(`"${every}" is not a digest schedule; a digest is daily or weekly (or off)`);
}

export const digestCommand = defineCommand({
  name: 'digest',
  usage: USAGE,
  summary: 'a daily or weekly digest of the top stories; with "only", instead of live alerts',
  description: 'A daily or weekly digest of the top stories (only: instead of live alerts)',
  options: [{ name: 'schedule', type: 'string', rest: true, required: `when? ${USAGE}`, description: 'daily 09:00, weekly mon 09:00 (add "only" to replace live alerts), or off' }],
  access: 'channel-manager',
  action: "change this channel's settings",
  writes: true,
  needsPosting: true,
  uses: ['rhythm', 'watches'],
  async run({ schedule }, ctx) {
    const channel = requireChannel(ctx);
    const digest = parseDigest(schedule);
    const { rhythm, watches } = ctx.services;
    const settings = await rhythm.setDigest(channel, digest, ctx.now);
    const said = digest
      ? `This channel now gets ${describeDigest(digest)} (${settings.timezone}): the top ${STORIES_PER_MESSAGE} stories its watches matched since the previous one, by how many outlets carry them.`
      : 'The digest is off. Alerts held for it go out now, as one message.';
    return { ...settingsAnswer(settings, (await watches.list(channel)).length, digest ? `Digest: ${digest.every}` : 'Digest: off', [said]), announce: true };
  },
});
