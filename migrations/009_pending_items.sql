-- Items a poll has stored and the follow-up pass has not yet indexed for search, put in a story,
-- summarized and routed to alerts. A poll's transaction only stores; the follow-up works through this
-- queue in small transactions, oldest first, and deletes each row in the transaction that finishes it,
-- so an item stored just before a crash is still indexed and alerted after the restart.
CREATE TABLE pending_items (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  item_id     INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
  -- The feed that brought it, with the name and URL its watches are matched against.
  feed_id     INTEGER NOT NULL,
  source_name TEXT    NOT NULL,
  source_url  TEXT    NOT NULL,
  -- 1 when an existing item was edited: it is indexed and summarized again, never clustered or alerted.
  edited      INTEGER NOT NULL DEFAULT 0 CHECK (edited IN (0, 1)),
  -- Failed attempts at processing the item on its own, the last error, and when it is tried again: a
  -- failing item waits (1 min, doubling, at most an hour) rather than holding up the queue, and is never
  -- given up on.
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT,
  next_attempt_at TEXT
);
