import type { Command } from 'commander';
import { channelPlatform } from '../channel-name.ts';
import { CliError, printJson, withApp } from './context.ts';
import { table } from './table.ts';

export function registerChannelsCommands(program: Command): void {
  const channels = program.command('channels').description('the channels ainews posts to, and whether it still can');
  channels
    .command('list')
    .option('--json', 'print JSON')
    .description('every channel with watches: active, or inactive with the reason the platform gave')
    .action(async (opts: { json?: boolean }) => {
      await withApp(async (app) => {
        const rows = await app.watches.channels();
        if (opts.json) {
          return printJson(rows.map((c) => ({ id: c.id, platform: c.platform, active: c.active === 1, inactive_reason: c.inactive_reason, watches: c.watches, created_at: c.created_at })));
        }
        if (rows.length === 0) return console.log('no channels yet: add a watch with "ainews watch add <channel> <keyword>"');
        console.log(table(['CHANNEL', 'WATCHES', 'STATE'], rows.map((c) => [c.id, String(c.watches), c.active ? 'active' : `inactive: ${c.inactive_reason ?? ''}`])));
      });
    });
  channels
    .command('enable')
    .argument('<channel>', 'a channel marked inactive, e.g. slack:T123/C456')
    .description('queue alerts for an inactive channel again, once what made it inactive is fixed (a new bot token, an invitation)')
    .action(async (channel: string) => {
      channelPlatform(channel);
      await withApp(async (app) => {
        const before = await app.watches.channel(channel);
        if (!before) throw new CliError(`no channel ${channel}; "ainews channels list" shows them`);
        await app.watches.activate(channel);
        console.log(before.active ? `${channel} is already active` : `${channel} is active again (it was inactive: ${before.inactive_reason ?? 'no reason recorded'}); new alerts will be posted there`);
      });
    });
}
