-- Feeds are polled on their own interval; status and backoff live here so that `feeds list` can show them.
CREATE TABLE feeds (
  id                   INTEGER PRIMARY KEY,
  url                  TEXT    NOT NULL UNIQUE,
  name                 TEXT,
  interval_seconds     INTEGER NOT NULL CHECK (interval_seconds >= 60),
  status               TEXT    NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'failing', 'disabled')),
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  last_error           TEXT,
  etag                 TEXT,
  last_modified        TEXT,
  language             TEXT,
  -- NULL until the first successful poll: the items of that poll are the feed's backlog.
  first_success_at     TEXT,
  last_polled_at       TEXT,
  last_success_at      TEXT,
  next_poll_at         TEXT    NOT NULL,
  created_at           TEXT    NOT NULL
);

CREATE INDEX feeds_due ON feeds (status, next_poll_at);

-- One row per article, however many feeds carry it and however its URL is decorated.
-- dedupe_key is the canonical URL without scheme and "www.", or "feed:<id>:<guid>" when there is no link.
CREATE TABLE items (
  id                  INTEGER PRIMARY KEY,
  dedupe_key          TEXT    NOT NULL UNIQUE,
  url                 TEXT,
  title               TEXT    NOT NULL,
  author              TEXT,
  body                TEXT    NOT NULL DEFAULT '',
  lang                TEXT    NOT NULL CHECK (lang IN ('zh', 'en', 'other')),
  published_at        TEXT    NOT NULL,
  -- 'first_seen' when the feed's date was missing, unparseable, ambiguous or in the future.
  published_at_source TEXT    NOT NULL CHECK (published_at_source IN ('feed', 'first_seen')),
  -- 1 when the item was first stored by its feed's first successful poll: searchable, never alerted.
  backlog             INTEGER NOT NULL DEFAULT 0 CHECK (backlog IN (0, 1)),
  first_seen_at       TEXT    NOT NULL,
  updated_at          TEXT    NOT NULL
);

CREATE INDEX items_published ON items (published_at DESC);

-- Which feeds carry an item, under which stable id (guid, canonical link or title hash).
-- content_hash is per feed: two feeds wording one article differently must not rewrite it on every poll.
CREATE TABLE item_sources (
  feed_id       INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
  guid          TEXT    NOT NULL,
  item_id       INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
  content_hash  TEXT    NOT NULL,
  first_seen_at TEXT    NOT NULL,
  PRIMARY KEY (feed_id, guid)
) WITHOUT ROWID;

CREATE INDEX item_sources_item ON item_sources (item_id);
