-- Each channel chooses its rhythm: the time zone its times are read in, a digest (daily or weekly, at a
-- local time, optionally instead of live alerts), quiet hours, and a limit of alerts per rolling hour.
-- NULL means unset: the zone is then AINEWS_TIMEZONE, and there is no digest, no quiet hours, no limit.
-- next_digest_at is the instant the next digest is due; it is moved on in the transaction that queues a
-- digest, so that a digest missed while the bot was down goes out once, not once per missed slot.
ALTER TABLE channels ADD COLUMN timezone TEXT;
ALTER TABLE channels ADD COLUMN digest_every TEXT CHECK (digest_every IN ('daily', 'weekly'));
ALTER TABLE channels ADD COLUMN digest_day INTEGER CHECK (digest_day BETWEEN 1 AND 7);
ALTER TABLE channels ADD COLUMN digest_time TEXT;
ALTER TABLE channels ADD COLUMN digest_only INTEGER NOT NULL DEFAULT 0 CHECK (digest_only IN (0, 1));
ALTER TABLE channels ADD COLUMN next_digest_at TEXT;
ALTER TABLE channels ADD COLUMN last_digest_at TEXT;
ALTER TABLE channels ADD COLUMN quiet_from TEXT;
ALTER TABLE channels ADD COLUMN quiet_to TEXT;
ALTER TABLE channels ADD COLUMN limit_per_hour INTEGER CHECK (limit_per_hour > 0);

-- The outbox learns to hold and to gather. A row may be 'held' until held_until: for quiet hours, for
-- the channel's limit, or for its digest (held_for). Held rows go out together as one message: a 'fold'
-- (or a 'digest'), a row of its own whose payload lists the stories it tells; each held row records it
-- in fold_id, and is marked sent with its message id in the transaction that marks the fold sent.
-- Folds and digests are about no single item: item_id and story_id are NULL for them. SQLite cannot
-- change a CHECK constraint or drop a NOT NULL, so the table is rebuilt.
CREATE TABLE outbox_rhythm (
  id                  INTEGER PRIMARY KEY,
  kind                TEXT    NOT NULL DEFAULT 'alert' CHECK (kind IN ('alert', 'update', 'fold', 'digest')),
  item_id             INTEGER REFERENCES items (id) ON DELETE CASCADE,
  story_id            INTEGER,
  parent_id           INTEGER,
  channel             TEXT    NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  platform            TEXT    NOT NULL,
  watch_id            INTEGER REFERENCES watches (id) ON DELETE SET NULL,
  watch_query         TEXT    NOT NULL,
  status              TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'held', 'sending', 'sent', 'retrying', 'failed', 'skipped')),
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
  held_until          TEXT,
  held_for            TEXT    CHECK (held_for IN ('quiet', 'limit', 'digest')),
  fold_id             INTEGER,
  payload             TEXT,
  CHECK ((kind IN ('alert', 'update')) = (item_id IS NOT NULL AND story_id IS NOT NULL)),
  CHECK ((status = 'held') = (held_until IS NOT NULL)),
  UNIQUE (item_id, channel)
);
INSERT INTO outbox_rhythm (id, kind, item_id, story_id, parent_id, channel, platform, watch_id, watch_query, status, attempts, last_error,
  next_attempt_at, claimed_by, claimed_at, platform_message_id, created_at, sent_at, attempt_started_at, shown_sources)
SELECT id, kind, item_id, story_id, parent_id, channel, platform, watch_id, watch_query, status, attempts, last_error,
  next_attempt_at, claimed_by, claimed_at, platform_message_id, created_at, sent_at, attempt_started_at, shown_sources FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_rhythm RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_channel ON outbox (channel, id);
CREATE UNIQUE INDEX outbox_story_alert ON outbox (story_id, channel) WHERE kind = 'alert';
CREATE INDEX outbox_parent ON outbox (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX outbox_waiting ON outbox (channel, id) WHERE status IN ('pending', 'sending', 'retrying');
-- What waits to be folded, found by when it is due; and a fold's rows, found when it is marked sent.
CREATE INDEX outbox_held ON outbox (held_until) WHERE status = 'held';
CREATE INDEX outbox_fold ON outbox (fold_id) WHERE fold_id IS NOT NULL;
-- The messages a channel had in the last hour, for its limit; and its alerts since its last digest.
CREATE INDEX outbox_channel_created ON outbox (channel, created_at);
