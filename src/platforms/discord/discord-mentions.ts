import { PermissionFlagsBits, type ButtonInteraction, type ChatInputCommandInteraction } from 'discord.js';
import { MentionError, refuseBroadcast, type MentionTarget } from '../../mention.ts';

/**
 * Who `mention:` names in this server: `<@&id>` or `@name` a role, `<@id>` a user (what Discord's
 * client writes when a mention is picked while typing). A role may be pinged by a member who may
 * mention @everyone, or when the role is mentionable: Discord's own rule for a member typing it.
 */
export async function resolveDiscordMention(interaction: ChatInputCommandInteraction | ButtonInteraction, target: string): Promise<MentionTarget> {
  const typed = target.trim();
  refuseBroadcast(typed);
  const user = /^<@!?(\d{15,21})>$/.exec(typed);
  if (user) return { kind: 'user', id: user[1]!, label: typed };
  const guild = interaction.guild;
  if (!guild) throw new MentionError('roles can be mentioned only in a server, and I cannot see this one’s roles yet; try again in a moment');
  const byId = /^<@&(\d{15,21})>$/.exec(typed);
  const name = typed.replace(/^@/, '').toLowerCase();
  const role = byId ? guild.roles.cache.get(byId[1]!) : guild.roles.cache.find((r) => r.name.toLowerCase() === name);
  if (!role) throw new MentionError(`this server has no role ${typed}; pick it from the list Discord shows as you type @`);
  if (role.id === guild.id) throw new MentionError('@everyone pings everyone in the channel: a watch may mention a user or a role, never everyone');
  if (!role.mentionable && interaction.memberPermissions?.has(PermissionFlagsBits.MentionEveryone) !== true) {
    throw new MentionError(`you may not mention @${role.name}: it is not mentionable, and you lack the "Mention @everyone, @here, and All Roles" permission`);
  }
  return { kind: 'role', id: role.id, label: `@${role.name}` };
}
