-- Facts about this installation. install_id tells this database's messages apart from those of another
-- database sharing the bot account (one started afresh, a second installation): Discord checks a
-- message nonce against every message of the bot, not of this database. A copied file keeps its id.
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('install_id', lower(hex(randomblob(4))));
