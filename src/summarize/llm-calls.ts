import type { LlmUsage } from '../db/llm-usage.ts';
import { LlmError, type LlmSettings } from './llm-client.ts';

/** The longest a Retry-After is honoured; the fallbacks (built-in summaries, original text) cover the time. */
const MAX_PAUSE_MS = 3_600_000;

export interface LlmBudget {
  dailyCalls: number;
  dailyTokens: number;
}

/**
 * How one call went: answered, failed, held back by a 429 (the LLM's own, or the Retry-After it set, when
 * no call is made), or not made because the day's budget is spent.
 */
export type LlmCallOutcome = 'ok' | 'failed' | 'rate_limited' | 'budget_spent';

/** No call was made: the day's budget of calls or tokens (LLM_DAILY_CALLS, LLM_DAILY_TOKENS) is spent. */
export class LlmBudgetSpent extends LlmError {
  override name = 'LlmBudgetSpent';
  constructor() {
    super('the daily LLM budget is spent');
  }
}

/**
 * Every call to the configured LLM goes through here, whatever it is for (summaries, translations), so
 * that together they keep to LLM_CONCURRENCY calls at once, one daily budget, and a 429's Retry-After.
 */
export class LlmCalls {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private pausedUntil = 0;

  constructor(
    readonly settings: LlmSettings,
    private readonly deps: {
      usage: LlmUsage;
      budget: LlmBudget;
      concurrency: number;
      /** Told how each call went and the tokens it used (the metrics count them). */
      onCall?: (outcome: LlmCallOutcome, tokens: number) => void;
    },
  ) {}

  /**
   * Makes one call when a slot is free, counting it in the day's budget and its tokens after it. Throws
   * an LlmError without calling while the LLM asked to wait, LlmBudgetSpent when the budget is spent, and
   * the call's own LlmError when it fails (a Retry-After then pauses every caller).
   */
  async call<T>(signal: AbortSignal, request: () => Promise<{ value: T; tokens: number }>): Promise<T> {
    await this.slot();
    try {
      signal.throwIfAborted();
      if (Date.now() < this.pausedUntil) {
        this.deps.onCall?.('rate_limited', 0);
        throw new LlmError('the LLM asked to wait (429 Retry-After)');
      }
      if (!(await this.reserveCall())) {
        this.deps.onCall?.('budget_spent', 0);
        throw new LlmBudgetSpent();
      }
      try {
        const { value, tokens } = await request();
        await this.deps.usage.addTokens(today(), tokens);
        this.deps.onCall?.('ok', tokens);
        return value;
      } catch (error) {
        const retryAfterMs = error instanceof LlmError ? error.retryAfterMs : undefined;
        if (retryAfterMs) this.pausedUntil = Date.now() + Math.min(retryAfterMs, MAX_PAUSE_MS);
        this.deps.onCall?.(retryAfterMs ? 'rate_limited' : 'failed', 0);
        throw error;
      }
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  private async slot(): Promise<void> {
    while (this.active >= this.deps.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
  }

  private async reserveCall(): Promise<boolean> {
    const { budget } = this.deps;
    const reserved = await this.deps.usage.reserveCall(today(), { calls: budget.dailyCalls, tokens: budget.dailyTokens });
    return reserved && budget.dailyCalls > 0 && budget.dailyTokens > 0;
  }
}

/** The budget's day: a UTC date. */
function today(): string {
  return new Date().toISOString().slice(0, 10);
}
