import { parseDuration } from '../../src/duration.ts';
import { testApp } from '../helpers/app.ts';
import { createThrowawayDatabase } from '../helpers/postgres-database.ts';
import { seededRandom } from './random.ts';
import { tallyChannel, tallyFetches, type ChannelTally, type FetchTally } from './soak-checks.ts';
import { intact, SoakDatabase } from './soak-database.ts';
import { SoakFeeds } from './soak-feeds.ts';
import { hangSometimes, platformDeliveries, runEnvironment, SLACK_CHANNEL, startEdges, watchEverything } from './soak-rig.ts';
import { saysBusy, saysGivenUp, WorkerPool } from './worker-pool.ts';

/** Where the workers' database is: a new SQLite file, or a new database on the PostgreSQL server `server` (a URL), dropped after. */
export type SoakBackend = { kind: 'sqlite' } | { kind: 'postgres'; server: string };

export interface WorkersReport {
  seed: number;
  workers: number;
  rounds: number;
  kills: number;
  /** Messages a platform took without answering. */
  faults: number;
  feeds: number;
  items: number;
  /** The Slack channel, the Discord channel and the console channel. */
  channels: ChannelTally[];
  expected: number;
  delivered: number;
  lost: number;
  /** On Slack and Discord, where each alert must land once. */
  duplicated: number;
  outOfOrder: number;
  /** Messages that are no expected alert of their channel. */
  unexpected: number;
  /**
   * Console alerts printed again after a worker was killed between printing one and recording it: the
   * console keeps no record to look in first, so its delivery is at least once.
   */
  consoleReprints: number;
  fetch: FetchTally;
  /** Feed claims left by killed workers, aged past FEED_CLAIM_MS by the harness; how many of those feeds the worker had not begun to fetch. */
  strandedClaims: number;
  strandedUnfetched: number;
  /** IDENTIFYs the fake Discord gateway got, and the most sessions it had open at once. */
  gatewaySessions: number;
  mostSessionsAtOnce: number;
  /** Log lines of the workers telling of SQLITE_BUSY, and at error level. */
  busy: number;
  errors: number;
  /** Log lines of the workers telling of a transaction PostgreSQL gave up as it met another's, a deadlock most likely (none on SQLite). */
  givenUp: number;
  database: SoakBackend['kind'];
  /** The distinct warnings and errors the workers logged, with how many times each. */
  logged: string[];
  /** PRAGMA integrity_check on SQLite ('ok' or the damage); 'n/a' on PostgreSQL (see SoakDatabase.integrity). */
  integrity: string;
  problems: string[];
}

const CONSOLE_CHANNEL = 'console:soak';
/** How long the workers get, after the last round, to send every alert. */
const FINAL_WAIT_MS = 180_000;
/** How long a Discord gateway session may take to come back after the rounds: the lease lasts 30 s. */
const GATEWAY_WAIT_MS = 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs several `ainews run` workers on one database (a new SQLite file, or a new database on the
 * PostgreSQL server of `backend`, dropped after), against several feeds on a local feed server, Slack,
 * Discord and a console channel. Each round publishes new items, makes every feed due, and kills a
 * random worker with SIGKILL at a random moment, then starts it again. At the end the workers finish,
 * and what every channel received is checked (each alert once, in the order the outbox queued it), as is
 * every request each feed got (once per due period, never two at a time).
 */
export async function runWorkerRounds(options: WorkerRoundsOptions): Promise<WorkersReport> {
  const backend = options.backend ?? { kind: 'sqlite' };
  if (backend.kind === 'sqlite') return runRounds(options, 'sqlite');
  const database = await createThrowawayDatabase(backend.server, 'ainews_soak');
  try {
    return await runRounds(options, 'postgres', { AINEWS_DB: database.url });
  } finally {
    await database.drop();
  }
}

export interface WorkerRoundsOptions {
  seed: number;
  workers: number;
  rounds: number;
  backend?: SoakBackend;
  itemsPerRound?: number;
  log?: (line: string) => void;
}

/** The rounds on the database that `env` names (by default testApp's new SQLite file). */
async function runRounds(options: WorkerRoundsOptions, kind: SoakBackend['kind'], env: Record<string, string> = {}): Promise<WorkersReport> {
  const random = seededRandom(options.seed);
  const log = options.log ?? (() => undefined);
  const edges = await startEdges();
  const { slack, discord } = edges;
  const app = await testApp(env);
  const db = app.config.AINEWS_DB;
  // The feed host takes up to 600 ms over each request (drawn apart from the rounds' own randomness), so
  // that a kill often lands while a worker is part-way through its round's feeds.
  const slowness = seededRandom(options.seed ^ 0x5eed);
  const feeds = new SoakFeeds(edges.feeds, () => Math.floor(slowness() * 600));
  const since = Date.now();
  let workers: WorkerPool | null = null;
  let database: SoakDatabase | null = null;
  try {
    // Each feed's first poll is backlog; from then on, every item is new and alerted in the three channels.
    await feeds.install(app);
    await watchEverything(app, edges, [CONSOLE_CHANNEL]);
    await app.close();
    const outside = await SoakDatabase.open(db);
    database = outside;
    const pool = new WorkerPool(options.workers, runEnvironment(db, edges, 'warn'), CONSOLE_CHANNEL);
    workers = pool;
    pool.startAll();
    let kills = 0;
    let faults = 0;
    const problems: string[] = [];
    const counts = () => `${slack.posts.length} Slack, ${discord.messagesIn(discord.channelId).length} Discord and ${pool.printed.length} console messages`;
    for (let round = 1; round <= options.rounds; round++) {
      feeds.publish(random, round, options.itemsPerRound ?? 3);
      await feeds.advance(outside, pool.live);
      faults += hangSometimes(random, edges);
      const delay = 800 + Math.floor(random() * 4000);
      await sleep(delay);
      problems.push(...pool.restartExited().map((problem) => `round ${round}: ${problem}`));
      const victim = Math.floor(random() * options.workers);
      await pool.kill(victim);
      kills++;
      const integrity = await outside.integrity();
      if (!intact(integrity)) problems.push(`round ${round}: integrity_check ${integrity}`);
      pool.start(victim);
      log(`round ${round}: worker ${victim + 1} killed after ${delay} ms; ${counts()} so far`);
    }
    // The workers finish what the rounds left. A feed some of whose items are still not stored (its last
    // fetch came before they were published, or a killed worker's claim holds it) is made due again.
    const expected = feeds.items.length * 3;
    const finished = await settle(async () => {
      problems.push(...pool.restartExited());
      const behind = await feeds.behind(outside);
      if (behind.length > 0) await feeds.advance(outside, pool.live, behind);
      return (await outside.sentCount('alert')) >= expected;
    }, FINAL_WAIT_MS);
    if (!finished) problems.push(`not all ${expected} alerts were sent within ${FINAL_WAIT_MS / 1000} s of the last round (${await outside.sentCount('alert')} were)`);
    // The Discord gateway on one worker again, taken over within its lease if its holder was killed last.
    if (!(await settle(async () => discord.connected, GATEWAY_WAIT_MS))) problems.push(`no Discord gateway session was open ${GATEWAY_WAIT_MS / 1000} s after the last round`);
    log(`all rounds done; ${counts()}; stopping the workers`);
    const codes = await pool.stopAll();
    codes.forEach((code, i) => code !== 0 && problems.push(`worker ${i + 1} exited with ${code} on SIGTERM`));
    const shortest = Math.min(...feeds.intervals.map((every) => parseDuration(every)!));
    if (Date.now() - since > shortest * 0.9) problems.push('the soak outlasted its feeds’ shortest interval: a feed could have fallen due by itself');
    problems.push(...outside.idleErrors.map((error) => `the harness's idle PostgreSQL connection failed: ${error}`));
    const tallied = await tally(outside, feeds, edges, pool, since, problems);
    return { ...tallied, seed: options.seed, workers: options.workers, rounds: options.rounds, kills, faults, database: kind };
  } finally {
    if (workers) for (const pid of workers.live) process.kill(pid, 'SIGKILL');
    await database?.close();
    await app.dispose();
    await edges.close();
  }
}

/** Calls `done` every half second until it holds (true) or `ms` have passed (false). */
async function settle(done: () => Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await done()) return true;
    await sleep(500);
  }
  return false;
}

type Tallied = Omit<WorkersReport, 'seed' | 'workers' | 'rounds' | 'kills' | 'faults' | 'database'>;

/** What the channels, the feed server, the gateway, the workers' logs and the database say once the workers have stopped. */
async function tally(db: SoakDatabase, feeds: SoakFeeds, edges: Awaited<ReturnType<typeof startEdges>>, pool: WorkerPool, since: number, problems: string[]): Promise<Tallied> {
  const { slack, discord } = edges;
  const { alerts, others } = await db.alerts();
  if (others > 0) problems.push(`${others} outbox rows are not alerts (an item taken for another's story, or a notice)`);
  const of = (channel: string) => new Map(alerts.filter((a) => a.channel === channel).map((a) => [a.id, a.url]));
  const links = feeds.items.map((item) => item.link);
  const sent = platformDeliveries(edges);
  const slackChannel = `slack:${slack.team}/${SLACK_CHANNEL}`;
  const discordChannel = `discord:${discord.channelId}`;
  const consoleAlerts = of(CONSOLE_CHANNEL);
  const idOf = new Map([...consoleAlerts].map(([id, link]) => [link, id]));
  const platforms = [tallyChannel(slackChannel, links, sent.slack, of(slackChannel), problems), tallyChannel(discordChannel, links, sent.discord, of(discordChannel), problems)];
  const printed = pool.printed.map((line) => idOf.get(line.link) ?? -1);
  const terminal = tallyChannel(CONSOLE_CHANNEL, links, printed, consoleAlerts, problems, { repeats: true });
  const channels = [...platforms, terminal];
  const sum = (field: 'expected' | 'delivered' | 'lost' | 'outOfOrder' | 'unknown') => channels.reduce((total, channel) => total + channel[field], 0);
  const seen = new Map<string, number>();
  for (const line of pool.logged) {
    const text = `${line.level >= 50 ? 'error' : 'warn'}: ${line.msg}${line.err ? ` (${line.err.slice(0, 160)})` : ''}`;
    seen.set(text, (seen.get(text) ?? 0) + 1);
  }
  return {
    feeds: feeds.count,
    items: feeds.items.length,
    channels,
    expected: sum('expected'),
    delivered: sum('delivered'),
    lost: sum('lost'),
    duplicated: platforms.reduce((total, channel) => total + channel.duplicated, 0),
    outOfOrder: sum('outOfOrder'),
    unexpected: sum('unknown'),
    consoleReprints: terminal.duplicated,
    fetch: tallyFetches(feeds.fetches, feeds.dueSince, since, problems),
    strandedClaims: feeds.stranded.claims,
    strandedUnfetched: feeds.stranded.unfetched,
    gatewaySessions: discord.identifies,
    mostSessionsAtOnce: discord.maxOpenSessions,
    busy: pool.logged.filter(saysBusy).length,
    errors: pool.logged.filter((line) => line.level >= 50).length,
    givenUp: pool.logged.filter(saysGivenUp).length,
    logged: [...seen].map(([text, n]) => `${n} × ${text}`),
    integrity: await db.integrity(),
    problems,
  };
}

/** Whether the soak found nothing wrong: every alert once and in order, every fetch in a due period of its own, one gateway session at a time, an intact database. */
export function passed(report: WorkersReport): boolean {
  const { lost, duplicated, outOfOrder, unexpected, fetch, mostSessionsAtOnce, integrity, problems } = report;
  return lost === 0 && duplicated === 0 && outOfOrder === 0 && unexpected === 0 && fetch.twice === 0 && fetch.overlapping === 0 && mostSessionsAtOnce <= 1 && intact(integrity) && problems.length === 0;
}
