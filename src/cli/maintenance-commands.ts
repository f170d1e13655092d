import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { backupDatabase } from '../db/backup.ts';
import { databaseLocation, redactedUrl } from '../db-location.ts';
import { formatDuration } from '../duration.ts';
import type { PruneReport } from '../retention/prune.ts';
import { CliError, loadCliConfig, printJson, withApp } from './context.ts';

export function registerMaintenanceCommands(program: Command): void {
  program
    .command('prune')
    .option('--dry-run', 'count what would be deleted, and delete nothing')
    .option('--vacuum', 'then rewrite the database to give the freed space back to the disk (holds the write lock meanwhile)')
    .option('--json', 'print JSON')
    .description('delete items older than AINEWS_RETENTION and deliveries finished more than 30 days ago, leaving tombstones')
    .action(async (opts: { dryRun?: boolean; vacuum?: boolean; json?: boolean }) => {
      if (opts.dryRun && opts.vacuum) throw new CliError('--vacuum rewrites the database; leave it out of a --dry-run');
      await withApp(async (app) => {
        const report = await app.retention.prune({ dryRun: opts.dryRun });
        const vacuumMs = opts.vacuum && app.retention.enabled ? await timed(() => app.storage.vacuum()) : null;
        const { stopped: _, ...fields } = report;
        const json = { ...fields, vacuum_ms: vacuumMs, size_bytes: vacuumMs === null ? report.size_bytes : (await app.storage.size()).bytes };
        if (opts.json) return printJson(json);
        if (!app.retention.enabled) return console.log('AINEWS_RETENTION is 0: everything is kept, nothing was pruned');
        console.log(describe(report, app.config.AINEWS_RETENTION));
        if (vacuumMs !== null) console.log(`vacuumed in ${formatMs(vacuumMs)}: the database is now ${formatBytes(json.size_bytes)}`);
      });
    });

  program
    .command('backup')
    .argument('<file>', 'where to write the copy (its folder must exist)')
    .option('--force', 'overwrite the file if it exists')
    .option('--json', 'print JSON')
    .description('copy the database while ainews keeps running, and check the copy with PRAGMA integrity_check')
    .action(async (file: string, opts: { force?: boolean; json?: boolean }) => {
      const config = loadCliConfig();
      const location = databaseLocation(config.AINEWS_DB);
      if (location.kind === 'postgres') {
        throw new CliError(
          `AINEWS_DB is a PostgreSQL database (${redactedUrl(location.url)}): "ainews backup" copies a SQLite file; back PostgreSQL up with its own tool, e.g. pg_dump --format=custom --file=${file} "$AINEWS_DB"`,
        );
      }
      const source = resolve(location.path);
      const target = resolve(file);
      if (!existsSync(source)) throw new CliError(`there is no database at ${config.AINEWS_DB} (AINEWS_DB) to back up`);
      if (target === source) throw new CliError(`${file} is the database itself (AINEWS_DB); back it up to another file`);
      if (!existsSync(dirname(target)) || !statSync(dirname(target)).isDirectory()) {
        throw new CliError(`the folder ${dirname(target)} does not exist: create it first, or back up to another folder`);
      }
      if (existsSync(target) && !opts.force) throw new CliError(`${file} already exists; pass --force to overwrite it`);
      const started = performance.now();
      const result = await backupDatabase(source, target, config.AINEWS_DB_BUSY_TIMEOUT);
      const ok = result.integrity.join() === 'ok';
      const json = { file: result.file, bytes: result.bytes, integrity: ok ? 'ok' : result.integrity, elapsed_ms: Math.round(performance.now() - started) };
      if (opts.json) printJson(json);
      if (!ok) throw new CliError(`the copy failed its integrity check (${result.integrity.slice(0, 3).join('; ')}); it is kept at ${result.file}, and ${file} was not written`);
      if (!opts.json) console.log(`backed up ${config.AINEWS_DB} to ${file}: ${formatBytes(result.bytes)}, integrity_check ok (${formatMs(json.elapsed_ms)})`);
    });
}

function describe(report: PruneReport, retentionMs: number): string {
  const verb = report.dry_run ? 'would delete' : 'deleted';
  const kept = report.kept_items ? `; ${count(report.kept_items)} older items kept (a newer report of their story, or an unsent delivery, needs them)` : '';
  const lines = [
    `${verb} ${count(report.items)} items first seen before ${report.cutoff} (AINEWS_RETENTION=${formatDuration(retentionMs)})${kept}`,
    `${verb} ${count(report.outbox_rows)} outbox rows (finished before ${report.outbox_cutoff}, or about those items)`,
    `${report.dry_run ? 'would keep' : 'keeping'} ${count(report.tombstones)} tombstones, so that feeds still listing pruned items do not bring them back`,
  ];
  if (!report.dry_run) {
    const freed =
      report.freed_bytes === null
        ? 'the room freed inside the database is reused by new rows once autovacuum has run (--vacuum gives it back to the disk)'
        : `${formatBytes(report.freed_bytes)} freed inside the database file (reused by new items; --vacuum gives it back to the disk)`;
    lines.push(`${freed}; ${report.batches} batches, the write lock held ${formatMs(report.longest_lock_ms)} at most`);
  }
  if (report.stopped) lines.push('stopped before it was through; the rest goes next time');
  return lines.join('\n');
}

async function timed(work: () => Promise<void> | void): Promise<number> {
  const started = performance.now();
  await work();
  return Math.round(performance.now() - started);
}

function count(n: number): string {
  return n.toLocaleString('en');
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
