-- Feed health. A feed that has failed for longer than FEED_HEALTH_GRACE is noticed once per outage, in
-- the operator's channel (AINEWS_OPS_CHANNEL) and in the channels of the watches limited to it
-- (`source:`); when it works again, those channels are told it is back. One row per feed that ever
-- failed: its latest outage, from the first failed poll (outage_started_at) to the first poll that
-- worked again (recovered_at, NULL while the outage lasts); when its notice was queued and for which
-- channels (a JSON array), and when its recovery notice was. A notice is queued in the transaction
-- that sets noticed_at where it was NULL, so it is queued once whichever process polls the feed; a
-- recovery notice only for an outage that was noticed.
CREATE TABLE feed_health (
  feed_id             INTEGER PRIMARY KEY REFERENCES feeds (id) ON DELETE CASCADE,
  outage_started_at   TEXT    NOT NULL,
  recovered_at        TEXT,
  noticed_at          TEXT,
  noticed_channels    TEXT,
  recovery_noticed_at TEXT,
  CHECK (recovery_noticed_at IS NULL OR (noticed_at IS NOT NULL AND recovered_at IS NOT NULL))
);

-- The outbox learns a fifth kind: a 'notice', plain text about ainews itself (a feed down, a feed back),
-- about no item: item_id and story_id are NULL, its text is in payload (JSON: {"text": …}). It is
-- claimed, sent once and kept in order with its channel's other messages like an alert. SQLite cannot
-- change a CHECK constraint, so the table is rebuilt as migration 011 did, with every column and index.
CREATE TABLE outbox_notices (
  id                  INTEGER PRIMARY KEY,
  kind                TEXT    NOT NULL DEFAULT 'alert' CHECK (kind IN ('alert', 'update', 'fold', 'digest', 'notice')),
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
  mentions            TEXT,
  translated          INTEGER CHECK (translated IN (0, 1)),
  untranslated_reason TEXT,
  CHECK ((kind IN ('alert', 'update')) = (item_id IS NOT NULL AND story_id IS NOT NULL)),
  CHECK ((status = 'held') = (held_until IS NOT NULL)),
  CHECK (kind <> 'notice' OR payload IS NOT NULL),
  UNIQUE (item_id, channel)
);
INSERT INTO outbox_notices (id, kind, item_id, story_id, parent_id, channel, platform, watch_id, watch_query, status, attempts, last_error,
  next_attempt_at, claimed_by, claimed_at, platform_message_id, created_at, sent_at, attempt_started_at, shown_sources, held_until,
  held_for, fold_id, payload, mentions, translated, untranslated_reason)
SELECT id, kind, item_id, story_id, parent_id, channel, platform, watch_id, watch_query, status, attempts, last_error,
  next_attempt_at, claimed_by, claimed_at, platform_message_id, created_at, sent_at, attempt_started_at, shown_sources, held_until,
  held_for, fold_id, payload, mentions, translated, untranslated_reason FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_notices RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_channel ON outbox (channel, id);
CREATE UNIQUE INDEX outbox_story_alert ON outbox (story_id, channel) WHERE kind = 'alert';
CREATE INDEX outbox_parent ON outbox (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX outbox_waiting ON outbox (channel, id) WHERE status IN ('pending', 'sending', 'retrying');
CREATE INDEX outbox_held ON outbox (held_until) WHERE status = 'held';
CREATE INDEX outbox_fold ON outbox (fold_id) WHERE fold_id IS NOT NULL;
CREATE INDEX outbox_channel_created ON outbox (channel, created_at);
