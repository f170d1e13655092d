import type { Platform } from '../channel-name.ts';

/** What a channel is told about one item. Platforms render it in their own way. */
export interface Alert {
  /** The outbox row: it identifies this alert in the platform, so a lost answer can be looked up. */
  deliveryId: number;
  channel: string;
  itemId: number;
  title: string;
  url: string | null;
  source: string | null;
  publishedAt: string;
  lang: 'zh' | 'en' | 'other';
  /** The item's stored summary, in its own language. */
  summary: string;
  /** The watch that matched, as the channel typed it. */
  watch: string;
  /** The story's other sources, as far as they are known when the alert goes out. */
  alsoCoveredBy: string[];
}

/** A source of a story, with its report. */
export interface StorySourceLink {
  name: string;
  title: string;
  url: string | null;
}

/** Later sources of a story a channel was alerted about: a reply in the alert's thread, or an edit of it. */
export interface StoryUpdate {
  /** The outbox row of this update. */
  deliveryId: number;
  channel: string;
  storyId: number;
  /** The alert's message, to reply to or edit. */
  alertMessageId: string;
  /** The alert as it would be posted now, naming every source of the story (what an edit shows). */
  alert: Alert;
  /** The sources neither the alert nor an earlier update named. */
  newSources: StorySourceLink[];
}

/** What a platform provides to deliver alerts: send one, and say the message id it got. */
export interface AlertSender {
  readonly platform: Platform;
  /** The platform's pace: at most one message per this many milliseconds in one channel. */
  readonly minIntervalMs?: number;
  send(alert: Alert): Promise<string>;
  /**
   * Looks in the channel for the message an earlier attempt at this alert may have posted (at or after
   * `since`), and returns its id, or null. Without it, an alert whose earlier outcome is unknown is sent again.
   */
  findPosted?(alert: Alert, since: Date): Promise<string | null>;
  /** Tells the channel of a story's later sources; returns the message id. Without it, updates are skipped. */
  sendUpdate?(update: StoryUpdate): Promise<string>;
  /** As findPosted, for an update (not needed where an update is an edit, which can be repeated). */
  findPostedUpdate?(update: StoryUpdate, since: Date): Promise<string | null>;
}

export interface PlatformErrorOptions {
  /** Retrying cannot help (a bad request, no permission): the alert fails now. */
  permanent?: boolean;
  /** The bot cannot post to this channel at all: the channel is marked inactive, its alerts fail. */
  channelGone?: boolean;
  /** Do not retry before this many milliseconds (the platform's Retry-After). */
  retryAfterMs?: number;
  /** The message may have been posted even so (a timeout, a lost answer, a 5xx). */
  outcomeUnknown?: boolean;
}

/**
 * A delivery failed, with what the platform said. Errors that are not PlatformErrors are treated as
 * transient with an unknown outcome.
 */
export class PlatformError extends Error {
  override name = 'PlatformError';
  constructor(
    message: string,
    readonly options: PlatformErrorOptions = {},
  ) {
    super(message);
  }
}
