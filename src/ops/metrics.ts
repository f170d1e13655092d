import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Platform } from '../channel-name.ts';
import type { FeedStatus } from '../db/feeds.ts';
import type { MetricsReads } from '../db/metrics-reads.ts';
import type { DeliveryStatus, OutboxRow } from '../db/outbox.ts';
import type { DeliveryOutcome } from '../delivery/worker.ts';
import type { Logger } from '../log.ts';
import type { IngestOutcome } from '../pipeline/poll-feed.ts';
import type { LlmCallOutcome } from '../summarize/llm-calls.ts';

const FEED_STATUSES: readonly FeedStatus[] = ['ok', 'failing', 'disabled'];
const OUTBOX_STATUSES: readonly DeliveryStatus[] = ['pending', 'held', 'sending', 'sent', 'retrying', 'failed', 'skipped'];
const POLL_OUTCOMES = { updated: 'ok', 'not-modified': 'not_modified', failed: 'failed' } as const;
const LLM_OUTCOMES: readonly LlmCallOutcome[] = ['ok', 'failed', 'rate_limited', 'budget_spent'];

/** A fetch and store: from a cached 304 to a large feed near FETCH_TIMEOUT (15 s by default). */
const POLL_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60];
/** From publication to alert: feeds are polled every 15 minutes by default, and some publish late. */
const ALERT_DELAY_BUCKETS = [30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14_400, 43_200, 86_400, 172_800];
/** A command's answer: a database read at best, a few platform calls at worst. */
const COMMAND_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** A delivery's outcome as a label: a few words, whatever the reason or the channel. */
export function deliveryLabel(outcome: DeliveryOutcome): string {
  switch (outcome.kind) {
    case 'sent':
      return 'sent';
    case 'retrying':
    case 'paused':
      return 'retrying';
    case 'gone':
      return 'channel_gone';
    case 'failed':
      return outcome.why === 'skipped' ? 'skipped' : outcome.why === 'claim-lost' ? 'claim_lost' : 'failed';
  }
}

/**
 * The Prometheus metrics of one app, in a registry of its own (never prom-client's global one, so that
 * several apps can live in one process, as in the tests). The pipeline reports to it through the hook
 * methods below, wired at the composition root; nothing else imports prom-client. Label values come
 * from small fixed sets: never a feed URL, a channel or an error message.
 */
export class Metrics {
  readonly registry = new Registry();
  private processMetrics = false;
  private readonly polls: Counter<'outcome'>;
  private readonly pollSeconds: Histogram;
  private readonly itemsStored: Counter;
  private readonly deliveries: Counter<'platform' | 'outcome'>;
  private readonly alertDelay: Histogram;
  private readonly commandSeconds: Histogram<'platform'>;
  private readonly llmCalls: Counter<'outcome'>;
  private readonly llmTokens: Counter;

  constructor(private readonly deps: { reads: MetricsReads; log: Logger }) {
    const registers = [this.registry];
    this.statusGauge('ainews_feeds', 'Feeds by status, read from the database at each scrape.', FEED_STATUSES, async () => deps.reads.feedsByStatus());
    this.statusGauge('ainews_outbox', 'Outbox rows by status, read from the database at each scrape.', OUTBOX_STATUSES, async () => deps.reads.outboxByStatus());
    this.polls = new Counter({ name: 'ainews_feed_polls_total', help: 'Feed polls by outcome: ok, not_modified (a 304), failed.', labelNames: ['outcome'], registers });
    for (const outcome of Object.values(POLL_OUTCOMES)) this.polls.inc({ outcome }, 0);
    this.pollSeconds = new Histogram({
      name: 'ainews_feed_poll_duration_seconds',
      help: "Time to fetch and store one feed, its turn behind the same host's other feeds included.",
      buckets: POLL_BUCKETS,
      registers,
    });
    this.itemsStored = new Counter({ name: 'ainews_items_stored_total', help: "New items stored by polls, a feed's first-poll backlog included.", registers });
    this.deliveries = new Counter({
      name: 'ainews_deliveries_total',
      help: 'Outbox rows delivered, by platform and outcome: sent, retrying, failed, skipped, channel_gone, claim_lost.',
      labelNames: ['platform', 'outcome'],
      registers,
    });
    this.alertDelay = new Histogram({
      name: 'ainews_alert_delay_seconds',
      help: "From an item's publication (its first sighting when its date was unusable) to its alert being sent.",
      buckets: ALERT_DELAY_BUCKETS,
      registers,
    });
    this.commandSeconds = new Histogram({
      name: 'ainews_command_duration_seconds',
      help: 'Time to answer one /ainews command, refusals and mistakes included.',
      labelNames: ['platform'],
      buckets: COMMAND_BUCKETS,
      registers,
    });
    this.llmCalls = new Counter({
      name: 'ainews_llm_calls_total',
      help: 'LLM calls (summaries and translations) by outcome: ok, failed, rate_limited, budget_spent (not made).',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of LLM_OUTCOMES) this.llmCalls.inc({ outcome }, 0);
    this.llmTokens = new Counter({ name: 'ainews_llm_tokens_total', help: 'Tokens the LLM reported using.', registers });
  }

  /** The process's own metrics (CPU, memory, event-loop lag, GC), once: they run monitors that never stop. */
  collectProcessMetrics(): void {
    if (this.processMetrics) return;
    this.processMetrics = true;
    collectDefaultMetrics({ register: this.registry });
  }

  /** The text Prometheus scrapes, and its content type. */
  async exposition(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }

  polled(outcome: IngestOutcome, seconds: number): void {
    if (outcome.result === 'cancelled') return;
    this.polls.inc({ outcome: POLL_OUTCOMES[outcome.result] });
    this.pollSeconds.observe(seconds);
    const stored = outcome.fresh.length + outcome.backlog;
    if (stored > 0) this.itemsStored.inc(stored);
  }

  /** Counts a row's delivery; an alert sent on its own (not in a fold or digest) also gives its delay. */
  async delivered(row: OutboxRow, outcome: DeliveryOutcome, now = new Date()): Promise<void> {
    this.deliveries.inc({ platform: row.platform, outcome: deliveryLabel(outcome) });
    if (outcome.kind !== 'sent' || row.kind !== 'alert') return;
    try {
      const published = await this.deps.reads.publishedAt(row.item_id);
      if (published) this.alertDelay.observe(Math.max(0, (now.getTime() - published.getTime()) / 1000));
    } catch (error) {
      // The alert is sent and recorded; only its delay goes unmeasured.
      this.deps.log.warn({ err: error, outbox: row.id }, "could not read the alerted item's publication time for the metrics");
    }
  }

  commandAnswered(platform: Platform, seconds: number): void {
    this.commandSeconds.observe({ platform }, seconds);
  }

  llmCalled(outcome: LlmCallOutcome, tokens: number): void {
    this.llmCalls.inc({ outcome });
    if (tokens > 0) this.llmTokens.inc(tokens);
  }

  /** A gauge by status, counted in the database when scraped: every known status, 0 when it has none. */
  private statusGauge(name: string, help: string, known: readonly string[], read: () => Promise<Map<string, number>>): void {
    const log = this.deps.log;
    new Gauge({
      name,
      help,
      labelNames: ['status'],
      registers: [this.registry],
      async collect() {
        let counts: Map<string, number>;
        try {
          counts = await read();
        } catch (error) {
          // The rest of the scrape still goes out; this gauge is missing from it, which alerts can see.
          log.warn({ err: error, metric: name }, 'could not count by status for the metrics; left out of this scrape');
          this.reset();
          return;
        }
        this.reset();
        for (const status of new Set([...known, ...counts.keys()])) this.set({ status }, counts.get(status) ?? 0);
      },
    });
  }
}
