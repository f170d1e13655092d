-- Full-text search over the segmented words of title and body (see src/text/segment.ts): Chinese is
-- segmented before it reaches FTS5, so unicode61 only has to split on the spaces we put in. subwords
-- holds the shorter words inside long Chinese ones (模型 inside 大模型), apart so that phrases stay
-- contiguous in title and body. Contentless: the text lives in items; rowid is items.id.
CREATE VIRTUAL TABLE items_fts USING fts5 (
  title, body, subwords,
  content = '',
  contentless_delete = 1,
  tokenize = 'unicode61 remove_diacritics 2'
);

-- Lets a since: search find where recent items start.
CREATE INDEX items_first_seen ON items (first_seen_at);

-- A chat channel ainews posts to, named <platform>:<id> (console:team, slack:T123/C456, discord:789).
CREATE TABLE channels (
  id              TEXT PRIMARY KEY,
  platform        TEXT NOT NULL,
  active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  inactive_reason TEXT,
  created_at      TEXT NOT NULL
);

-- What a channel watches: the text as typed, and its canonical form for uniqueness.
-- AUTOINCREMENT: an id is never reused, so (count, max id) tells whether the watches changed.
CREATE TABLE watches (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  channel    TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  query      TEXT NOT NULL,
  canonical  TEXT NOT NULL,
  created_by TEXT,
  created_at TEXT NOT NULL,
  UNIQUE (channel, canonical)
);

-- One alert per (item, channel), written in the transaction that stores the item: the outbox.
-- status: pending → sending (claimed) → sent | retrying → … | failed.
CREATE TABLE outbox (
  id                  INTEGER PRIMARY KEY,
  item_id             INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
  channel             TEXT    NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  platform            TEXT    NOT NULL,
  watch_id            INTEGER REFERENCES watches (id) ON DELETE SET NULL,
  watch_query         TEXT    NOT NULL,
  status              TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'retrying', 'failed')),
  attempts            INTEGER NOT NULL DEFAULT 0,
  last_error          TEXT,
  next_attempt_at     TEXT    NOT NULL,
  claimed_by          TEXT,
  claimed_at          TEXT,
  platform_message_id TEXT,
  created_at          TEXT    NOT NULL,
  sent_at             TEXT,
  UNIQUE (item_id, channel)
);

CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_channel ON outbox (channel, id);
