import { SLASH_COMMAND } from './slash-command.ts';

/** What the bot needs, scope by scope: */
export const BOT_SCOPES = [
  'commands', // /ainews
  'chat:write', // alerts
  'channels:history', // finding a lost alert again: in public channels,
  'groups:history', // private ones,
  'im:history', // direct messages
  'mpim:history', // and group DMs
  'channels:read', // telling whether the bot is in a channel
  'groups:read',
  'im:read',
  'mpim:read',
  'users:read', // telling workspace admins, who may add feeds
  'files:write', // trends charts and weekly digests' charts, as pictures
  'usergroups:read', // mention:@team on a watch: finding the user group by its handle
];

/**
 * A Slack app manifest for ainews: paste it at api.slack.com/apps → Create New App → From a manifest.
 * Socket Mode unless a public HTTPS base URL is given, where Slack then sends /slack/events.
 */
export function slackManifest(options: { name?: string; httpUrl?: string } = {}) {
  const name = options.name ?? 'ainews';
  const events = options.httpUrl ? `${options.httpUrl.replace(/\/+$/, '')}/slack/events` : undefined;
  return {
    display_information: {
      name,
      description: 'AI news alerts and search, in English and Chinese',
      background_color: '#1f2937',
    },
    features: {
      bot_user: { display_name: name, always_online: true },
      slash_commands: [
        {
          command: SLASH_COMMAND,
          ...(events ? { url: events } : {}),
          description: 'Search AI news, and choose what this channel watches',
          usage_hint: 'gpt-5 | watch <keyword> | watches | help',
          should_escape: false,
        },
      ],
    },
    oauth_config: { scopes: { bot: BOT_SCOPES } },
    settings: {
      interactivity: { is_enabled: true, ...(events ? { request_url: events } : {}) },
      org_deploy_enabled: false,
      socket_mode_enabled: !events,
      token_rotation_enabled: false,
    },
  };
}
