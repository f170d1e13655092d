-- Adaptive polling. A feed is polled at a fixed interval when it was given one (`--every`), or at an
-- interval learned from its rhythm: interval_seconds is then the interval its last poll chose, and
-- interval_reason says why in words. news_rate is the items an hour it was expected to bring when
-- it was last polled (a poll budget that binds polls the feeds most likely to have news first), and
-- request_weight the mean over the week of the square root of its hourly rate (what it costs in
-- requests, for sharing them out). Feeds that exist already keep a fixed interval when it is not
-- the default 15 minutes: someone chose it.
ALTER TABLE feeds ADD COLUMN interval_mode TEXT NOT NULL DEFAULT 'adaptive' CHECK (interval_mode IN ('fixed', 'adaptive'));
ALTER TABLE feeds ADD COLUMN interval_reason TEXT;
ALTER TABLE feeds ADD COLUMN news_rate REAL;
ALTER TABLE feeds ADD COLUMN request_weight REAL;
UPDATE feeds SET interval_mode = 'fixed' WHERE interval_seconds <> 900;

-- When a feed's new items appeared, by hour of the week (UTC): 168 decayed counts as a JSON array, the
-- moment they were decayed to, and since when the feed is known.
CREATE TABLE feed_rhythms (
  feed_id    INTEGER PRIMARY KEY REFERENCES feeds (id) ON DELETE CASCADE,
  counts     TEXT NOT NULL,
  counted_at TEXT NOT NULL,
  since      TEXT NOT NULL
);

-- WebSub subscriptions, one per feed whose hub ainews subscribed to. The hub calls back on
-- PUBLIC_URL/websub/<token>: the token tells the subscriptions apart and is not guessable; pushes are
-- signed with the subscription's own secret. A removed feed's subscription stays, feed_id NULL and
-- state 'unsubscribing', until the hub confirms the unsubscription (or it is given up).
--   requested:     asked for, waiting for the hub to verify it
--   active:        verified; the feed is pushed, and polled only as a safety net until expires_at
--   failed:        the hub refused, denied or never verified; tried again at retry_at
--   fallback:      pushes stopped while polls found new items; polled as before, tried again at retry_at
--   unsubscribing: the feed was removed; waiting for the hub to verify the unsubscription
CREATE TABLE websub_subscriptions (
  id            INTEGER PRIMARY KEY,
  feed_id       INTEGER UNIQUE REFERENCES feeds (id) ON DELETE SET NULL,
  hub           TEXT    NOT NULL,
  topic         TEXT    NOT NULL,
  token         TEXT    NOT NULL UNIQUE,
  secret        TEXT    NOT NULL,
  state         TEXT    NOT NULL CHECK (state IN ('requested', 'active', 'failed', 'fallback', 'unsubscribing')),
  requested_at  TEXT    NOT NULL,
  verified_at   TEXT,
  lease_seconds INTEGER,
  expires_at    TEXT,
  last_push_at  TEXT,
  pushes        INTEGER NOT NULL DEFAULT 0,
  last_error    TEXT,
  retry_at      TEXT
);
