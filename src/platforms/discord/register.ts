import { OAuth2Scopes, PermissionFlagsBits, PermissionsBitField, Routes, type REST, type RESTPutAPIApplicationCommandsResult } from 'discord.js';
import { commandDefinitions } from './slash-commands.ts';

/**
 * Registers the slash commands with one bulk PUT, which replaces what was registered before: running it
 * again changes nothing. For one guild they are usable at once (handy while setting up); globally,
 * Discord may take a while to show them everywhere.
 */
export async function registerCommands(rest: REST, applicationId: string, guildId?: string): Promise<RESTPutAPIApplicationCommandsResult> {
  const route = guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId);
  return (await rest.put(route, { body: commandDefinitions() })) as RESTPutAPIApplicationCommandsResult;
}

/** What the bot needs in the channels it posts to. */
export const BOT_PERMISSIONS = new PermissionsBitField([
  PermissionFlagsBits.ViewChannel,
  PermissionFlagsBits.SendMessages,
  PermissionFlagsBits.SendMessagesInThreads,
  PermissionFlagsBits.EmbedLinks,
  // Trends charts, and the chart of a weekly digest.
  PermissionFlagsBits.AttachFiles,
  // Finding an alert again after a lost answer.
  PermissionFlagsBits.ReadMessageHistory,
]);

/** The link a server admin opens to add the bot, with its slash commands and the permissions above. */
export function inviteUrl(applicationId: string): string {
  const query = new URLSearchParams({
    client_id: applicationId,
    scope: [OAuth2Scopes.Bot, OAuth2Scopes.ApplicationsCommands].join(' '),
    permissions: BOT_PERMISSIONS.bitfield.toString(),
  });
  return `https://discord.com/oauth2/authorize?${query}`;
}
