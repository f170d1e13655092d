import type { Database } from 'better-sqlite3';
import type { Pool, PoolClient } from 'pg';
import { UserError } from '../../user-error.ts';
import { insertRows, quoteIdent, tableColumns, type TableColumn } from './bulk-insert.ts';
import { COPIED_TABLES, unlistedTables, type CopiedTable } from './export-tables.ts';
import { migratePostgres } from './migrate.ts';
import { searchDocument } from './search-document.ts';

/** Rows per INSERT, and the text they may carry at most: a batch of long articles is cut short. */
const BATCH_ROWS = 2000;
const BATCH_CHARS = 8_000_000;

/** What an export copied: rows per table (items_search, built from items, among them), and how long it took. */
export interface ExportReport {
  tables: Record<string, number>;
  seconds: number;
}

export class ExportTargetNotEmptyError extends UserError {
  override name = 'ExportTargetNotEmptyError';
}

/** A row PostgreSQL refused (its foreign key names no row, a text holds a NUL, …); nothing was written. */
export class ExportCopyError extends UserError {
  override name = 'ExportCopyError';
}

export interface ExportOptions {
  /** The target as messages name it (without its password). */
  target: string;
  /** Told after each table, for progress. */
  onTable?: (table: string, rows: number) => void;
}

/**
 * Copies a SQLite database of the current schema into an empty PostgreSQL one, migrating it first: every
 * table of COPIED_TABLES with its ids as they are, in one PostgreSQL transaction (a failed export leaves
 * the target as it found it) read from one SQLite snapshot (the bot may keep running on SQLite). The
 * search words of the items SQLite had indexed are made again for items_search, and the identity
 * sequences are moved past the copied ids.
 */
export async function exportSqlite(sqlite: Database, pool: Pool, options: ExportOptions): Promise<ExportReport> {
  const started = performance.now();
  const unlisted = unlistedTables(sqlite);
  if (unlisted.length) {
    throw new Error(`this ainews does not know whether to copy the SQLite table ${unlisted.join(', ')}: list it in src/db/postgres/export-tables.ts`);
  }
  await migratePostgres(pool);
  const tables: Record<string, number> = {};
  // One snapshot of SQLite, taken at the first read, whatever is written to it meanwhile.
  sqlite.exec('BEGIN');
  try {
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      // Nothing else writes while the target is checked for emptiness and filled.
      await client.query(`LOCK TABLE ${[...COPIED_TABLES, 'items_search'].map(quoteIdent).join(', ')} IN EXCLUSIVE MODE`);
      await assertEmpty(client, options.target);
      for (const table of COPIED_TABLES) {
        const copied = await copyTable(sqlite, client, table);
        tables[table] = copied.rows;
        options.onTable?.(table, copied.rows);
        if (copied.searchRows !== undefined) {
          tables.items_search = copied.searchRows;
          options.onTable?.('items_search', copied.searchRows);
        }
      }
      await moveSequences(sqlite, client);
      await client.query('COMMIT');
    } catch (error) {
      // A connection that cannot even roll back is closed rather than put back in the pool.
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      client.release(broken);
    }
  } finally {
    sqlite.exec('COMMIT');
  }
  // Planner statistics for the tables just filled, rather than whenever autovacuum gets to them.
  await pool.query('ANALYZE');
  return { tables, seconds: Math.round(performance.now() - started) / 1000 };
}

/** Refuses a target with rows in it, naming the first such table; the meta row migrations make does not count. */
async function assertEmpty(client: PoolClient, target: string): Promise<void> {
  for (const table of [...COPIED_TABLES, 'items_search']) {
    const others = table === 'meta' ? " WHERE key <> 'install_id'" : '';
    const { rows } = await client.query(`SELECT EXISTS (SELECT 1 FROM ${quoteIdent(table)}${others}) AS found`);
    if (rows[0].found) {
      throw new ExportTargetNotEmptyError(
        `the PostgreSQL database at ${target} already has rows in ${table}: export-db copies into an empty database only (create one with createdb, then export again)`,
      );
    }
  }
}

async function copyTable(sqlite: Database, client: PoolClient, table: CopiedTable): Promise<{ rows: number; searchRows?: number }> {
  const columns = copiedColumns(sqlite, table, await tableColumns(client, table));
  // The SQLite database's own install_id replaces the one the migration made: the installation moves.
  if (table === 'meta') await client.query('DELETE FROM meta');
  const convert = columns.map((column) => converter(table, column));
  const search = table === 'items' ? new SearchRows(sqlite, columns) : undefined;
  const select = sqlite.prepare(`SELECT ${columns.map((c) => quoteIdent(c.name)).join(', ')} FROM ${quoteIdent(table)}`).raw();
  let batch: unknown[][] = [];
  let chars = 0;
  let rows = 0;
  const flush = async () => {
    try {
      await insertRows(client, table, columns, batch);
      if (search) await search.insert(client, batch);
    } catch (error) {
      throw new ExportCopyError(`copying ${table} failed, and nothing was written to PostgreSQL: ${(error as Error).message}`, { cause: error });
    }
    rows += batch.length;
    batch = [];
    chars = 0;
  };
  for (const row of select.iterate() as IterableIterator<unknown[]>) {
    batch.push(row.map((value, i) => convert[i]!(value)));
    for (const value of row) if (typeof value === 'string') chars += value.length;
    if (batch.length >= BATCH_ROWS || chars >= BATCH_CHARS) await flush();
  }
  await flush();
  return { rows, searchRows: search?.count };
}

/**
 * The columns SQLite has, as PostgreSQL types them. A column only PostgreSQL has is left to its default;
 * a column only SQLite has would be lost, and is refused: its migration has no port.
 */
function copiedColumns(sqlite: Database, table: string, columns: TableColumn[]): TableColumn[] {
  const names = (sqlite.pragma(`table_info(${quoteIdent(table)})`) as { name: string }[]).map((c) => c.name);
  const byName = new Map(columns.map((column) => [column.name, column]));
  const missing = names.filter((name) => !byName.has(name));
  if (missing.length) {
    const named = missing.map((name) => `${table}.${name}`).join(', ');
    throw new Error(`${named} ${missing.length === 1 ? 'has' : 'have'} no column in PostgreSQL to be copied to: port the SQLite migration`);
  }
  return names.map((name) => byName.get(name)!);
}

/**
 * How a SQLite value becomes the column's: 0 and 1 become false and true (the flags' CHECK allows no
 * other); everything else goes as it is, PostgreSQL parsing ISO text as timestamptz, dates and JSON.
 */
function converter(table: string, column: TableColumn): (value: unknown) => unknown {
  if (column.type !== 'boolean') return (value) => value;
  return (value) => {
    if (value === null || value === 0 || value === 1) return value === null ? null : value === 1;
    throw new ExportCopyError(`${table}.${column.name} holds ${JSON.stringify(value)} where 0 or 1 belongs; nothing was written to PostgreSQL`);
  };
}

/**
 * The search rows of the items SQLite had indexed (items_fts's rowids), made as the search index makes
 * them. An item still waiting in pending_items is left to the follow-up pass, which indexes it: a new one,
 * and an edited one too, whose SQLite row still holds its old words (FTS5 keeps no text to copy them from).
 */
class SearchRows {
  count = 0;
  private readonly indexed: Set<number>;
  private readonly at: { id: number; title: number; body: number };

  constructor(sqlite: Database, columns: TableColumn[]) {
    this.indexed = new Set(
      sqlite.prepare('SELECT rowid FROM items_fts WHERE rowid NOT IN (SELECT item_id FROM pending_items)').pluck().all() as number[],
    );
    const position = (name: string) => columns.findIndex((c) => c.name === name);
    this.at = { id: position('id'), title: position('title'), body: position('body') };
  }

  async insert(client: PoolClient, items: unknown[][]): Promise<void> {
    const rows = items
      .filter((item) => this.indexed.has(item[this.at.id] as number))
      .map((item) => [item[this.at.id], searchDocument(item[this.at.title] as string, item[this.at.body] as string)]);
    await insertRows(client, 'items_search', [{ name: 'item_id', type: 'bigint' }, { name: 'words', type: 'tsvector' }], rows);
    this.count += rows.length;
  }
}

/**
 * Moves each identity sequence past the largest id copied, and past the largest SQLite ever handed out
 * for an AUTOINCREMENT table (sqlite_sequence), so that a deleted watch's id is not given again.
 */
async function moveSequences(sqlite: Database, client: PoolClient): Promise<void> {
  const hasSequence = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").get() !== undefined;
  const handedOut = new Map(hasSequence ? (sqlite.prepare('SELECT name, seq FROM sqlite_sequence').raw().all() as [string, number][]) : []);
  const { rows } = await client.query<{ table: string; column: string }>(
    `SELECT c.relname AS table, a.attname AS column FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
      WHERE a.attidentity <> '' AND c.relnamespace = current_schema()::regnamespace`,
  );
  for (const { table, column } of rows) {
    await client.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), greatest(coalesce(max(${quoteIdent(column)}), 0), $3::bigint) + 1, false) FROM ${quoteIdent(table)}`,
      [quoteIdent(table), column, handedOut.get(table) ?? 0],
    );
  }
}
