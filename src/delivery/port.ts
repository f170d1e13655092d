import type { MentionTarget } from '../mention.ts';
import type { Platform } from '../channel-name.ts';

/** What a channel is told about one item. Platforms render it in their own way. */
export interface Alert {
  /** The outbox row: it identifies this alert in the platform, so a lost answer can be looked up. */
  deliveryId: number;
  channel: string;
  itemId: number;
  /** The item's title, or its translation into the channel's language (see `originalLine`). */
  title: string;
  /**
   * Set when the title and summary are shown translated into the channel's language: the original title,
   * introduced in that language ("Original: …", "原文：…"), to show under the title. Feed text: escape it.
   */
  originalLine?: string | null;
  url: string | null;
  source: string | null;
  publishedAt: string;
  lang: 'zh' | 'en' | 'other';
  /** The item's stored summary, in its own language, or its translation into the channel's. */
  summary: string;
  /** The watch that matched, as the channel typed it. */
  watch: string;
  /** The story's other sources, as far as they are known when the alert goes out. */
  alsoCoveredBy: string[];
  /** Who the watch pings (`mention:@ai-team`), or null: only an alert pings, never an update or a fold. */
  mention: MentionTarget | null;
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

/** One story of a roundup: its title linked to its report, its sources, its summary. */
export interface RoundupEntry {
  storyId: number;
  itemId: number;
  /** The title, or its translation into the channel's language, as in an alert. */
  title: string;
  /** As in an alert: the original title, introduced, when the entry is shown translated. */
  originalLine?: string | null;
  url: string | null;
  lang: 'zh' | 'en' | 'other';
  summary: string;
  /** The outlets carrying the story, the first first. */
  sources: string[];
  /** A digest says whether the channel already had a live alert for the story. */
  alerted: boolean | null;
}

/**
 * Several stories in one message: a fold of what quiet hours or the limit held back, or a digest. The
 * heading says which ("While you were away: 5 stories"); a gathering too big for one message comes in
 * parts, each a roundup of its own.
 */
export interface Roundup {
  deliveryId: number;
  channel: string;
  kind: 'fold' | 'digest';
  heading: string;
  entries: RoundupEntry[];
  /** Stories gathered but not shown here: a digest's beyond its top ten. */
  more: number;
  /** The last line, when there is one ("and 4 more stories…", "part 2 of 3"). */
  footer: string | null;
  /** A weekly digest's trends chart. */
  chart: { png: Buffer; filename: string; alt: string } | null;
}

/**
 * A notice about ainews itself, such as a feed that stopped working or works again: plain text, which
 * names feeds and URLs as their owners wrote them, so a platform escapes it as it escapes feed text.
 */
export interface Notice {
  deliveryId: number;
  channel: string;
  text: string;
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
  /** Posts a fold or digest as one message; returns its id. Every platform has it (test senders may not). */
  sendRoundup?(roundup: Roundup): Promise<string>;
  /** As findPosted, for a roundup. */
  findPostedRoundup?(roundup: Roundup, since: Date): Promise<string | null>;
  /** Posts a notice; returns its id. Every platform has it (test senders may not). */
  sendNotice?(notice: Notice): Promise<string>;
  /** As findPosted, for a notice. */
  findPostedNotice?(notice: Notice, since: Date): Promise<string | null>;
}

/**
 * What a failed request means for delivery, as one kind: a wait the platform asked for, a failure that
 * may have posted the message all the same, one that did not and may pass, a refusal that retrying cannot
 * change, or a channel the bot cannot post to at all.
 */
export type PlatformFailure =
  /** Not posted: the platform asked to wait this long (its Retry-After). */
  | { kind: 'rate-limited'; retryAfterMs: number }
  /** The message may have been posted even so (a timeout, a lost answer, a 5xx). */
  | { kind: 'outcome-unknown' }
  /** Not posted, and trying again later may work. */
  | { kind: 'transient' }
  /** Not posted, and retrying cannot help (a bad request, no permission): the message fails now. */
  | { kind: 'refused' }
  /** The bot cannot post to this channel at all: the channel is marked inactive, its messages fail. */
  | { kind: 'channel-gone' };

/** A delivery failed, with what the platform said and what kind of failure it was. */
export class PlatformError extends Error {
  override name = 'PlatformError';
  constructor(
    message: string,
    readonly failure: PlatformFailure,
  ) {
    super(message);
  }
}

/** The failure an error stands for: anything but a PlatformError may have posted the message. */
export function failureOf(error: unknown): PlatformFailure {
  return error instanceof PlatformError ? error.failure : { kind: 'outcome-unknown' };
}
