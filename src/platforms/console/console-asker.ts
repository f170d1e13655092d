import type { Asker } from '../../../commands/dispatch.ts';
import { MentionError, refuseBroadcast, type MentionTarget } from '../../mention.ts';

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
    resolveMention: async (target) => consoleMention(options.channel, target),
  };
}

/**
 * A mention typed at the console or the CLI, where no platform can be asked who a name is: in a console
 * channel, the name itself (printed with the alert); in a Slack or Discord channel, an id in the form
 * the platform writes it.
 */
function consoleMention(channel: string | null, target: string): MentionTarget {
  const typed = target.trim();
  refuseBroadcast(typed);
  if (channel?.startsWith('slack:')) {
    const match = /^<(@|!subteam\^)([A-Z0-9]+)(?:\|[^>]*)?>$/.exec(typed);
    if (!match) throw new MentionError('from the command line, name a Slack user or user group by its id: <@U0123ABCD> or <!subteam^S0123ABCD>');
    return { kind: match[1] === '@' ? 'user' : 'group', id: match[2]!, label: typed };
  }
  if (channel?.startsWith('discord:')) {
    const match = /^<@(&|!)?(\d{15,21})>$/.exec(typed);
    if (!match) throw new MentionError('from the command line, name a Discord role or user by its id: <@&123…> or <@123…>');
    return { kind: match[1] === '&' ? 'role' : 'user', id: match[2]!, label: typed };
  }
  if (!/^@?[\w.-]{1,80}$/.test(typed)) throw new MentionError(`"${typed}" is not a name to mention: write @name`);
  return { kind: 'user', id: typed.replace(/^@/, ''), label: `@${typed.replace(/^@/, '')}` };
}
