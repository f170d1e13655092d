import type { webApi } from '@slack/bolt';
import type { Alert, AlertSender } from '../../delivery/port.ts';
import { alertMessage } from './render-alert.ts';
import { slackChannelId } from './slack-channel.ts';
import { toPlatformError } from './slack-errors.ts';

/** The metadata event type that marks ainews alerts, so that a lost post can be found again. */
export const ALERT_EVENT = 'ainews_alert';

// Slack's clock and ours may differ a little: history is searched from a minute before the attempt.
const CLOCK_SKEW_MS = 60_000;
const HISTORY_PAGES = 5;

/**
 * Posts alerts with chat.postMessage. Each message carries the alert's delivery id as metadata, which
 * `findPosted` looks for in the channel's history.
 */
export class SlackSender implements AlertSender {
  readonly platform = 'slack' as const;
  /** Slack allows about one message a second in a channel. */
  readonly minIntervalMs = 1000;

  /** `client` must not retry by itself: the outbox retries, after looking for what may have landed. */
  constructor(
    private readonly client: webApi.WebClient,
    private readonly options: { unfurl: boolean },
  ) {}

  async send(alert: Alert): Promise<string> {
    const channel = slackChannelId(alert.channel);
    try {
      const result = await this.client.chat.postMessage({
        channel,
        ...alertMessage(alert),
        // Slack unfurls when these are left out.
        unfurl_links: this.options.unfurl,
        unfurl_media: this.options.unfurl,
        metadata: { event_type: ALERT_EVENT, event_payload: { delivery_id: alert.deliveryId, item_id: alert.itemId } },
      });
      return result.ts ?? `${channel}/unknown`;
    } catch (error) {
      throw toPlatformError(error);
    }
  }

  async findPosted(alert: Alert, since: Date): Promise<string | null> {
    const channel = slackChannelId(alert.channel);
    const oldest = ((since.getTime() - CLOCK_SKEW_MS) / 1000).toFixed(6);
    let cursor: string | undefined;
    try {
      for (let page = 0; page < HISTORY_PAGES; page++) {
        const result = await this.client.conversations.history({ channel, oldest, include_all_metadata: true, limit: 200, cursor });
        const found = result.messages?.find((message) => {
          const metadata = message.metadata as { event_type?: string; event_payload?: Record<string, unknown> } | undefined;
          return metadata?.event_type === ALERT_EVENT && metadata.event_payload?.delivery_id === alert.deliveryId && metadata.event_payload?.item_id === alert.itemId;
        });
        if (found?.ts) return found.ts;
        cursor = result.response_metadata?.next_cursor || undefined;
        if (!result.has_more || !cursor) return null;
      }
      return null;
    } catch (error) {
      throw toPlatformError(error);
    }
  }
}
