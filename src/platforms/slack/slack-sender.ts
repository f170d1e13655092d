import type { webApi } from '@slack/bolt';
import type { Alert, AlertSender, Notice, Roundup, StoryUpdate } from '../../delivery/port.ts';
import { alertMessage, updateMessage } from './render-alert.ts';
import { noticeMessage } from './render-notice.ts';
import { roundupMessage } from './render-roundup.ts';
import { slackChannelId } from './slack-channel.ts';
import { toPlatformError } from './slack-errors.ts';

/** The metadata event type that marks ainews alerts, so that a lost post can be found again. */
export const ALERT_EVENT = 'ainews_alert';

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

  /** A story's later sources, as a reply in the alert's thread (not sent to the channel as well). */
  async sendUpdate(update: StoryUpdate): Promise<string> {
    const channel = slackChannelId(update.channel);
    try {
      const result = await this.client.chat.postMessage({
        channel,
        thread_ts: update.alertMessageId,
        ...updateMessage(update),
        unfurl_links: false,
        unfurl_media: false,
        metadata: { event_type: ALERT_EVENT, event_payload: { delivery_id: update.deliveryId, story_id: update.storyId } },
      });
      return result.ts ?? `${channel}/unknown`;
    } catch (error) {
      throw toPlatformError(error);
    }
  }

  /**
   * A fold or digest as one message. A weekly digest's chart is uploaded first, shared nowhere, and
   * shown in the message as an image block: one message, so that a retry never posts the chart twice.
   */
  async sendRoundup(roundup: Roundup): Promise<string> {
    const channel = slackChannelId(roundup.channel);
    const post = (chartId: string | null, note: string | null) =>
      this.client.chat.postMessage({
        channel,
        ...roundupMessage(note ? { ...roundup, footer: [roundup.footer, note].filter(Boolean).join(' ') } : roundup, chartId),
        unfurl_links: false,
        unfurl_media: false,
        metadata: { event_type: ALERT_EVENT, event_payload: { delivery_id: roundup.deliveryId, kind: roundup.kind } },
      });
    // The chart is the digest's extra: an install without files:write, or a file Slack has not finished
    // processing (it then refuses the image block, posting nothing), still gets the digest, without it.
    let chartId: string | null = null;
    let note: string | null = null;
    if (roundup.chart) {
      try {
        chartId = await this.uploadChart(roundup.chart);
      } catch (error) {
        note = `(The chart could not be attached: ${slackErrorCode(error)}.)`;
      }
    }
    try {
      try {
        return (await post(chartId, note)).ts ?? `${channel}/unknown`;
      } catch (error) {
        if (chartId === null || slackErrorCode(error) !== 'invalid_blocks') throw error;
        return (await post(null, '(The chart could not be shown: Slack refused the picture.)')).ts ?? `${channel}/unknown`;
      }
    } catch (error) {
      throw toPlatformError(error);
    }
  }

  async findPostedRoundup(roundup: Roundup, since: Date): Promise<string | null> {
    const channel = slackChannelId(roundup.channel);
    return this.findMarked(
      (cursor) => this.client.conversations.history({ channel, oldest: oldestTs(since), include_all_metadata: true, limit: 200, cursor }),
      (payload) => payload.delivery_id === roundup.deliveryId && payload.kind === roundup.kind,
    );
  }

  /** A notice (a feed down, or back), marked with its delivery id like every message. */
  async sendNotice(notice: Notice): Promise<string> {
    const channel = slackChannelId(notice.channel);
    try {
      const result = await this.client.chat.postMessage({
        channel,
        ...noticeMessage(notice),
        unfurl_links: false,
        unfurl_media: false,
        metadata: { event_type: ALERT_EVENT, event_payload: { delivery_id: notice.deliveryId, kind: 'notice' } },
      });
      return result.ts ?? `${channel}/unknown`;
    } catch (error) {
      throw toPlatformError(error);
    }
  }

  async findPostedNotice(notice: Notice, since: Date): Promise<string | null> {
    const channel = slackChannelId(notice.channel);
    return this.findMarked(
      (cursor) => this.client.conversations.history({ channel, oldest: oldestTs(since), include_all_metadata: true, limit: 200, cursor }),
      (payload) => payload.delivery_id === notice.deliveryId && payload.kind === 'notice',
    );
  }

  /** Uploads a chart through the files upload API, shared in no channel; returns the file's id. */
  private async uploadChart(chart: NonNullable<Roundup['chart']>): Promise<string> {
    const result = (await this.client.files.uploadV2({ file: chart.png, filename: chart.filename, title: chart.alt, alt_text: chart.alt })) as {
      files?: { files?: { id?: string }[] }[];
    };
    const id = result.files?.[0]?.files?.[0]?.id;
    if (!id) throw new Error('Slack answered the chart upload without a file id');
    return id;
  }

  /** Looks in the alert's thread for the reply an earlier attempt at this update may have posted. */
  async findPostedUpdate(update: StoryUpdate, since: Date): Promise<string | null> {
    const channel = slackChannelId(update.channel);
    return this.findMarked(
      (cursor) => this.client.conversations.replies({ channel, ts: update.alertMessageId, oldest: oldestTs(since), include_all_metadata: true, limit: 200, cursor }),
      (payload) => payload.delivery_id === update.deliveryId,
    );
  }

  async findPosted(alert: Alert, since: Date): Promise<string | null> {
    const channel = slackChannelId(alert.channel);
    return this.findMarked(
      (cursor) => this.client.conversations.history({ channel, oldest: oldestTs(since), include_all_metadata: true, limit: 200, cursor }),
      (payload) => payload.delivery_id === alert.deliveryId && payload.item_id === alert.itemId,
    );
  }

  /** The ts of the first message, over a few pages, whose ainews metadata satisfies `matches`. */
  private async findMarked(
    page: (cursor: string | undefined) => Promise<{ messages?: { ts?: string; metadata?: unknown }[]; has_more?: boolean; response_metadata?: { next_cursor?: string } }>,
    matches: (payload: Record<string, unknown>) => boolean,
  ): Promise<string | null> {
    let cursor: string | undefined;
    try {
      for (let n = 0; n < HISTORY_PAGES; n++) {
        const result = await page(cursor);
        const found = result.messages?.find((message) => {
          const metadata = message.metadata as { event_type?: string; event_payload?: Record<string, unknown> } | undefined;
          return metadata?.event_type === ALERT_EVENT && metadata.event_payload !== undefined && matches(metadata.event_payload);
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

/** Slack's clock and ours may differ a little: messages are searched from a minute before the attempt. */
function oldestTs(since: Date): string {
  return ((since.getTime() - CLOCK_SKEW_MS) / 1000).toFixed(6);
}

/** The error code of a Slack Web API error (`missing_scope`), or its message. */
function slackErrorCode(error: unknown): string {
  return (error as { data?: { error?: string } }).data?.error ?? (error instanceof Error ? error.message : String(error));
}
