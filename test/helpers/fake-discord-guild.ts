import type { APIGuildMember, APITextChannel, APIUser, GuildMemberFlags } from 'discord-api-types/v10';

/** What the fake Discord's one server is made of. */
export interface FakeGuild {
  guildId: string;
  userId: string;
  botUser: APIUser;
  roles: { id: string; name: string; mentionable: boolean }[];
  channel: APITextChannel;
  /** What every role may do (an ordinary member's rights). */
  permissions: bigint;
}

/** The GUILD_CREATE the fake dispatches after READY: the server, its roles, the bot as a member and its one channel. */
export function guildCreate({ guildId, userId, botUser, roles, channel, permissions }: FakeGuild) {
  const joinedAt = new Date(0).toISOString();
  const role = (id: string, name: string, mentionable = false) => ({ id, name, color: 0, colors: { primary_color: 0, secondary_color: null, tertiary_color: null }, hoist: false, icon: null, unicode_emoji: null, position: 0, permissions: String(permissions), managed: false, mentionable, flags: 0 });
  const everyone = role(guildId, '@everyone');
  const me: APIGuildMember = { user: botUser, nick: null, avatar: null, banner: null, roles: [], joined_at: joinedAt, premium_since: null, deaf: false, mute: false, flags: 0 as GuildMemberFlags, pending: false };
  return {
    id: guildId, name: 'Test Guild', icon: null, splash: null, discovery_splash: null, banner: null, description: null, owner_id: userId,
    afk_channel_id: null, afk_timeout: 300, verification_level: 0, default_message_notifications: 0, explicit_content_filter: 0, mfa_level: 0, nsfw_level: 0, premium_tier: 0,
    features: [], application_id: null, system_channel_id: null, system_channel_flags: 0, rules_channel_id: null, public_updates_channel_id: null, safety_alerts_channel_id: null,
    vanity_url_code: null, preferred_locale: 'en-US', premium_progress_bar_enabled: false, joined_at: joinedAt, large: false, unavailable: false, member_count: 2,
    roles: [everyone, ...roles.map((r) => role(r.id, r.name, r.mentionable))], emojis: [], stickers: [], members: [me], channels: [channel], threads: [], presences: [], voice_states: [], stage_instances: [], guild_scheduled_events: [], soundboard_sounds: [],
  };
}
