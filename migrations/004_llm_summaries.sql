-- 1 while an LLM summary is being made for the item: its alerts wait for it, up to LLM_ALERT_WAIT.
ALTER TABLE items ADD COLUMN summary_pending INTEGER NOT NULL DEFAULT 0;

-- LLM calls and tokens per UTC day, against LLM_DAILY_CALLS and LLM_DAILY_TOKENS.
CREATE TABLE llm_usage (
  day    TEXT PRIMARY KEY,
  calls  INTEGER NOT NULL DEFAULT 0,
  tokens INTEGER NOT NULL DEFAULT 0
);
