import Sqlite from 'better-sqlite3';
import { testApp } from '../helpers/app.ts';
import { startCli } from '../helpers/cli.ts';
import { FakeDiscord } from '../helpers/fake-discord.ts';
import { FakeSlack } from '../helpers/fake-slack.ts';
import { FeedServer, rss } from '../helpers/feed-server.ts';
import { waitUntil } from '../helpers/wait.ts';
import { seededRandom } from './random.ts';

export interface CrashReport {
  seed: number;
  rounds: number;
  kills: number;
  faults: number;
  items: number;
  expected: number;
  delivered: number;
  lost: number;
  duplicated: number;
  integrity: string;
  /** What went wrong on the way (a round whose run had already exited before its kill, a damaged database). */
  problems: string[];
}

const SLACK_CHANNEL = 'C0NEWS';

/**
 * Runs `ainews run` against a local feed server, Slack and Discord, kills it with SIGKILL at a random
 * moment each round (while it polls, while it delivers, while a platform has taken a message but not
 * answered), restarts it, and finally lets one run finish. Then counts, platform side, what every
 * channel received: each new item must arrive exactly once in each watching channel.
 */
export async function runCrashRounds(options: { seed: number; rounds: number; itemsPerRound?: number; log?: (line: string) => void }): Promise<CrashReport> {
  const random = seededRandom(options.seed);
  const log = options.log ?? (() => undefined);
  const [feeds, slack, discord] = await Promise.all([new FeedServer().listen(), new FakeSlack().listen(), new FakeDiscord().listen()]);
  const app = testApp();
  const db = app.config.AINEWS_DB;
  const entries: { title: string; link: string; guid: string }[] = [{ title: 'Backlog story', link: 'https://news.example.com/0', guid: 'g0' }];
  const publish = () => feeds.route('/feed', { body: rss(entries, 'Crash News') });
  try {
    // The feed's first poll is backlog; from then on, every item is new and alerted in both channels.
    publish();
    const { feed } = app.admin.add({ url: feeds.url('/feed'), name: 'Crash News' });
    await app.poller.poll(app.feeds.find(feed.id)!);
    app.watches.add(`slack:${slack.team}/${SLACK_CHANNEL}`, '*', 'harness');
    app.watches.add(`discord:${discord.channelId}`, '*', 'harness');
    app.close();
    const env = {
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
      LOG_LEVEL: 'silent',
    };
    const makeDue = () => {
      const connection = new Sqlite(db, { timeout: 5000 });
      connection.prepare('UPDATE feeds SET next_poll_at = ?').run(new Date(0).toISOString());
      connection.close();
    };
    let kills = 0;
    let faults = 0;
    const problems: string[] = [];
    const integrityNow = () => {
      const connection = new Sqlite(db, { readonly: true });
      try {
        return connection.pragma('integrity_check', { simple: true }) as string;
      } finally {
        connection.close();
      }
    };
    for (let round = 1; round <= options.rounds; round++) {
      for (let i = 0; i < (options.itemsPerRound ?? 3); i++) {
        const n = entries.length;
        entries.unshift({ title: `Story ${n} of round ${round}`, link: `https://news.example.com/${n}`, guid: `g${n}` });
      }
      publish();
      makeDue();
      // Now and then a platform takes a message and never answers: the kill then lands between the
      // platform's answer and the outbox's record of it.
      if (random() < 0.4) {
        slack.fail('chat.postMessage', { hang: true });
        faults++;
      }
      if (random() < 0.4) {
        discord.fail('createMessage', { hang: true });
        faults++;
      }
      const run = startCli(['run'], env);
      const delay = 800 + Math.floor(random() * 4000);
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (run.child.exitCode !== null) problems.push(`round ${round}: ainews run had exited (${run.child.exitCode}) before its kill: ${run.output().stderr.slice(-500)}`);
      run.child.kill('SIGKILL');
      await run.exited;
      kills++;
      const integrity = integrityNow();
      if (integrity !== 'ok') problems.push(`round ${round}: integrity_check ${integrity}`);
      log(`round ${round}: killed after ${delay} ms; ${slack.posts.length} Slack and ${discord.messagesIn(discord.channelId).length} Discord messages so far`);
    }
    // A last run that is allowed to finish what the others left.
    makeDue();
    const expected = (entries.length - 1) * 2;
    const sent = () => {
      const connection = new Sqlite(db, { readonly: true, timeout: 5000 });
      try {
        return connection.prepare("SELECT count(*) FROM outbox WHERE status = 'sent'").pluck().get() as number;
      } finally {
        connection.close();
      }
    };
    const last = startCli(['run'], env);
    try {
      await waitUntil(() => sent() >= expected, 90_000, `all ${expected} alerts sent`);
    } catch (error) {
      problems.push((error as Error).message);
    } finally {
      last.child.kill('SIGTERM');
      await last.exited;
    }
    // What the platforms hold: one message per alert, told apart by the alert's outbox id.
    const slackIds = slack.posts.map((p) => Number(p.metadata?.event_payload.delivery_id));
    const discordIds = discord.messagesIn(discord.channelId).map((m) => Number(String(m.nonce).split('-')[1]));
    const delivered = new Set([...slackIds.map((id) => `s${id}`), ...discordIds.map((id) => `d${id}`)]).size;
    const integrity = integrityNow();
    return {
      seed: options.seed,
      rounds: options.rounds,
      kills,
      faults,
      items: entries.length - 1,
      expected,
      delivered,
      lost: expected - delivered,
      duplicated: slackIds.length + discordIds.length - delivered,
      integrity,
      problems,
    };
  } finally {
    app.dispose();
    await Promise.all([feeds.close(), slack.close(), discord.close()]);
  }
}
