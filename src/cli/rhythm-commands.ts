import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { trendsCommand } from '../../commands/trends.ts';
import { channelPlatform } from '../channel-name.ts';
import { trendPng } from '../charts/render-png.ts';
import { ConsoleChat, OPERATOR } from '../platforms/console/console-chat.ts';
import { ConsoleSender } from '../platforms/console/console-sender.ts';
import { renderAnswer } from '../platforms/console/render-answer.ts';
import { CliError, printJson, withApp } from './context.ts';

export function registerRhythmCommands(program: Command): void {
  program
    .command('digest')
    .description("a channel's digest")
    .command('send')
    .argument('<channel>', 'the channel, e.g. console:team or slack:T123/C456')
    .option('--json', 'print what was queued as JSON')
    .description('build the channel\'s digest now and queue it as its schedule would; console channels get it at once')
    .action(async (channel: string, opts: { json?: boolean }) => {
      const platform = channelPlatform(channel);
      await withApp(async (app) => {
        const { id, stories } = await app.rhythm.sendDigest(channel);
        const delivered = platform === 'console' && id !== null ? await app.deliveryWorker([new ConsoleSender((text) => console.log(text))]).drain() : 0;
        if (opts.json) return printJson({ channel, queued: id !== null, outbox_id: id, stories, delivered: delivered > 0 });
        if (id === null) return console.log(`nothing to send: no story matched the watches of ${channel} since its previous digest`);
        console.log(`digest of ${stories} ${stories === 1 ? 'story' : 'stories'} queued for ${channel} (outbox #${id})${platform === 'console' ? '' : '; "ainews run" delivers it'}`);
      });
    });

  program
    .command('trends')
    .argument('<channel>', 'the channel whose watches to chart')
    .argument('[period]', 'the period: 7d, 14d or 30d', '7d')
    .option('--png <file>', 'write the chart as a PNG picture to this file')
    .option('--json', 'print the counts as JSON')
    .description("stories per day for each of a channel's watches: a sparkline each, or a PNG picture")
    .action(async (channel: string, period: string, opts: { png?: string; json?: boolean }) => {
      channelPlatform(channel);
      await withApp(async (app) => {
        const answer = await ConsoleChat.forOperator(app, app.log).run(trendsCommand, { period }, { channel, user: OPERATOR });
        if (answer.kind === 'error') throw new CliError(answer.message);
        if (answer.kind !== 'chart') throw new Error(`trends answered with a ${answer.kind}`);
        if (opts.png) writeFileSync(opts.png, trendPng(answer.chart));
        if (opts.json) return printJson(answer.data);
        console.log(renderAnswer(answer));
        if (opts.png) console.log(`chart written to ${opts.png}`);
      });
    });
}
