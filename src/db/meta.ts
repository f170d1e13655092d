import type { Sql } from './sql.ts';

/** This installation's id: eight hex digits, made once by migration 006 and kept with the database. */
export async function installId(sql: Sql): Promise<string> {
  return (await sql.get<{ value: string }>("SELECT value FROM meta WHERE key = 'install_id'"))?.value ?? '00000000';
}

/** When the daily prune last finished here, so that restarting the bot does not put it off by a day. */
export async function lastPruneAt(sql: Sql): Promise<Date | null> {
  const row = await sql.get<{ value: string }>("SELECT value FROM meta WHERE key = 'last_prune_at'");
  return row ? new Date(row.value) : null;
}

export async function recordPrune(sql: Sql, at: Date): Promise<void> {
  await sql.run("INSERT INTO meta (key, value) VALUES ('last_prune_at', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [at.toISOString()]);
}
