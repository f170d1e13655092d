-- Tombstones of items pruned for their age (AINEWS_RETENTION). A feed may go on listing an entry long
-- after its item was pruned; without a trace of it, the next poll would store it again as new and alert
-- on it. While a tombstone holds the entry's (feed, guid), or the article's dedupe key, the entry is
-- skipped. A tombstone goes once a complete poll of its feed no longer lists the guid; the dedupe key
-- stands as long as one of its rows does. An entry of another feed skipped for its dedupe key gets a
-- row of its own, so that the article stays buried until every feed that still carries it drops it.
CREATE TABLE item_tombstones (
  feed_id    INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
  guid       TEXT    NOT NULL,
  dedupe_key TEXT    NOT NULL,
  buried_at  TEXT    NOT NULL,
  PRIMARY KEY (feed_id, guid)
) WITHOUT ROWID;
CREATE INDEX item_tombstones_key ON item_tombstones (dedupe_key);
