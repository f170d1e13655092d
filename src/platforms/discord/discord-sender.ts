import { Routes, type APIMessage, type REST } from 'discord.js';
import type { Alert, AlertSender } from '../../delivery/port.ts';
import { toPlatformError } from './discord-errors.ts';
import { alertEmbed } from './render-alert.ts';

// Discord's snowflakes count milliseconds from 2015-01-01.
const DISCORD_EPOCH = 1_420_070_400_000n;
const CLOCK_SKEW_MS = 60_000;

/** The nonce of an alert's message: Discord allows at most 25 characters. */
export function alertNonce(deliveryId: number): string {
  return `ainews-${deliveryId}`;
}

/** The ainews channel name's Discord channel id (`discord:123` → `123`); threads are channels too. */
export function discordChannelId(name: string): string {
  const match = /^discord:(\d{15,21})$/.exec(name);
  if (!match) throw new Error(`"${name}" is not a Discord channel name (discord:<channel id>)`);
  return match[1]!;
}

/**
 * Posts alerts with POST /channels/{id}/messages. Each carries a nonce derived from its delivery id with
 * `enforce_nonce`, so that Discord itself answers a repeat with the message it already has; when the
 * outcome of an attempt is unknown, the channel's recent messages are also looked through first.
 */
export class DiscordSender implements AlertSender {
  readonly platform = 'discord' as const;
  /** Discord allows five messages per five seconds in a channel. */
  readonly minIntervalMs = 1000;
  private botId: Promise<string> | null = null;

  /** `rest` must hand rate limits over (`rejectOnRateLimit`) and not retry by itself. */
  constructor(private readonly rest: REST) {}

  async send(alert: Alert): Promise<string> {
    try {
      const message = (await this.rest.post(Routes.channelMessages(discordChannelId(alert.channel)), {
        body: { embeds: [alertEmbed(alert)], allowed_mentions: { parse: [] }, nonce: alertNonce(alert.deliveryId), enforce_nonce: true },
      })) as APIMessage;
      return message.id;
    } catch (error) {
      throw toPlatformError(error);
    }
  }

  async findPosted(alert: Alert, since: Date): Promise<string | null> {
    const after = String((BigInt(since.getTime() - CLOCK_SKEW_MS) - DISCORD_EPOCH) << 22n);
    try {
      const botId = await (this.botId ??= this.rest.get(Routes.user('@me')).then(
        (user) => (user as { id: string }).id,
        (error: unknown) => {
          this.botId = null;
          throw error;
        },
      ));
      const messages = (await this.rest.get(Routes.channelMessages(discordChannelId(alert.channel)), {
        query: new URLSearchParams({ after, limit: '100' }),
      })) as APIMessage[];
      // The outbox holds one alert per item and channel: the bot's message with this item's embed is it.
      const { title, url } = alertEmbed(alert);
      const found = messages.find((m) => m.author.id === botId && m.embeds[0]?.title === title && m.embeds[0]?.url === url);
      return found?.id ?? null;
    } catch (error) {
      const reason = toPlatformError(error);
      // Without Read Message History the look cannot be made: the nonce still stops a repeat.
      if (reason.options.channelGone) return null;
      throw reason;
    }
  }
}
