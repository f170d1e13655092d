import { sparkline } from '../src/charts/sparkline.ts';
import { TREND_PERIODS, TREND_WATCHES } from '../src/rhythm/trends.ts';
import { CommandError, defineCommand, requireChannel } from './types.ts';

const PERIODS = TREND_PERIODS.map((days) => `${days}d`);

export const trendsCommand = defineCommand({
  name: 'trends',
  usage: `trends [${PERIODS.join('|')}]`,
  summary: `chart the stories per day for each of this channel's watches (up to ${TREND_WATCHES})`,
  description: "Chart stories per day for this channel's watches",
  options: [{ name: 'period', type: 'string', description: `the period: ${PERIODS.join(', ')} (default 7d)`, choices: PERIODS.map((p) => ({ name: p, value: p })) }],
  access: 'anyone',
  // Drawing the picture takes a moment: platforms that must answer within seconds defer.
  writes: true,
  uses: ['trends'],
  async run({ period = '7d' }, ctx) {
    const channel = requireChannel(ctx);
    const days = Number(/^(\d+)d$/.exec(period.trim().toLowerCase())?.[1]);
    if (!(TREND_PERIODS as readonly number[]).includes(days)) throw new CommandError(`"${period}" is not a period trends can chart; choose ${PERIODS.join(', ')}`);
    const { data, leftOut, zone } = await ctx.services.trends.of(channel, days, ctx.now);
    if (data.series.length === 0) throw new CommandError('this channel watches nothing yet, so there is nothing to chart; add a watch with /ainews watch <keyword>');
    const width = Math.max(...data.series.map((s) => s.label.length));
    const lines = data.series.map((s) => `${s.label.padEnd(width)}  ${sparkline(s.counts)}  ${s.counts.reduce((a, b) => a + b, 0)} stories`);
    if (leftOut) lines.push(`(${leftOut} more ${leftOut === 1 ? 'watch is' : 'watches are'} not drawn: a chart shows the first ${TREND_WATCHES})`);
    return {
      kind: 'chart',
      heading: `Stories per day in ${channel}, last ${days} days (${zone}, ${data.days[0]} to ${data.days.at(-1)})`,
      chart: data,
      lines,
      data: { channel, days: data.days, timezone: zone, series: data.series.map((s) => ({ watch: s.label, counts: s.counts })) },
    };
  },
});
