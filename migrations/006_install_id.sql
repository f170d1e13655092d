-- Facts about this installation. install_id tells this database's messages apart from those of another
-- installation sharing the bot account (a staging copy, a database started afresh): Discord checks a
-- message nonce against every message of the bot, not of this database.
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('install_id', lower(hex(randomblob(4))));
