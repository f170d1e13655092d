import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { databaseLocation, isPostgresUrl, redactedUrl } from '../db-location.ts';
import { openDatabase } from '../db/open.ts';
import { exportSqlite } from '../db/postgres/export-sqlite.ts';
import { withPostgres } from '../db/postgres/pool.ts';
import { CliError, loadCliConfig, printJson } from './context.ts';

export function registerExportDbCommand(program: Command): void {
  program
    .command('export-db')
    .argument('<url>', 'the PostgreSQL database to fill, such as postgres://ainews:password@localhost:5432/ainews; it must be empty')
    .option('--json', 'print JSON: the rows copied per table, and the seconds it took')
    .description('copy the SQLite database of AINEWS_DB into an empty PostgreSQL database, migrating it first')
    .action(async (url: string, opts: { json?: boolean }) => {
      const config = loadCliConfig();
      const source = databaseLocation(config.AINEWS_DB);
      if (source.kind !== 'sqlite') {
        throw new CliError(`export-db copies a SQLite database, but AINEWS_DB is PostgreSQL already (${redactedUrl(source.url)}): point AINEWS_DB at the SQLite file`);
      }
      if (!isPostgresUrl(url)) throw new CliError(`export-db copies into PostgreSQL: expected a postgres:// or postgresql:// URL (got ${redactedUrl(url)})`);
      // Opening a missing file would create an empty database, and export nothing.
      if (!existsSync(source.path)) throw new CliError(`there is no database at ${source.path} (AINEWS_DB) to export`);
      const target = redactedUrl(url);
      const { db } = openDatabase(source.path, config.AINEWS_DB_BUSY_TIMEOUT);
      try {
        let started = false;
        // Each table as it is done (items take a while); the heading once the target was found empty.
        const onTable = (table: string, rows: number) => {
          if (!started) console.log(`copying ${source.path} into ${target}:`);
          started = true;
          console.log(`  ${table.padEnd(22)} ${String(rows).padStart(9)}`);
        };
        const report = await withPostgres(url, (pool) => exportSqlite(db, pool, { target, onTable: opts.json ? undefined : onTable }));
        if (opts.json) return printJson(report);
        const total = Object.values(report.tables).reduce((sum, rows) => sum + rows, 0);
        console.log(`copied ${total} rows in ${report.seconds.toFixed(1)}s, in one transaction`);
      } finally {
        db.close();
      }
    });
}
