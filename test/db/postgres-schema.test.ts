import { afterAll, beforeAll, expect, it } from 'vitest';
import { readMigrations, SchemaTooNewError } from '../../src/db/migrate.ts';
import { openDatabase, type Database } from '../../src/db/open.ts';
import { migratePostgres, readPostgresMigrations } from '../../src/db/postgres/migrate.ts';
import type { Pool } from '../../src/db/postgres/pool.ts';
import { describePostgres, freshPostgresUrl, testPool } from '../helpers/postgres.ts';


const versions = (migrations: { version: number }[]) => migrations.map((m) => m.version);

describePostgres('PostgreSQL migrations', () => {
  it('applies every migration to a fresh database, records them, and finds nothing to do the second time', async () => {
    const db = testPool(await freshPostgresUrl());
    expect(versions(await migratePostgres(db))).toEqual(versions(readPostgresMigrations()));
    expect(readPostgresMigrations()[0]).toMatchObject({ version: 1, name: 'schema' });
    const { rows } = await db.query('SELECT version, name, applied_at FROM schema_migrations ORDER BY version');
    expect(rows.map(({ version, name }) => ({ version, name }))).toEqual(readPostgresMigrations().map(({ version, name }) => ({ version, name })));
    expect(rows[0].applied_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(await migratePostgres(db)).toEqual([]);
    // The installation gets its id, as a new SQLite database does.
    expect((await db.query("SELECT value FROM meta WHERE key = 'install_id'")).rows[0].value).toMatch(/^[0-9a-f]{8}$/);
  });

  it('refuses a database written by a newer schema, naming both versions, and touches nothing', async () => {
    const db = testPool(await freshPostgresUrl());
    await migratePostgres(db);
    await db.query("INSERT INTO schema_migrations VALUES (999, 'from_the_future', now())");
    await expect(migratePostgres(db)).rejects.toThrow(SchemaTooNewError);
    await expect(migratePostgres(db)).rejects.toThrow(
      /schema version 999, but this ainews only knows up to version \d+\. It was written by a newer ainews: upgrade ainews, or point AINEWS_DB at another database\./,
    );
  });

  it('migrates once when several workers start together on one fresh database', async () => {
    const url = await freshPostgresUrl();
    const results = await Promise.all([testPool(url), testPool(url), testPool(url)].map((db) => migratePostgres(db)));
    expect(results.flat().map((m) => m.version)).toEqual(versions(readPostgresMigrations()));
    expect((await testPool(url).query('SELECT count(*) AS n FROM schema_migrations')).rows[0].n).toBe(readPostgresMigrations().length);
  });

  it('rolls back a migration that fails, leaving it unrecorded', async () => {
    const db = testPool(await freshPostgresUrl());
    const good = { version: 1, name: 'good', sql: 'CREATE TABLE a (x INTEGER);' };
    const bad = { version: 2, name: 'bad', sql: 'CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);' };
    await expect(migratePostgres(db, [good, bad])).rejects.toThrow(/relation "nowhere" does not exist/);
    expect((await db.query('SELECT version FROM schema_migrations')).rows).toEqual([{ version: 1 }]);
    expect((await db.query("SELECT to_regclass('b') IS NULL AS gone")).rows[0].gone).toBe(1);
  });
});

/** A column as both backends describe it, in the terms they share. */
interface Column {
  table: string;
  column: string;
  notNull: boolean;
  type: string;
}

/** SQLite's declared type, and the PostgreSQL types that may stand for it (schema comment of 001_schema.sql). */
const STANDS_FOR: Record<string, string[]> = {
  INTEGER: ['integer', 'bigint', 'boolean'],
  TEXT: ['text', 'timestamptz', 'date', 'json'],
  REAL: ['double precision'],
};

/** SQLite's full-text table and its shadow tables: on PostgreSQL, items_search holds the words. */
const SQLITE_SEARCH = /^items_fts(_\w+)?$/;

describePostgres('the PostgreSQL schema beside SQLite', () => {
  let sqlite: Database;
  let pg: Pool;
  beforeAll(async () => {
    sqlite = openDatabase(':memory:', 1000).db;
    pg = testPool(await freshPostgresUrl());
    await migratePostgres(pg);
  });
  afterAll(() => sqlite.close());

  const sqliteColumns = (): Column[] =>
    (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[])
      .filter((table) => !SQLITE_SEARCH.test(table))
      .flatMap((table) =>
        (sqlite.pragma(`table_info(${table})`) as { name: string; type: string; notnull: number; pk: number }[]).map((c) => ({
          table,
          column: c.name,
          // A primary key is never NULL, whatever SQLite's pragma says of an INTEGER PRIMARY KEY.
          notNull: c.notnull === 1 || c.pk > 0,
          type: c.type,
        })),
      );

  const postgresColumns = async (): Promise<Column[]> =>
    (
      await pg.query(
        `SELECT c.relname AS table, a.attname AS column, a.attnotnull AS not_null,
                replace(format_type(a.atttypid, a.atttypmod), 'timestamp with time zone', 'timestamptz') AS type
           FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
          WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
          ORDER BY c.relname, a.attnum`,
      )
    ).rows.map((row) => ({ table: row.table, column: row.column, notNull: row.not_null === 1, type: row.type }));

  it('has every SQLite table and column, as nullable, in a type that stands for it (a new SQLite migration needs its PostgreSQL port)', async () => {
    const theirs = new Map((await postgresColumns()).map((c) => [`${c.table}.${c.column}`, c]));
    const problems = sqliteColumns().flatMap((c) => {
      const port = theirs.get(`${c.table}.${c.column}`);
      if (!port) return [`${c.table}.${c.column} is missing from migrations/postgres/`];
      if (port.notNull !== c.notNull) return [`${c.table}.${c.column} is ${c.notNull ? 'NOT NULL' : 'nullable'} in SQLite only`];
      if (!STANDS_FOR[c.type]?.includes(port.type)) return [`${c.table}.${c.column} is ${c.type} in SQLite but ${port.type} in PostgreSQL`];
      return [];
    });
    expect(problems).toEqual([]);
  });

  it('has no table or column SQLite lacks, but the search table that stands for items_fts', async () => {
    const ours = new Set(sqliteColumns().map((c) => `${c.table}.${c.column}`));
    const extra = (await postgresColumns()).map((c) => `${c.table}.${c.column}`).filter((name) => !ours.has(name));
    expect(extra).toEqual(['items_search.item_id', 'items_search.words']);
    expect(sqlite.prepare("SELECT name FROM sqlite_master WHERE name = 'items_fts'").pluck().get()).toBe('items_fts');
  });

  it('has every index SQLite has, under the same name, and the search index', async () => {
    const sqliteIndexes = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").pluck().all() as string[];
    const { rows } = await pg.query('SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()');
    const pgIndexes = new Set(rows.map((row) => row.indexname as string));
    expect(sqliteIndexes.filter((name) => !pgIndexes.has(name))).toEqual([]);
    expect(pgIndexes.has('items_search_words')).toBe(true);
  });

  const sqliteTables = () =>
    (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[]).filter(
      (table) => !SQLITE_SEARCH.test(table),
    );

  it('has the same foreign keys, with the same ON DELETE', async () => {
    const actions: Record<string, string> = { c: 'CASCADE', n: 'SET NULL', a: 'NO ACTION', r: 'RESTRICT', d: 'SET DEFAULT' };
    const ours = sqliteTables().flatMap((table) =>
      (sqlite.pragma(`foreign_key_list(${table})`) as { table: string; from: string; to: string; on_delete: string }[]).map(
        (fk) => `${table}.${fk.from} → ${fk.table}.${fk.to} ON DELETE ${fk.on_delete}`,
      ),
    );
    const { rows } = await pg.query(
      `SELECT c.conrelid::regclass::text AS table, a.attname AS from, c.confrelid::regclass::text AS to_table, b.attname AS to, c.confdeltype AS action
         FROM pg_constraint c
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
         JOIN pg_attribute b ON b.attrelid = c.confrelid AND b.attnum = c.confkey[1]
        WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace`,
    );
    const theirs = rows.map((fk) => `${fk.table}.${fk.from} → ${fk.to_table}.${fk.to} ON DELETE ${actions[fk.action]}`);
    expect(theirs.filter((fk) => !fk.startsWith('items_search.')).sort()).toEqual(ours.sort());
  });

  it('has the same unique keys: dedupe lives in the schema on both', async () => {
    const ours = sqliteTables().flatMap((table) =>
      (sqlite.pragma(`index_list(${table})`) as { name: string; unique: number; partial: number }[])
        .filter((index) => index.unique === 1 && index.partial === 0)
        .map((index) => `${table} (${(sqlite.pragma(`index_info(${index.name})`) as { name: string }[]).map((c) => c.name).join(', ')})`),
    );
    // SQLite's INTEGER PRIMARY KEY is the rowid, with no index of its own.
    const rowids = sqliteTables().flatMap((table) =>
      (sqlite.pragma(`table_info(${table})`) as { name: string; type: string; pk: number }[])
        .filter((c) => c.pk === 1 && c.type === 'INTEGER' && !(sqlite.pragma(`index_list(${table})`) as { origin: string }[]).some((i) => i.origin === 'pk'))
        .map((c) => `${table} (${c.name})`),
    );
    const { rows } = await pg.query(
      `SELECT i.indrelid::regclass::text AS table, (SELECT string_agg(a.attname, ', ' ORDER BY k.n) FROM unnest(i.indkey) WITH ORDINALITY AS k (attnum, n)
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum) AS columns
         FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
        WHERE i.indisunique AND i.indpred IS NULL AND c.relnamespace = current_schema()::regnamespace`,
    );
    const theirs = rows.map((index) => `${index.table} (${index.columns})`).filter((key) => !key.startsWith('items_search ') && !key.startsWith('schema_migrations '));
    expect(theirs.sort()).toEqual([...ours, ...rowids].filter((key) => !key.startsWith('schema_migrations ')).sort());
  });

  it('was ported from the latest SQLite migration', () => {
    // A SQLite migration that changes no column (an index, a CHECK, a data fix) still needs its port.
    expect(readMigrations().at(-1)?.version, 'port the new SQLite migration to migrations/postgres/, then raise this number').toBe(17);
  });
});
