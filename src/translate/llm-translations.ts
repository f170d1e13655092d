import type { ChannelLanguage, TranslationStore, WantedTranslation } from '../db/translations.ts';
import type { Logger } from '../log.ts';
import { WorkQueue } from '../summarize/work-queue.ts';
import { LlmBudgetSpent, type LlmCalls } from '../summarize/llm-calls.ts';
import { requestTranslation } from './translate-prompt.ts';

/** Translations looked for in one round: a bound on one query, not on the work (the next round finds the rest). */
const ROUND_LIMIT = 50;

/**
 * Translations of what channels are shown into their language, made in the background by the LLM with
 * bounded concurrency, like LLM summaries, and stored once per item and language whatever the number of
 * channels (`item_translations`).
 *
 * Where requests come from: on each round of the delivery worker (`request`), the outbox rows still to be
 * sent (alerts, held rows, folds and digests, through their payload) are read for items their channel
 * wants in another language and that have no translation yet. Asking the outbox, rather than hooking
 * every place that queues a row (routing, the story-update policy, the gatherer, a digest sent from the
 * CLI), keeps those places as they are, covers a row queued by another process (`ainews poll --once`
 * from cron) or before a restart, and costs one indexed query per round. While a row waits for its
 * translation, Outbox.claim leaves it for up to LLM_ALERT_WAIT after it was queued.
 */
export class LlmTranslations {
  private readonly queue: WorkQueue<WantedTranslation>;
  /** What this process has queued or is asking for, so that a round does not queue it twice. */
  private readonly taken = new Set<string>();
  private stopped = false;
  private readonly abort = new AbortController();
  /** Called when a translation is settled, so that the rows waiting for it can go (set by `ainews run`). */
  onSettled: (() => void) | null = null;

  constructor(
    private readonly deps: {
      store: TranslationStore;
      /** The LLM, its budget and its pace, shared with summaries. */
      calls: LlmCalls;
      concurrency: number;
      log: Logger;
    },
  ) {
    this.queue = new WorkQueue(deps.concurrency, (wanted) => this.translate(wanted));
  }

  /**
   * Starts on the translations that rows waiting in the outbox want; returns how many it queued. A
   * storage error is logged: the next round tries again.
   */
  async request(now = new Date()): Promise<number> {
    if (this.stopped) return 0;
    // What is being made as the read starts may be settled by the time it answers, and still be in it.
    const busy = new Set(this.taken);
    let wanted: WantedTranslation[];
    try {
      wanted = await this.deps.store.wanted(ROUND_LIMIT, this.staleBefore(now));
    } catch (error) {
      this.deps.log.error({ err: error }, 'could not read what is to be translated; tried again on the next round');
      return 0;
    }
    if (this.stopped) return 0;
    const fresh = wanted.filter((one) => !this.taken.has(keyOf(one)) && !busy.has(keyOf(one)));
    for (const one of fresh) this.taken.add(keyOf(one));
    this.queue.push(fresh);
    return fresh.length;
  }

  /** Resolves when nothing is queued or in flight. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /**
   * Stops before the database closes: drops what is queued, cancels the requests in flight and waits for
   * them to settle. Their rows are left to the next process (marks are taken only as a request starts).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const one of this.queue.drain()) this.taken.delete(keyOf(one));
    this.abort.abort();
    await this.idle();
  }

  /** Makes one translation and records how it went; never rejects. */
  private async translate(wanted: WantedTranslation): Promise<void> {
    const { store, calls } = this.deps;
    const { item_id: itemId, language } = wanted;
    const source = { title: wanted.title, summary: wanted.summary };
    const log = this.deps.log.child({ item: itemId, language });
    try {
      // Another process may be making it: then it is left to that one.
      if (!(await store.take(itemId, language, new Date(), this.staleBefore(new Date())))) return;
      try {
        const translated = await calls.call(this.abort.signal, () => requestTranslation(source, language, calls.settings, this.abort.signal));
        await store.done(itemId, language, source, translated, calls.settings.model, new Date());
      } catch (error) {
        if (this.abort.signal.aborted) {
          await store.release(itemId, language);
          return;
        }
        const budget = error instanceof LlmBudgetSpent;
        await store.failed(itemId, language, source, budget ? 'budget' : 'llm', (error as Error).message, new Date());
        log.warn({ err: (error as Error).message }, 'translation failed; the original text is shown');
      }
      this.onSettled?.();
    } catch (error) {
      log.error({ err: error }, 'could not record a translation; it is asked for again on a later round');
    } finally {
      this.taken.delete(keyOf(wanted));
    }
  }

  /** A mark older than this belongs to a process that died asking: three of the LLM's timeouts, for the wait for a slot. */
  private staleBefore(now: Date): Date {
    return new Date(now.getTime() - 3 * this.deps.calls.settings.timeoutMs);
  }
}

function keyOf(wanted: { item_id: number; language: ChannelLanguage }): string {
  return `${wanted.item_id}:${wanted.language}`;
}
