-- An item's title and summary translated by the LLM into a channel's language (channels.language):
-- made once per item and language, whatever the number of channels that show it. `source_title` and
-- `source_summary` are the texts that were translated: once the item's own change (an edit, an LLM
-- summary arriving later), the translation no longer stands for them and is made again.
-- `status` is 'pending' while a process asks the LLM (a mark older than the LLM's timeout belongs to a
-- process that died, and is taken over), 'done', or 'failed' with why: `failure` 'budget' when the
-- daily LLM budget was spent, 'llm' when the LLM failed (`error` says how). A failure settles the rows
-- queued before it; a row queued after it asks again.
CREATE TABLE item_translations (
  item_id        INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
  language       TEXT    NOT NULL CHECK (language IN ('en', 'zh')),
  status         TEXT    NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
  title          TEXT,
  summary        TEXT,
  source_title   TEXT,
  source_summary TEXT,
  model          TEXT,
  failure        TEXT    CHECK (failure IN ('budget', 'llm')),
  error          TEXT,
  updated_at     TEXT    NOT NULL,
  PRIMARY KEY (item_id, language)
) WITHOUT ROWID;

-- What each outbox row showed: 1 translated into its channel's language, 0 shown as it came although a
-- translation was wanted (untranslated_reason says why), NULL when none was wanted. Recorded when its
-- attempt is composed; a later attempt shows what the first one did, so that every attempt sends the same.
ALTER TABLE outbox ADD COLUMN translated INTEGER CHECK (translated IN (0, 1));
ALTER TABLE outbox ADD COLUMN untranslated_reason TEXT;
