import { testApp } from '../helpers/app.ts';
import { startCli } from '../helpers/cli.ts';
import { rss } from '../helpers/feed-server.ts';
import { waitUntil } from '../helpers/wait.ts';
import { seededRandom } from './random.ts';
import { SoakDatabase } from './soak-database.ts';
import { hangSometimes, platformDeliveries, runEnvironment, startEdges, watchEverything } from './soak-rig.ts';

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

/**
 * Runs `ainews run` against a local feed server, Slack and Discord, kills it with SIGKILL at a random
 * moment each round (while it polls, while it delivers, while a platform has taken a message but not
 * answered), restarts it, and finally lets one run finish. Then counts, platform side, what every
 * channel received: each new item must arrive exactly once in each watching channel.
 */
export async function runCrashRounds(options: { seed: number; rounds: number; itemsPerRound?: number; log?: (line: string) => void }): Promise<CrashReport> {
  const random = seededRandom(options.seed);
  const log = options.log ?? (() => undefined);
  const edges = await startEdges();
  const { feeds, slack, discord } = edges;
  const app = await testApp();
  const db = app.config.AINEWS_DB;
  const entries: { title: string; link: string; guid: string }[] = [{ title: 'Backlog story', link: 'https://news.example.com/0', guid: 'g0' }];
  const publish = () => feeds.route('/feed', { body: rss(entries, 'Crash News') });
  let database: SoakDatabase | null = null;
  try {
    // The feed's first poll is backlog; from then on, every item is new and alerted in both channels.
    publish();
    const { feed } = await app.admin.add({ url: feeds.url('/feed'), name: 'Crash News' });
    await app.poller.poll((await app.feeds.find(feed.id))!);
    await watchEverything(app, edges);
    await app.close();
    const outside = await SoakDatabase.open(db);
    database = outside;
    const env = runEnvironment(db, edges);
    let kills = 0;
    let faults = 0;
    const problems: string[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      for (let i = 0; i < (options.itemsPerRound ?? 3); i++) {
        const n = entries.length;
        entries.unshift({ title: `Story ${n} of round ${round}`, link: `https://news.example.com/${n}`, guid: `g${n}` });
      }
      publish();
      await outside.makeDue();
      faults += hangSometimes(random, edges);
      const run = startCli(['run'], env);
      const delay = 800 + Math.floor(random() * 4000);
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (run.child.exitCode !== null) problems.push(`round ${round}: ainews run had exited (${run.child.exitCode}) before its kill: ${run.output().stderr.slice(-500)}`);
      run.child.kill('SIGKILL');
      await run.exited;
      kills++;
      const integrity = await outside.integrity();
      if (integrity !== 'ok') problems.push(`round ${round}: integrity_check ${integrity}`);
      log(`round ${round}: killed after ${delay} ms; ${slack.posts.length} Slack and ${discord.messagesIn(discord.channelId).length} Discord messages so far`);
    }
    // A last run that is allowed to finish what the others left.
    await outside.makeDue();
    const expected = (entries.length - 1) * 2;
    const last = startCli(['run'], env);
    try {
      await waitUntil(async () => (await outside.sentCount()) >= expected, 90_000, `all ${expected} alerts sent`);
    } catch (error) {
      problems.push((error as Error).message);
    } finally {
      last.child.kill('SIGTERM');
      await last.exited;
    }
    // What the platforms hold: one message per alert, told apart by the alert's outbox id.
    const { slack: slackIds, discord: discordIds } = platformDeliveries(edges);
    const delivered = new Set([...slackIds.map((id) => `s${id}`), ...discordIds.map((id) => `d${id}`)]).size;
    const integrity = await outside.integrity();
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
    await database?.close();
    await app.dispose();
    await edges.close();
  }
}
