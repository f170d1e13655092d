import type { Asker } from '../../../commands/dispatch.ts';

/**
 * Someone typing commands for a console channel (an admin when `admins` lists `console:<user>`), or the
 * operator at the CLI. The console prints alerts, so the bot can always post there; in another
 * platform's channel named from the CLI it cannot tell, and says nothing.
 */
export function consoleAsker(options: { channel: string | null; user: string; admins: readonly string[]; pageSize?: number }): Asker {
  const admin = options.admins.includes(`console:${options.user}`);
  return {
    id: `console:${options.user}`,
    name: options.user,
    channel: options.channel,
    pageSize: options.pageSize,
    isAdmin: async () => admin,
    // Whoever types in a console channel runs the bot on their own machine.
    isChannelManager: async () => true,
    whoMay: () => 'the operator at the command line, and the users in AINEWS_ADMINS',
    cannotPost: async () => null,
  };
}
