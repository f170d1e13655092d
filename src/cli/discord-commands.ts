import type { Command } from 'commander';
import { CliError, loadCliConfig, printJson } from './context.ts';

/** The Discord settings a command needs, or a clear error naming the missing one. */
function discordConfig() {
  const config = loadCliConfig();
  if (!config.DISCORD_TOKEN || !config.DISCORD_APPLICATION_ID) {
    throw new CliError('set DISCORD_TOKEN and DISCORD_APPLICATION_ID (Developer Portal → your application) in the environment or .env');
  }
  return config;
}

export function registerDiscordCommands(program: Command): void {
  const discord = program.command('discord').description('set up the Discord bot');
  discord
    .command('register')
    .option('--guild <id>', 'register for one server only: usable at once (global registration can take a while to show)')
    .option('--json', 'print what Discord registered, as JSON')
    .description('register the /ainews and /ainews-admin slash commands (replaces what was registered; safe to run again)')
    .action(async (opts: { guild?: string; json?: boolean }) => {
      if (opts.guild !== undefined && !/^\d{15,21}$/.test(opts.guild)) throw new CliError(`--guild takes a server id, a number like 123456789012345678 (got "${opts.guild}")`);
      const config = discordConfig();
      // Loaded only for this command: discord.js is heavy.
      const { discordRest } = await import('../platforms/discord/discord-app.ts');
      const { registerCommands } = await import('../platforms/discord/register.ts');
      const registered = await registerCommands(discordRest(config), config.DISCORD_APPLICATION_ID!, opts.guild).catch((error: unknown) => {
        throw new CliError(`Discord refused the registration: ${(error as Error).message}`);
      });
      if (opts.json) return printJson(registered);
      const where = opts.guild ? `in server ${opts.guild}` : 'globally';
      console.log(`registered ${registered.length} commands ${where}: ${registered.map((c) => `/${c.name}`).join(', ')}`);
    });
  discord
    .command('invite')
    .description('print the link that adds the bot to a server, with its slash commands and the permissions it needs')
    .action(async () => {
      const config = discordConfig();
      const { inviteUrl } = await import('../platforms/discord/register.ts');
      console.log(inviteUrl(config.DISCORD_APPLICATION_ID!));
    });
}
