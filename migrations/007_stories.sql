-- Stories: one piece of news as several sources report it. A story is named by its first item, the
-- lead: story_id is the lead's id (an item's own id when it leads). story_via is the item a later one was
-- found to match, story_reason why (shown by `ainews why`). Items stored before stories existed lead
-- their own.
ALTER TABLE items ADD COLUMN story_id INTEGER;
ALTER TABLE items ADD COLUMN story_via INTEGER;
ALTER TABLE items ADD COLUMN story_reason TEXT;
UPDATE items SET story_id = id;
CREATE INDEX items_story ON items (story_id);

-- The candidate index: a few terms per item (title shingles, names, models, amounts) under its
-- publication time in seconds, so that a new item is compared only with the items of the story window
-- that share a term with it. Rows older than the window are pruned.
CREATE TABLE story_terms (
  term    TEXT    NOT NULL,
  at      INTEGER NOT NULL,
  item_id INTEGER NOT NULL,
  PRIMARY KEY (term, at, item_id)
) WITHOUT ROWID;
CREATE INDEX story_terms_at ON story_terms (at);

-- The outbox becomes story-aware. A channel gets one alert per story (kind 'alert', unique per story and
-- channel); a later item of the story becomes an update of that alert (kind 'update', parent_id the
-- alert), sent as a thread reply or an edit once the alert is posted. shown_sources records which
-- sources a message named, when its attempt started, so that an update names only new ones; 'skipped'
-- is an update that found nothing new to say. SQLite cannot change a CHECK constraint, so the table
-- is rebuilt.
CREATE TABLE outbox_stories (
  id                  INTEGER PRIMARY KEY,
  kind                TEXT    NOT NULL DEFAULT 'alert' CHECK (kind IN ('alert', 'update')),
  item_id             INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
  story_id            INTEGER NOT NULL,
  parent_id           INTEGER,
  channel             TEXT    NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  platform            TEXT    NOT NULL,
  watch_id            INTEGER REFERENCES watches (id) ON DELETE SET NULL,
  watch_query         TEXT    NOT NULL,
  status              TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'retrying', 'failed', 'skipped')),
  attempts            INTEGER NOT NULL DEFAULT 0,
  last_error          TEXT,
  next_attempt_at     TEXT    NOT NULL,
  claimed_by          TEXT,
  claimed_at          TEXT,
  platform_message_id TEXT,
  created_at          TEXT    NOT NULL,
  sent_at             TEXT,
  attempt_started_at  TEXT,
  shown_sources       TEXT,
  UNIQUE (item_id, channel)
);
INSERT INTO outbox_stories (id, kind, item_id, story_id, channel, platform, watch_id, watch_query, status, attempts, last_error,
  next_attempt_at, claimed_by, claimed_at, platform_message_id, created_at, sent_at, attempt_started_at)
SELECT id, 'alert', item_id, item_id, channel, platform, watch_id, watch_query, status, attempts, last_error,
  next_attempt_at, claimed_by, claimed_at, platform_message_id, created_at, sent_at, attempt_started_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_stories RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_channel ON outbox (channel, id);
CREATE UNIQUE INDEX outbox_story_alert ON outbox (story_id, channel) WHERE kind = 'alert';
CREATE INDEX outbox_parent ON outbox (parent_id) WHERE parent_id IS NOT NULL;
