-- Several `ainews run` workers on one database: the same tables as SQLite's migration 017.

-- Work that one worker at a time does, by name: scheduled work that must run once across workers
-- ('retention', 'digests', 'websub'), the Discord gateway session ('discord-gateway'), and the politeness
-- of a site ('host:<host>': the worker fetching from it). A lease not renewed by `expires_at` belongs to a
-- worker that died, and the next one to ask takes it over.
CREATE TABLE leases (
  name        TEXT        NOT NULL PRIMARY KEY,
  holder      TEXT        NOT NULL,
  acquired_at TIMESTAMPTZ NOT NULL,
  expires_at  TIMESTAMPTZ NOT NULL
);

-- A due feed is claimed (FOR UPDATE SKIP LOCKED) by the worker that will fetch it, until `claimed_until`
-- (its fetch's deadline): no other worker fetches it meanwhile, and a dead worker's claim lapses.
ALTER TABLE feeds ADD COLUMN claimed_by TEXT;
ALTER TABLE feeds ADD COLUMN claimed_until TIMESTAMPTZ;
