import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/db/open.ts';
import { migratePostgres } from '../../src/db/postgres/migrate.ts';
import { openPostgres } from '../../src/db/postgres/pool.ts';
import { PostgresSql } from '../../src/db/postgres/postgres-sql.ts';
import { SqliteSql, type Sql } from '../../src/db/sql.ts';
import { freshPostgresUrl } from './postgres.ts';

/** A database on one backend, and a way to open more connections to it, as other workers would. */
export interface Store {
  sql: Sql;
  /** Another worker's connection to the same database. */
  connect(): Sql;
  /** A connection of its own, and a way to cut it, as a worker losing the database would. */
  severable(): { sql: Sql; cut(): Promise<void> };
  close(): Promise<void>;
}

/**
 * On SQLite, workers of one process share its connection. (A second connection in the same process would
 * wait for the file's lock synchronously, blocking the very event loop that would release it; workers in
 * other processes wait on it without harm.)
 */
export const sqliteStore = async (): Promise<Store> => {
  const dir = mkdtempSync(join(tmpdir(), 'ainews-port-'));
  const path = join(dir, 'ainews.db');
  const { db } = openDatabase(path, 5000);
  const sql = SqliteSql.open(db);
  return {
    sql,
    connect: () => sql,
    severable() {
      const own = openDatabase(path, 5000).db;
      return { sql: SqliteSql.open(own), cut: async () => void own.close() };
    },
    async close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

export const postgresStore = async (): Promise<Store> => {
  const url = await freshPostgresUrl();
  const pools = [openPostgres(url)];
  await migratePostgres(pools[0]!);
  return {
    sql: new PostgresSql(pools[0]!),
    connect() {
      const pool = openPostgres(url);
      pools.push(pool);
      return new PostgresSql(pool);
    },
    severable() {
      const pool = openPostgres(url);
      let ended = false;
      return {
        sql: new PostgresSql(pool),
        cut: async () => {
          if (!ended) await pool.end();
          ended = true;
        },
      };
    },
    async close() {
      await Promise.all(pools.map((pool) => pool.end()));
    },
  };
};

