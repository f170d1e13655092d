-- What matters to a channel. A channel may ask for stories carried by at least min_sources outlets (a
-- watch's own min_sources overrides it), and for its alerts in one language (NULL: as they come).
ALTER TABLE channels ADD COLUMN min_sources INTEGER CHECK (min_sources BETWEEN 1 AND 20);
ALTER TABLE channels ADD COLUMN language TEXT CHECK (language IN ('en', 'zh'));

-- A watch's own threshold, and who it pings when it fires: the target as typed, and as the platform
-- resolved it when the watch was added (JSON: kind user|group|role, id, label).
ALTER TABLE watches ADD COLUMN min_sources INTEGER CHECK (min_sources BETWEEN 1 AND 20);
ALTER TABLE watches ADD COLUMN mention TEXT;

-- The ids an alert pinged (JSON array), recorded with its attempt.
ALTER TABLE outbox ADD COLUMN mentions TEXT;

-- Stories a watch matched before they had the outlets it asks for: when a later outlet brings the
-- story to the threshold, the alert goes out then, about the item that matched. One row per story and
-- watch; rows older than the story window are of no more use.
CREATE TABLE story_watch_matches (
  story_id   INTEGER NOT NULL,
  watch_id   INTEGER NOT NULL REFERENCES watches (id) ON DELETE CASCADE,
  channel    TEXT    NOT NULL,
  item_id    INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
  created_at TEXT    NOT NULL,
  PRIMARY KEY (story_id, watch_id)
) WITHOUT ROWID;
CREATE INDEX story_watch_matches_created ON story_watch_matches (created_at);
