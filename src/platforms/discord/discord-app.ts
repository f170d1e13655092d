import { once } from 'node:events';
import { Client, Events, GatewayIntentBits, REST } from 'discord.js';
import type { CommandServices } from '../../../commands/index.ts';
import { CommandRateLimiter } from '../../../commands/rate-limit.ts';
import type { Config } from '../../config.ts';
import type { Logger } from '../../log.ts';
import { keepStarting } from '../keep-starting.ts';
import { DiscordSender } from './discord-sender.ts';
import { handleInteraction } from './interactions.ts';
import { MorePages } from './more-pages.ts';

export interface DiscordPlatform {
  sender: DiscordSender;
  /**
   * Logs in to the gateway, retrying while Discord is unreachable; resolves true once ready, false when
   * given up (a rejected token) or stopped. discord.js then reconnects and resumes by itself.
   */
  start(): Promise<boolean>;
  stop(): Promise<void>;
}

type DiscordConfig = Pick<
  Config,
  'DISCORD_TOKEN' | 'DISCORD_APPLICATION_ID' | 'DISCORD_API_URL' | 'DISCORD_WATCH_PERMISSION' | 'AINEWS_ADMINS' | 'DELIVERY_SEND_TIMEOUT' | 'COMMANDS_PER_MINUTE'
>;

/** A REST client for Discord at DISCORD_API_URL, which hands rate limits to its caller instead of waiting. */
export function discordRest(config: Pick<Config, 'DISCORD_TOKEN' | 'DISCORD_API_URL' | 'DELIVERY_SEND_TIMEOUT'>): REST {
  return new REST({ api: config.DISCORD_API_URL, version: '10', timeout: config.DELIVERY_SEND_TIMEOUT, retries: 0, rejectOnRateLimit: () => true }).setToken(
    config.DISCORD_TOKEN ?? '',
  );
}

/**
 * Discord, when DISCORD_TOKEN and DISCORD_APPLICATION_ID are set: a gateway client with the Guilds
 * intent only (slash commands need no more), answering /ainews; and a sender for alerts that works on
 * its own REST client, so alerts do not wait for the gateway.
 */
export function createDiscord(config: DiscordConfig, services: CommandServices, log: Logger, options: { retryBaseMs?: number } = {}): DiscordPlatform | null {
  const token = config.DISCORD_TOKEN;
  if (!token || !config.DISCORD_APPLICATION_ID) return null;
  const discordLog = log.child({ component: 'discord' });
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: config.DISCORD_API_URL }, allowedMentions: { parse: [] } });
  const deps = { services, admins: config.AINEWS_ADMINS, watchPermission: config.DISCORD_WATCH_PERMISSION, pages: new MorePages(), limiter: new CommandRateLimiter(config.COMMANDS_PER_MINUTE), log: discordLog };
  client.on(Events.InteractionCreate, (interaction) => void handleInteraction(interaction, deps));
  client.on(Events.Error, (error) => discordLog.error({ err: error }, 'Discord client error'));
  client.on(Events.Warn, (message) => discordLog.warn(message));
  client.on(Events.ShardDisconnect, (event) => discordLog.warn({ code: event.code }, 'the Discord gateway closed; reconnecting'));
  client.on(Events.ShardResume, () => discordLog.info('Discord gateway session resumed'));

  const stopping = new AbortController();
  let connecting: Promise<boolean> | null = null;
  const loginOnce = async () => {
    const ready = once(client, Events.ClientReady, { signal: stopping.signal });
    try {
      await client.login(token);
      await ready;
    } catch (error) {
      ready.catch(() => undefined);
      await client.destroy();
      throw error;
    }
    discordLog.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, 'Discord connected: /ainews is answered');
  };
  return {
    sender: new DiscordSender(discordRest(config)),
    start: () => (connecting ??= keepStarting('Discord', loginOnce, discordLog, stopping.signal, options.retryBaseMs)),
    async stop() {
      stopping.abort();
      await connecting;
      await client.destroy();
    },
  };
}
