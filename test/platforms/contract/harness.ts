import { afterEach, beforeEach, expect } from 'vitest';
import type { AlertSender } from '../../../src/delivery/port.ts';
import type { DeliveryWorker } from '../../../src/delivery/worker.ts';
import { testApp, type TestApp } from '../../helpers/app.ts';
import { FeedServer } from '../../helpers/feed-server.ts';
import { FAST_DELIVERY, NewsFeed } from '../../helpers/news-feed.ts';

// The contract every chat platform meets, and what a test needs of one to check it. A platform takes
// part with a harness (a subclass of BaseHarness: its fake, and how a user and a reader see it) and is
// added to the list in platforms.ts; the scenarios are written once, in platform-neutral terms.

/** A command's answer, as the user who asked sees it. */
export interface Reply {
  /** Everything shown, as text: markup rendered, escapes undone. */
  text: string;
  /** Only the user who asked sees it. */
  private: boolean;
  /** It comes with a More button. */
  hasMore: boolean;
  /** It took the place of the answer whose button was pressed (rather than coming as a new one). */
  replaced: boolean;
  raw: unknown;
}

/** A message the bot posted to the watched channel, as its readers see it. */
export interface Posted {
  id: string;
  /** Everything shown, as text: markup rendered, escapes undone. */
  text: string;
  /** What the platform would take for a mention (`@everyone`, a user, a role, a channel), or let ping. */
  mentions: string[];
  /** Links, with what they show and where they go. */
  links: { label: string; url: string }[];
  /** Replies in its thread, oldest first (where the platform has threads). */
  replies: Posted[];
  raw: unknown;
}

/** How the platform fails the bot's next post: a 5xx, an answer that never comes, a 429, a channel gone. */
export type PostFailure = 'server-error' | 'no-answer' | 'rate-limited' | 'gone';

/** Who runs a command: `alice` (the default) or `bob`, two ordinary members; or the AINEWS_ADMINS admin. */
export interface Asker {
  user?: 'alice' | 'bob';
  admin?: boolean;
}

export interface PlatformHarness {
  readonly name: string;
  /** The watched channel, in ainews naming (`slack:T…/C…`, `discord:…`). */
  readonly channel: string;
  /** What the alert's last error, and the channel's inactive reason, start with when the channel is gone. */
  readonly goneReason: RegExp;
  /**
   * The real app with this platform and a delivery worker, on a fresh database, its admin in
   * AINEWS_ADMINS; a feed subscribed (its first poll, backlog, done).
   */
  start(env?: Record<string, string>): Promise<TestApp>;
  stop(): Promise<void>;
  /** Articles published on the subscribed feed, polled, and delivery woken. */
  publish(title: string | string[], description?: string): ReturnType<NewsFeed['publish']>;
  /** Another feed on the same server, subscribed (its first poll done). */
  feed(name: string, path: string): Promise<NewsFeed>;
  /** Wakes the delivery worker, as a poll does. */
  deliver(): void;
  /** Runs a command as typed after /ainews, and returns what the user sees. */
  command(text: string, as?: Asker): Promise<Reply>;
  /** Presses a reply's More button, as the user who asked. */
  more(reply: Reply, as?: Asker): Promise<Reply>;
  /** Alerts as the channel shows them, oldest first. */
  posts(): Posted[];
  failNextPost(how: PostFailure): void;
  /** When each attempt to post an alert reached the platform (milliseconds). */
  postAttempts(): number[];
  /** When the channel's history was read (to find an alert whose outcome was unknown), in milliseconds. */
  lookups(): number[];
  /** Payloads the platform's fake refused, as the platform would have: none, in a passing test. */
  refused(): unknown[];
}

/** What every harness shares: the app on a temporary database, a feed server, and the delivery worker. */
export abstract class BaseHarness implements Partial<PlatformHarness> {
  protected app: TestApp | undefined;
  protected worker: DeliveryWorker | undefined;
  private feeds: FeedServer | undefined;
  private news: NewsFeed | undefined;
  private disconnect: (() => Promise<void>) | undefined;

  /** Starts the platform's fake; returns the settings that point the app at it, its admin included. */
  protected abstract listen(): Promise<Record<string, string>>;
  /** Connects the platform to the app; returns its sender and how to disconnect. */
  protected abstract connect(app: TestApp): Promise<{ sender: AlertSender; stop(): Promise<void> }>;
  protected abstract closeFake(): Promise<void>;

  async start(env: Record<string, string> = {}): Promise<TestApp> {
    this.feeds = await new FeedServer().listen();
    const settings = await this.listen();
    const admins = [settings.AINEWS_ADMINS, env.AINEWS_ADMINS].filter(Boolean).join(',');
    this.app = await testApp({ ...FAST_DELIVERY, ...settings, ...env, AINEWS_ADMINS: admins });
    const platform = await this.connect(this.app);
    this.disconnect = () => platform.stop();
    this.worker = this.app.deliveryWorker([platform.sender]);
    this.worker.start();
    this.news = new NewsFeed(this.feeds);
    await this.news.subscribe(this.app);
    return this.app;
  }

  async stop(): Promise<void> {
    await this.worker?.stop();
    await this.disconnect?.().catch(() => undefined);
    await this.app?.dispose();
    await this.closeFake();
    await this.feeds?.close();
  }

  async publish(title: string | string[], description = '') {
    const outcome = await this.news!.publish(this.app!, title, description);
    this.deliver();
    return outcome;
  }

  async feed(name: string, path: string): Promise<NewsFeed> {
    const feed = new NewsFeed(this.feeds!, name, path);
    await feed.subscribe(this.app!);
    return feed;
  }

  deliver(): void {
    this.worker!.nudge();
  }

  /** The server the harness's feeds are on, for a test that serves a feed of its own. */
  get server(): FeedServer {
    return this.feeds!;
  }
}

/** Waits for `answered` to hold, failing at once, with the platform's reasons, when the fake refused a payload meanwhile. */
export async function answerOrRefusal(answered: () => boolean, refused: () => unknown[], what: string, ms = 5000): Promise<void> {
  const before = refused().length;
  const start = Date.now();
  while (!answered()) {
    if (refused().length > before) throw new Error(`the platform refused ${what}: ${JSON.stringify(refused().slice(before)).slice(0, 2000)}`);
    if (Date.now() - start > ms) throw new Error(`${what} not answered within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A fresh harness for each test of the suite it is called in, handed to `use`, and stopped after the
 * test, which fails if the platform's fake refused anything the bot sent: whatever the bot sends, the
 * platform would take.
 */
export function harnessPerTest(make: () => PlatformHarness, use: (harness: PlatformHarness) => void): void {
  let harness: PlatformHarness;
  beforeEach(() => {
    harness = make();
    use(harness);
  });
  afterEach(async () => {
    const refused = [...harness.refused()];
    await harness.stop();
    expect(refused).toEqual([]);
  });
}
