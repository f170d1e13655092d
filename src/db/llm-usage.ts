import type { Sql } from './sql.ts';

/** The LLM's daily ledger (`llm_usage`): calls and tokens spent per UTC day. The same SQL on both backends. */
export class LlmUsage {
  constructor(private readonly sql: Sql) {}

  /** Counts a call on `day` unless that day's calls or tokens have reached the limits; returns whether it was counted. */
  async reserveCall(day: string, limits: { calls: number; tokens: number }): Promise<boolean> {
    // One statement, so that processes sharing the database never overspend between a read and a write.
    const { changes } = await this.sql.run(
      `INSERT INTO llm_usage (day, calls) VALUES (?, 1)
       ON CONFLICT (day) DO UPDATE SET calls = llm_usage.calls + 1 WHERE llm_usage.calls < ? AND llm_usage.tokens < ?`,
      [day, limits.calls, limits.tokens],
    );
    return changes > 0;
  }

  async addTokens(day: string, tokens: number): Promise<void> {
    await this.sql.run('UPDATE llm_usage SET tokens = tokens + ? WHERE day = ?', [tokens, day]);
  }
}
