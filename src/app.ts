import { hostname } from 'node:os';
import { FEED_MIN_INTERVAL_MS, type Config } from './config.ts';
import { FeedStore } from './db/feeds.ts';
import { Outbox } from './db/outbox.ts';
import { WatchStore } from './db/watches.ts';
import type { AlertSender } from './delivery/port.ts';
import { DeliveryWorker } from './delivery/worker.ts';
import { AlertRouter } from './pipeline/route-alerts.ts';
import { SearchService } from './search/search.ts';
import { LlmSummaries } from './summarize/llm-summaries.ts';
import { Summaries } from './summarize/summaries.ts';
import { ItemStore } from './db/items.ts';
import { StoryStore } from './db/stories.ts';
import { StoryClusterer } from './cluster/clusterer.ts';
import { LlmUsage } from './db/llm-usage.ts';
import { installId } from './db/meta.ts';
import type { Migration } from './db/migrate.ts';
import type { Database } from './db/open.ts';
import { openStorage, type OpenedStorage } from './db/open-storage.ts';
import { PostgresSearchReads } from './db/postgres/search-reads.ts';
import { FeedAdmin } from './feeds/feed-admin.ts';
import { fetchFeed } from './feeds/fetch.ts';
import type { Logger } from './log.ts';
import { HostQueue } from './pipeline/host-queue.ts';
import { FeedPoller, type PollOutcome } from './pipeline/poll-feed.ts';
import { ItemProcessor } from './pipeline/process-items.ts';
import { PendingItems } from './db/pending-items.ts';
import { SearchIndex } from './db/search-index.ts';
import { SearchMatches } from './db/search-matches.ts';
import { SummaryPending } from './db/summary-pending.ts';
import { PollScheduler } from './pipeline/scheduler.ts';
import { FeedClaims } from './db/feed-claims.ts';
import type { Sql } from './db/sql.ts';
import { workerName } from './workers/lease-keeper.ts';
import { Leases } from './db/leases.ts';
import { runExclusively } from './workers/exclusive-work.ts';
import { HostLeases } from './workers/host-leases.ts';
import { FeedRhythms } from './db/feed-rhythms.ts';
import { PollBudget } from './polling/poll-budget.ts';
import { PollPlanner } from './polling/poll-planner.ts';
import { WebSubSubscriptions } from './db/websub-subscriptions.ts';
import { postToHub } from './websub/hub-request.ts';
import { WebSubSubscriber } from './websub/subscriber.ts';
import { MetricsReads } from './db/metrics-reads.ts';
import { Metrics } from './ops/metrics.ts';
import { trendPng } from './charts/render-png.ts';
import { ChannelSettingsStore } from './db/channel-settings.ts';
import { OutboxFolds } from './db/outbox-folds.ts';
import { StoryMatches } from './db/story-matches.ts';
import { TrendItems } from './db/trend-items.ts';
import { ChannelRhythm } from './rhythm/channel-rhythm.ts';
import { Gatherer } from './rhythm/gatherer.ts';
import { HoldPolicy } from './rhythm/hold-policy.ts';
import { Trends } from './rhythm/trends.ts';
import { LlmCalls } from './summarize/llm-calls.ts';
import { TranslationStore } from './db/translations.ts';
import { ChannelTranslations } from './translate/channel-translations.ts';
import { LlmTranslations } from './translate/llm-translations.ts';
import { FeedHealthStore } from './db/feed-health.ts';
import { OutboxNotices } from './db/outbox-notices.ts';
import { FeedHealth } from './pipeline/feed-health.ts';
import { ItemRetention } from './db/item-retention.ts';
import { lastPruneAt, recordPrune } from './db/meta.ts';
import { OutboxRetention } from './db/outbox-retention.ts';
import { SearchMerges } from './db/search-merges.ts';
import { Tombstones } from './db/tombstones.ts';
import { Retention } from './retention/prune.ts';

export interface App {
  config: Config;
  /** Migrations this start applied (empty when the database was up to date). */
  applied: Migration[];
  /** Tells this database's messages apart on a bot account shared with another installation. */
  installId: string;
  log: Logger;
  /** The SQLite connection, for what only SQLite has (FTS5's reads, backups); null on PostgreSQL. Stores go through `sql`. */
  db: Database | null;
  /** The database AINEWS_DB names: which backend, where, its size, VACUUM. */
  storage: OpenedStorage;
  /** The storage port: every store reads and writes through it, and transactions are opened on it. */
  sql: Sql;
  /** This process among the workers sharing the database: what its claims and leases name. */
  worker: string;
  /** What one worker at a time does (the daily prune, WebSub renewals, the Discord gateway). */
  leases: Leases;
  feeds: FeedStore;
  items: ItemStore;
  admin: FeedAdmin;
  watches: WatchStore;
  outbox: Outbox;
  stories: StoryStore;
  router: AlertRouter;
  /** Each channel's time zone, digest, quiet hours and limit, and what changing them does. */
  rhythm: ChannelRhythm;
  /** Queues due digests and gathers held rows into folds (the delivery worker runs it on each round). */
  gatherer: Gatherer;
  trends: Trends;
  summaries: Summaries;
  /** What channels are shown in their language: stored translations only, never a call to the LLM. */
  translations: ChannelTranslations;
  /** Makes the translations waiting rows want, with the LLM (null without one). */
  translator: LlmTranslations | null;
  search: SearchService;
  /** This app's Prometheus metrics, in a registry of its own; the pipeline reports to it. */
  metrics: Metrics;
  /** The follow-up pass that indexes, clusters, summarizes and routes what polls stored. */
  processor: ItemProcessor;
  poller: FeedPoller;
  scheduler: PollScheduler;
  /** WebSub subscriptions, when PUBLIC_URL says where hubs reach ainews (null without it). */
  websub: WebSubSubscriber | null;
  /** Deletes what AINEWS_RETENTION no longer keeps, leaving tombstones (`ainews prune`, daily in `ainews run`). */
  retention: Retention;
  /** A delivery worker for the given platforms' senders. */
  deliveryWorker(senders: AlertSender[]): DeliveryWorker;
  close(): Promise<void>;
}

/** How long one worker's WebSub renewals may take before another worker may start them too. */
const WEBSUB_MAINTENANCE_LEASE_MS = 10 * 60_000;

/** The lease asked of WebSub hubs: a week, renewed a day before it ends. */
const WEBSUB_LEASE_SECONDS = 7 * 86_400;

/** What a simulation replaces; a running bot leaves both to the system. */
export interface AppOptions {
  /**
   * The clock of the poll path: feeds added, polls, their plans and the alerts they queue are stamped
   * with it. A benchmark runs a day of polling in seconds with a fake one.
   */
  now?: () => Date;
  /** The poll planner's jitter, seeded by a benchmark so that two runs make the same polls. */
  random?: () => number;
}

/**
 * The composition root: everything ainews runs is built here from validated config and wired by hand.
 * A brand-new database is seeded with the default feeds unless AINEWS_SEED_DEFAULT_FEEDS=false.
 */
export async function createApp(config: Config, log: Logger, onOutcome?: (outcome: PollOutcome) => void, options: AppOptions = {}): Promise<App> {
  const { now, random } = options;
  const storage = await openStorage(config.AINEWS_DB, {
    busyTimeoutMs: config.AINEWS_DB_BUSY_TIMEOUT,
    onIdleError: (error) => log.warn({ err: error.message }, 'an idle PostgreSQL connection failed; the next query opens another'),
  });
  // The storage port, through which every store reads and writes, and this worker shares work with others.
  const { sql, db, applied } = storage;
  const worker = workerName(hostname(), process.pid);
  const leases = new Leases(sql);
  const hostLeases = new HostLeases(leases, worker, now);
  for (const migration of applied) log.info({ version: migration.version, name: migration.name }, 'migration applied');
  const feeds = new FeedStore(sql);
  const items = new ItemStore(sql);
  const fetchSettings = {
    timeoutMs: config.FETCH_TIMEOUT,
    maxBytes: config.FETCH_MAX_BYTES,
    maxRedirects: config.FETCH_MAX_REDIRECTS,
    userAgent: config.AINEWS_USER_AGENT,
    allowPrivateNetwork: config.AINEWS_ALLOW_PRIVATE_NETWORK,
  };
  // Built below, once the poller it stores pushes with exists.
  let websub: WebSubSubscriber | null = null;
  const admin = new FeedAdmin(
    feeds,
    {
      defaultIntervalMs: config.FEED_DEFAULT_INTERVAL,
      minIntervalMs: FEED_MIN_INTERVAL_MS,
      allowPrivateNetwork: config.AINEWS_ALLOW_PRIVATE_NETWORK,
    },
    (url) => fetchFeed(url, fetchSettings),
    now,
    (feedId) => websub?.unsubscribe(feedId) ?? Promise.resolve(),
  );
  if (applied.some((m) => m.version === 1) && config.AINEWS_SEED_DEFAULT_FEEDS) {
    const added = (await admin.addDefaults()).filter((r) => r.created).length;
    log.info({ feeds: added }, 'new database seeded with the default feeds');
  }
  const watches = new WatchStore(sql);
  const outbox = new Outbox(sql);
  // On SQLite the write lock is taken at once (BEGIN IMMEDIATE), waiting (AINEWS_DB_BUSY_TIMEOUT) for another
  // process to release it; a deferred transaction that reads first would fail at once when it comes to write.
  const transaction = <T>(work: () => Promise<T>): Promise<T> => sql.withTransaction(() => work());
  const feedHealth = new FeedHealth({
    feeds,
    health: new FeedHealthStore(sql),
    notices: new OutboxNotices(sql),
    watches,
    transaction,
    log: log.child({ component: 'feed-health' }),
    settings: { graceMs: config.FEED_HEALTH_GRACE, opsChannel: config.AINEWS_OPS_CHANNEL ?? null },
  });
  const settings = new ChannelSettingsStore(sql, config.AINEWS_TIMEZONE);
  const folds = new OutboxFolds(sql);
  const gatherer = new Gatherer({ folds, settings, transaction, log: log.child({ component: 'gatherer' }) });
  const rhythm = new ChannelRhythm({ settings, folds, gatherer, transaction });
  const trends = new Trends({ items: new TrendItems(sql), watches, settings });
  const weeklyChart = async (channel: string, until: Date) => {
    const { data } = await trends.of(channel, 7, until);
    return data.series.length ? { png: trendPng(data), filename: 'trends.png', alt: data.title } : null;
  };
  const router = new AlertRouter({
    watches,
    outbox,
    items,
    log: log.child({ component: 'router' }),
    updates: { delayMs: config.STORY_UPDATE_DELAY, intervalMs: config.STORY_UPDATE_INTERVAL, max: config.STORY_MAX_UPDATES },
    holds: new HoldPolicy({ settings, folds }),
    matches: new StoryMatches(sql),
    channelMin: async (channel) => (await settings.get(channel)).minSources,
    storyWindowMs: config.STORY_WINDOW,
  });
  const stories = new StoryStore(sql);
  const limits = { zhChars: config.SUMMARY_MAX_CHARS_ZH, enWords: config.SUMMARY_MAX_WORDS_EN };
  const metrics = new Metrics({ reads: new MetricsReads(sql), log: log.child({ component: 'metrics' }) });
  // One LLM for summaries and translations: together they keep to LLM_CONCURRENCY and the daily budget.
  const calls = config.LLM_BASE_URL
    ? new LlmCalls(
        { baseUrl: config.LLM_BASE_URL, apiKey: config.LLM_API_KEY, model: config.LLM_MODEL, timeoutMs: config.LLM_TIMEOUT, summaryLanguage: config.SUMMARY_LANGUAGE },
        {
          usage: new LlmUsage(sql),
          budget: { dailyCalls: config.LLM_DAILY_CALLS, dailyTokens: config.LLM_DAILY_TOKENS },
          concurrency: config.LLM_CONCURRENCY,
          onCall: (outcome, tokens) => metrics.llmCalled(outcome, tokens),
        },
      )
    : null;
  const llm = calls
    ? new LlmSummaries({ items, pending: new SummaryPending(sql), calls, limits, concurrency: config.LLM_CONCURRENCY, log: log.child({ component: 'llm' }) })
    : null;
  const translationStore = new TranslationStore(sql);
  const translations = new ChannelTranslations({ store: translationStore, settings, llm: calls !== null });
  const translator = calls
    ? new LlmTranslations({ store: translationStore, calls, concurrency: config.LLM_CONCURRENCY, log: log.child({ component: 'translations' }) })
    : null;
  const summaries = new Summaries(items, limits, llm);
  const processor = new ItemProcessor({
    pending: new PendingItems(sql),
    index: new SearchIndex(sql),
    clusterer: new StoryClusterer(stories, { windowMs: config.STORY_WINDOW }),
    summaries,
    router,
    transaction,
    log: log.child({ component: 'processor' }),
    now,
  });
  const planner = new PollPlanner({
    rhythms: new FeedRhythms(sql),
    transaction,
    weights: async () => feeds.requestWeights(),
    pushState: async (feedId) => (await websub?.pushState(feedId)) ?? null,
    settings: {
      minMs: config.FEED_MIN_INTERVAL,
      maxMs: config.FEED_MAX_INTERVAL,
      defaultIntervalMs: config.FEED_DEFAULT_INTERVAL,
      zone: config.AINEWS_TIMEZONE,
    },
    random,
  });
  const poller = new FeedPoller({
    feeds,
    items,
    processor,
    alertsFor: async (ids) => outbox.alertsFor(ids),
    fetch: (url, validators, signal) => fetchFeed(url, fetchSettings, validators, signal),
    // One request at a time per site, across the workers sharing the database too.
    hosts: new HostQueue((host, task, signal) => hostLeases.hold(host, task, signal)),
    planner,
    log: log.child({ component: 'poller' }),
    backoff: { baseMs: config.FEED_BACKOFF_BASE, maxMs: config.FEED_BACKOFF_MAX },
    maxFailures: config.FEED_MAX_FAILURES,
    maxItems: config.FEED_MAX_ITEMS,
    observer: feedHealth,
    now,
    onPolled: async (feed, poll) => {
      await websub?.polled(feed, poll);
    },
  });
  if (config.PUBLIC_URL) {
    websub = new WebSubSubscriber({
      subscriptions: new WebSubSubscriptions(sql),
      feeds,
      post: (hub, fields) =>
        postToHub(hub, fields, { timeoutMs: config.FETCH_TIMEOUT, userAgent: config.AINEWS_USER_AGENT, allowPrivateNetwork: config.AINEWS_ALLOW_PRIVATE_NETWORK }),
      // A push goes on as a poll would: stored, then indexed, clustered and routed, then reported.
      ingest: async (feed, body, contentType) => {
        const outcome = await poller.finish(await poller.ingestPush(feed, body, contentType));
        onOutcome?.(outcome);
      },
      log: log.child({ component: 'websub' }),
      settings: { publicUrl: config.PUBLIC_URL, leaseSeconds: WEBSUB_LEASE_SECONDS },
      ...(now ? { now } : {}),
    });
  }
  const scheduler = new PollScheduler({
    feeds,
    claims: new FeedClaims(sql),
    worker,
    poller,
    processor,
    planner,
    budget: new PollBudget(config.POLL_BUDGET_PER_HOUR),
    // Once across workers: the one holding the 'websub' lease renews and retries subscriptions.
    maintenance: async () => {
      const subscriber = websub;
      if (subscriber) await runExclusively({ leases, name: 'websub', holder: worker, ttlMs: WEBSUB_MAINTENANCE_LEASE_MS }, () => subscriber.maintain(), now);
    },
    concurrency: config.POLL_CONCURRENCY,
    log: log.child({ component: 'scheduler' }),
    onOutcome,
    onIngested: (outcome, seconds) => metrics.polled(outcome, seconds),
    now,
  });
  const deliverySettings = {
    intervalMs: config.DELIVERY_INTERVAL,
    maxAttempts: config.DELIVERY_MAX_ATTEMPTS,
    backoffBaseMs: config.DELIVERY_BACKOFF_BASE,
    backoffMaxMs: config.DELIVERY_BACKOFF_MAX,
    summaryWaitMs: llm ? config.LLM_ALERT_WAIT : 0,
    translationWaitMs: translator ? config.LLM_ALERT_WAIT : 0,
    sendTimeoutMs: config.DELIVERY_SEND_TIMEOUT,
    claimTimeoutMs: config.DELIVERY_CLAIM_TIMEOUT,
    concurrency: config.DELIVERY_CONCURRENCY,
  };
  return {
    config,
    applied,
    installId: await installId(sql),
    log,
    db,
    storage,
    sql,
    worker,
    leases,
    feeds,
    items,
    admin,
    watches,
    outbox,
    stories,
    router,
    rhythm,
    gatherer,
    trends,
    summaries,
    translations,
    translator,
    search: new SearchService(db ? new SearchMatches(sql) : new PostgresSearchReads(sql)),
    metrics,
    processor,
    poller,
    scheduler,
    websub,
    retention: new Retention({
      items: new ItemRetention(sql),
      outbox: new OutboxRetention(sql),
      tombstones: new Tombstones(sql),
      search: new SearchMerges(sql),
      transaction,
      size: () => storage.size(),
      lastRun: () => lastPruneAt(sql),
      recordRun: (at) => recordPrune(sql, at),
      retentionMs: config.AINEWS_RETENTION,
    }),
    deliveryWorker: (senders) =>
      new DeliveryWorker(
        {
          outbox,
          items,
          stories,
          channels: watches,
          gatherer,
          chart: weeklyChart,
          translations,
          ...(translator ? { translator } : {}),
          log: log.child({ component: 'delivery' }),
          settings: deliverySettings,
          onDelivered: async (row, outcome) => {
            await metrics.delivered(row, outcome);
          },
        },
        senders,
      ),
    close: () => storage.close(),
  };
}
