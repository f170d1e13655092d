import type { Database, Statement } from 'better-sqlite3';

/** The LLM's daily ledger (`llm_usage`): calls and tokens spent per UTC day. */
export class LlmUsage {
  private readonly reserve: Statement;
  private readonly spend: Statement;

  constructor(db: Database) {
    // One statement, so that processes sharing the database never overspend between a read and a write.
    this.reserve = db.prepare(
      `INSERT INTO llm_usage (day, calls) VALUES (@day, 1)
       ON CONFLICT (day) DO UPDATE SET calls = calls + 1 WHERE calls < @calls AND tokens < @tokens`,
    );
    this.spend = db.prepare('UPDATE llm_usage SET tokens = tokens + ? WHERE day = ?');
  }

  /** Counts a call on `day` unless that day's calls or tokens have reached the limits; returns whether it was counted. */
  reserveCall(day: string, limits: { calls: number; tokens: number }): boolean {
    return this.reserve.run({ day, calls: limits.calls, tokens: limits.tokens }).changes > 0;
  }

  addTokens(day: string, tokens: number): void {
    this.spend.run(tokens, day);
  }
}
