import type { PoolClient } from 'pg';

/** A column of a PostgreSQL table, and its type as SQL writes it (`bigint`, `timestamp with time zone`, …). */
export interface TableColumn {
  name: string;
  type: string;
}

/** The columns of `table` in the current schema, in their order. */
export async function tableColumns(client: PoolClient, table: string): Promise<TableColumn[]> {
  const { rows } = await client.query<TableColumn>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a
      WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [table],
  );
  return rows;
}

/**
 * Inserts many rows in one statement: each column travels as one array parameter, typed as the column
 * is, and unnest() deals them back out into rows. The statement has as many parameters as the table has
 * columns whatever the number of rows (a multi-row VALUES list would need one per value, and PostgreSQL
 * allows 65,535), and PostgreSQL parses each value as the column's type, ISO text into timestamptz alike.
 */
export async function insertRows(client: PoolClient, table: string, columns: TableColumn[], rows: unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const names = columns.map((column) => quoteIdent(column.name)).join(', ');
  const arrays = columns.map((column, i) => `$${i + 1}::${column.type}[]`).join(', ');
  const values = columns.map((_, i) => rows.map((row) => row[i]));
  await client.query(`INSERT INTO ${quoteIdent(table)} (${names}) SELECT * FROM unnest(${arrays})`, values);
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
