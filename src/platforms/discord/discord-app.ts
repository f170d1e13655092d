import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Events, GatewayIntentBits, REST } from 'discord.js';
import { Dispatcher } from '../../../commands/dispatch.ts';
import { COMMANDS, type CommandDefinition, type CommandServices } from '../../../commands/index.ts';
import { CommandRateLimiter } from '../../../commands/rate-limit.ts';
import type { Config } from '../../config.ts';
import type { Logger } from '../../log.ts';
import { ConnectionTracker, type ConnectionState } from '../connection-state.ts';
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
  /** Whether the gateway session is up, or being resumed or logged in again (for /healthz). */
  state(): ConnectionState;
}

type DiscordConfig = Pick<
  Config,
  'DISCORD_TOKEN' | 'DISCORD_APPLICATION_ID' | 'DISCORD_API_URL' | 'DISCORD_WATCH_PERMISSION' | 'AINEWS_ADMINS' | 'DELIVERY_SEND_TIMEOUT' | 'COMMANDS_PER_MINUTE'
>;

const READY_TIMEOUT_MS = 60_000;

/** A REST client for Discord at DISCORD_API_URL, which hands rate limits to its caller instead of waiting. */
export function discordRest(config: Pick<Config, 'DISCORD_TOKEN' | 'DISCORD_API_URL' | 'DELIVERY_SEND_TIMEOUT'>): REST {
  return new REST({ api: config.DISCORD_API_URL, version: '10', timeout: config.DELIVERY_SEND_TIMEOUT, retries: 0, rejectOnRateLimit: () => true }).setToken(
    config.DISCORD_TOKEN ?? '',
  );
}

/** How long stopping waits for each step of closing the gateway. */
const STOP_WAIT_MS = 3000;

/** Waits for `promise` to settle, but no longer than `ms`. */
async function settledWithin(promise: Promise<unknown> | undefined | null, ms: number): Promise<void> {
  if (!promise) return;
  await Promise.race([promise.catch(() => undefined), sleep(ms, undefined, { ref: false })]);
}

/**
 * Discord, when DISCORD_TOKEN and DISCORD_APPLICATION_ID are set: a gateway client with the Guilds
 * intent only (slash commands need no more), answering /ainews; and a sender for alerts that works on
 * its own REST client, so alerts do not wait for the gateway. `commands` replaces the set of commands
 * answered (tests add one of their own).
 */
export function createDiscord(
  config: DiscordConfig,
  services: CommandServices,
  log: Logger,
  options: { installId: string; retryBaseMs?: number; commands?: readonly CommandDefinition[]; onCommandAnswered?: (seconds: number) => void },
): DiscordPlatform | null {
  const token = config.DISCORD_TOKEN;
  if (!token || !config.DISCORD_APPLICATION_ID) return null;
  const discordLog = log.child({ component: 'discord' });
  const deps = {
    dispatcher: new Dispatcher({
      commands: options.commands ?? COMMANDS,
      services,
      limiter: new CommandRateLimiter(config.COMMANDS_PER_MINUTE),
      onBug: (error, command) => discordLog.error({ err: error, command }, 'command failed'),
      onAnswered: options.onCommandAnswered,
    }),
    services,
    admins: config.AINEWS_ADMINS,
    watchPermission: config.DISCORD_WATCH_PERMISSION,
    pages: new MorePages(),
    log: discordLog,
  };
  const stopping = new AbortController();
  let client: Client | null = null;
  let connecting: Promise<boolean> | null = null;
  const connection = new ConnectionTracker();

  // A fresh client for every attempt: discord.js cannot log a destroyed client in again.
  const newClient = () => {
    const made = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: config.DISCORD_API_URL }, allowedMentions: { parse: [] } });
    made.on(Events.InteractionCreate, (interaction) => void handleInteraction(interaction, deps));
    made.on(Events.Error, (error) => discordLog.error({ err: error }, 'Discord client error'));
    made.on(Events.Warn, (message) => discordLog.warn(message));
    made.on(Events.ShardResume, () => {
      if (made === client) connection.connected();
      discordLog.info('Discord gateway session resumed');
    });
    // While discord.js resumes a dropped session by itself, the bot is reconnecting: up once resumed or ready.
    made.on(Events.ShardReconnecting, () => {
      if (made === client) connection.connecting();
    });
    made.on(Events.ShardReady, () => {
      if (made === client) connection.connected();
    });
    // discord.js reconnects and resumes by itself; it gives up only on close codes it cannot recover
    // from (a reset token, say), and then so does this client: start over with a new one.
    made.on(Events.ShardDisconnect, (event) => {
      if (made !== client || stopping.signal.aborted) return;
      discordLog.error({ code: event.code }, 'the Discord gateway closed for good; logging in again');
      void made.destroy();
      client = null;
      void connect();
    });
    return made;
  };
  const loginOnce = async () => {
    const attempt = newClient();
    client = attempt;
    // Ready within a minute, or this attempt is given up and another made (the gateway may have closed
    // for good between login and ready).
    const ready = once(attempt, Events.ClientReady, { signal: AbortSignal.any([stopping.signal, AbortSignal.timeout(READY_TIMEOUT_MS)]) });
    ready.catch(() => undefined);
    const login = attempt.login(token);
    login.catch(() => undefined);
    try {
      // Stopping (which ends `ready`) ends a login still waiting for Discord: its request goes on until
      // its timeout, unheard, rather than holding the stop up.
      await Promise.race([login, ready]);
      await ready;
    } catch (error) {
      client = null;
      await attempt.destroy();
      throw error;
    }
    discordLog.info({ user: attempt.user?.tag, guilds: attempt.guilds.cache.size }, 'Discord connected: /ainews is answered');
  };
  const connect = () =>
    (connecting ??= connection.track(keepStarting('Discord', loginOnce, discordLog, stopping.signal, options.retryBaseMs)).finally(() => {
      connecting = null;
    }));
  return {
    sender: new DiscordSender(discordRest(config), { installId: options.installId, sendTimeoutMs: config.DELIVERY_SEND_TIMEOUT }),
    start: connect,
    state: () => connection.state,
    async stop() {
      connection.stopped();
      stopping.abort();
      // Destroying the client ends a login still in progress too, so that waiting for it is short. But
      // discord.js may never settle a destroy that lands mid-handshake: each wait is bounded, so that
      // stopping never hangs on it (the aborted login closes its socket by itself).
      await settledWithin(client?.destroy(), STOP_WAIT_MS);
      await settledWithin(connecting, STOP_WAIT_MS);
      await settledWithin(client?.destroy(), STOP_WAIT_MS);
      client = null;
    },
  };
}
