import { DiscordAPIError, Routes, type APIMessage, type REST } from 'discord.js';
import { PlatformError, type Alert, type AlertSender, type Notice, type Roundup, type StoryUpdate } from '../../delivery/port.ts';
import { toPlatformError } from './discord-errors.ts';
import { alertEmbed } from './render-alert.ts';
import { noticeBody } from './render-notice.ts';
import { CHART_FILENAME, roundupBody } from './render-roundup.ts';

// Discord's snowflakes count milliseconds from 2015-01-01.
const DISCORD_EPOCH = 1_420_070_400_000n;
const CLOCK_SKEW_MS = 60_000;
const MISSING_PERMISSIONS = 50013;

/**
 * The nonce of an alert's message, at most the 25 characters Discord allows: this installation's id and
 * the outbox id. Discord compares nonces across all of the bot's messages, hence the installation.
 */
export function alertNonce(installId: string, deliveryId: number): string {
  return `${installId}-${deliveryId}`.slice(0, 25);
}

/** The ainews channel name's Discord channel id (`discord:123` → `123`); threads are channels too. */
export function discordChannelId(name: string): string {
  const match = /^discord:(\d{15,21})$/.exec(name);
  if (!match) throw new PlatformError(`"${name}" is not a Discord channel (discord:<channel id>, a number)`, { kind: 'channel-gone' });
  return match[1]!;
}

/**
 * Posts alerts with POST /channels/{id}/messages. Each carries a nonce with `enforce_nonce`, so that
 * Discord itself answers a repeat within a few minutes with the message it already has; when the outcome
 * of an attempt is unknown, the channel's recent messages are looked through first, which also covers a
 * repeat after longer (a crash). Every request is bounded by `sendTimeoutMs`, body included.
 */
export class DiscordSender implements AlertSender {
  readonly platform = 'discord' as const;
  /** Discord allows five messages per five seconds in a channel. */
  readonly minIntervalMs = 1000;
  private botId: Promise<string> | null = null;

  /** `rest` must hand rate limits over (`rejectOnRateLimit`) and not retry by itself. */
  constructor(
    private readonly rest: REST,
    private readonly options: { installId: string; sendTimeoutMs: number },
  ) {}

  async send(alert: Alert): Promise<string> {
    try {
      const channel = discordChannelId(alert.channel);
      const message = (await this.rest.post(Routes.channelMessages(channel), {
        body: { ...mentionOf(alert), embeds: [alertEmbed(alert)], nonce: alertNonce(this.options.installId, alert.deliveryId), enforce_nonce: true },
        signal: AbortSignal.timeout(this.options.sendTimeoutMs),
      })) as APIMessage;
      // A nonce answered with a message elsewhere belongs to something else: never take it for this alert.
      if (message.channel_id !== channel) throw new PlatformError(`Discord matched the nonce to a message in another channel (${message.channel_id})`, { kind: 'refused' });
      return message.id;
    } catch (error) {
      throw toPlatformError(error);
    }
  }

  /**
   * A story's later sources, by editing the alert to name every source: an edit notifies nobody, so a
   * story told by twenty outlets never becomes twenty pings, and repeating it after an unknown outcome
   * does no harm.
   */
  async sendUpdate(update: StoryUpdate): Promise<string> {
    try {
      const channel = discordChannelId(update.channel);
      const message = (await this.rest.patch(Routes.channelMessage(channel, update.alertMessageId), {
        body: { embeds: [alertEmbed(update.alert)], allowed_mentions: { parse: [] } },
        signal: AbortSignal.timeout(this.options.sendTimeoutMs),
      })) as APIMessage;
      return message.id;
    } catch (error) {
      throw toPlatformError(error);
    }
  }

  /** A fold or digest as one message, with a weekly digest's chart attached: one request, repeatable by its nonce. */
  async sendRoundup(roundup: Roundup): Promise<string> {
    try {
      const channel = discordChannelId(roundup.channel);
      const post = async (chart: Roundup['chart'], note: string | null) => {
        const said = roundupBody(note ? { ...roundup, footer: [roundup.footer, note].filter(Boolean).join(' ') } : roundup);
        const body = { ...said, allowed_mentions: { parse: [] }, nonce: alertNonce(this.options.installId, roundup.deliveryId), enforce_nonce: true };
        const message = (await this.rest.post(Routes.channelMessages(channel), {
          body: chart ? { ...body, attachments: [{ id: 0, filename: CHART_FILENAME, description: chart.alt }] } : body,
          ...(chart ? { files: [{ name: CHART_FILENAME, data: chart.png, contentType: 'image/png' }] } : {}),
          signal: AbortSignal.timeout(this.options.sendTimeoutMs),
        })) as APIMessage;
        if (message.channel_id !== channel) throw new PlatformError(`Discord matched the nonce to a message in another channel (${message.channel_id})`, { kind: 'refused' });
        return message.id;
      };
      try {
        return await post(roundup.chart, null);
      } catch (error) {
        // Without Attach Files, Discord refuses the whole message (Missing Permissions): the digest goes
        // without its chart rather than not at all; a channel the bot cannot post in refuses this too.
        if (!roundup.chart || !(error instanceof DiscordAPIError) || Number(error.code) !== MISSING_PERMISSIONS) throw error;
        return await post(null, '(The chart could not be attached: the bot needs Attach Files here.)');
      }
    } catch (error) {
      throw toPlatformError(error);
    }
  }

  async findPostedRoundup(roundup: Roundup, since: Date): Promise<string | null> {
    const { content } = roundupBody(roundup);
    return this.findOwn(roundup.channel, since, (m) => m.content === content);
  }

  /** A notice (a feed down, or back) as plain content, with its nonce, pinging no one. */
  async sendNotice(notice: Notice): Promise<string> {
    try {
      const channel = discordChannelId(notice.channel);
      const message = (await this.rest.post(Routes.channelMessages(channel), {
        body: { ...noticeBody(notice), allowed_mentions: { parse: [] }, nonce: alertNonce(this.options.installId, notice.deliveryId), enforce_nonce: true },
        signal: AbortSignal.timeout(this.options.sendTimeoutMs),
      })) as APIMessage;
      if (message.channel_id !== channel) throw new PlatformError(`Discord matched the nonce to a message in another channel (${message.channel_id})`, { kind: 'refused' });
      return message.id;
    } catch (error) {
      throw toPlatformError(error);
    }
  }

  /** Discord gives no nonce back in a channel's history: the bot's message with the notice's content is it. */
  async findPostedNotice(notice: Notice, since: Date): Promise<string | null> {
    const { content } = noticeBody(notice);
    return this.findOwn(notice.channel, since, (m) => m.content === content);
  }

  async findPosted(alert: Alert, since: Date): Promise<string | null> {
    // The outbox holds one alert per item and channel: the bot's message with this item's embed is it.
    const { title, url } = alertEmbed(alert);
    return this.findOwn(alert.channel, since, (m) => m.embeds[0]?.title === title && m.embeds[0]?.url === url);
  }

  /** The bot's first message in the channel since `since` (give or take the clock skew) that `matches`. */
  private async findOwn(channelName: string, since: Date, matches: (message: APIMessage) => boolean): Promise<string | null> {
    const after = String((BigInt(since.getTime() - CLOCK_SKEW_MS) - DISCORD_EPOCH) << 22n);
    try {
      const botId = await (this.botId ??= this.rest.get(Routes.user('@me'), { signal: AbortSignal.timeout(this.options.sendTimeoutMs) }).then(
        (user) => (user as { id: string }).id,
        (error: unknown) => {
          this.botId = null;
          throw error;
        },
      ));
      const messages = (await this.rest.get(Routes.channelMessages(discordChannelId(channelName)), {
        query: new URLSearchParams({ after, limit: '100' }),
        signal: AbortSignal.timeout(this.options.sendTimeoutMs),
      })) as APIMessage[];
      const found = messages.find((m) => m.author.id === botId && matches(m));
      return found?.id ?? null;
    } catch (error) {
      const reason = toPlatformError(error);
      // Without Read Message History the look cannot be made: the nonce still stops a repeat.
      if (reason.failure.kind === 'channel-gone') return null;
      throw reason;
    }
  }
}

/**
 * The ping of an alert's mention, and the allowed mentions that let exactly it through: a role as
 * `<@&id>`, a user as `<@id>`. `parse` stays empty, so nothing else in the message (feed text, however
 * hostile) can ping anyone. Without a mention, nothing pings.
 */
function mentionOf(alert: Alert): { content?: string; allowed_mentions: { parse: []; roles?: string[]; users?: string[] } } {
  const target = alert.mention;
  if (!target || !/^\d{15,21}$/.test(target.id)) return { allowed_mentions: { parse: [] } };
  if (target.kind === 'role') return { content: `<@&${target.id}>`, allowed_mentions: { parse: [], roles: [target.id] } };
  if (target.kind === 'user') return { content: `<@${target.id}>`, allowed_mentions: { parse: [], users: [target.id] } };
  return { allowed_mentions: { parse: [] } };
}
