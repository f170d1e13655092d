import type { TestApp } from '../helpers/app.ts';
import { FakeDiscord } from '../helpers/fake-discord.ts';
import { FakeSlack } from '../helpers/fake-slack.ts';
import { FeedServer } from '../helpers/feed-server.ts';

// What the crash harness (one `ainews run`) and the multi-worker soak (several on one database) share:
// the servers at the edges and the environment the runs get. Their reads and writes on the database
// from outside are soak-database.ts's.

export const SLACK_CHANNEL = 'C0NEWS';

export interface Edges {
  feeds: FeedServer;
  slack: FakeSlack;
  discord: FakeDiscord;
  close(): Promise<void>;
}

/** The local feed server and the Slack and Discord fakes, listening. */
export async function startEdges(): Promise<Edges> {
  const [feeds, slack, discord] = await Promise.all([new FeedServer().listen(), new FakeSlack().listen(), new FakeDiscord().listen()]);
  return { feeds, slack, discord, close: async () => void (await Promise.all([feeds.close(), slack.close(), discord.close()])) };
}

/** Every new item alerted in the Slack channel and the Discord channel (and any channels named besides). */
export async function watchEverything(app: TestApp, { slack, discord }: Edges, others: string[] = []): Promise<void> {
  for (const channel of [`slack:${slack.team}/${SLACK_CHANNEL}`, `discord:${discord.channelId}`, ...others]) await app.watches.add(channel, '*', 'harness');
}

/**
 * The environment of an `ainews run` on `db`: polling every second, delivering every 100 ms, a send
 * abandoned after 500 ms and its claim taken back after 1 s, retries quick and many.
 */
export function runEnvironment(db: string, { slack, discord }: Edges, logLevel = 'silent'): Record<string, string> {
  return {
    AINEWS_DB: db,
    AINEWS_SEED_DEFAULT_FEEDS: 'false',
    AINEWS_ALLOW_PRIVATE_NETWORK: 'true',
    POLL_CRON: '* * * * * *',
    DELIVERY_INTERVAL: '100ms',
    DELIVERY_BACKOFF_BASE: '100ms',
    DELIVERY_BACKOFF_MAX: '1s',
    DELIVERY_MAX_ATTEMPTS: '100',
    DELIVERY_SEND_TIMEOUT: '500ms',
    DELIVERY_CLAIM_TIMEOUT: '1s',
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_APP_TOKEN: slack.appToken,
    SLACK_API_URL: slack.apiUrl,
    DISCORD_TOKEN: discord.token,
    DISCORD_APPLICATION_ID: discord.applicationId,
    DISCORD_API_URL: discord.apiUrl,
    LOG_LEVEL: logLevel,
  };
}

/**
 * Now and then a platform takes a message and never answers: a kill then lands between the platform's
 * answer and the outbox's record of it. Returns how many of the two platforms were told to hang.
 */
export function hangSometimes(random: () => number, { slack, discord }: Edges): number {
  let faults = 0;
  if (random() < 0.4) {
    slack.fail('chat.postMessage', { hang: true });
    faults++;
  }
  if (random() < 0.4) {
    discord.fail('createMessage', { hang: true });
    faults++;
  }
  return faults;
}

/** What the platforms hold, in the order they took it: the outbox id of each message, from its metadata (Slack) or its nonce (Discord). */
export function platformDeliveries({ slack, discord }: Edges): { slack: number[]; discord: number[] } {
  return {
    slack: slack.posts.filter((p) => p.channel === SLACK_CHANNEL).map((p) => Number(p.metadata?.event_payload.delivery_id)),
    discord: discord.messagesIn(discord.channelId).map((m) => Number(String(m.nonce).split('-')[1])),
  };
}
