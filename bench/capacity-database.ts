import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPostgres } from '../src/db/postgres/pool.ts';

/** Where a run keeps its data: a SQLite file, or a database of its own on a PostgreSQL server. */
export type CapacityDatabase = { db: 'sqlite' } | { db: 'postgres'; serverUrl: string };

/**
 * Runs `work` on a new, empty database (what AINEWS_DB is to name), removed afterwards: a SQLite file in
 * a temporary folder, or a database created under a name of its own on the PostgreSQL server at
 * `serverUrl` (so that runs side by side, or a run killed halfway, never meet) and dropped after.
 */
export async function withThrowawayDatabase<T>(database: CapacityDatabase, work: (location: string) => Promise<T>): Promise<T> {
  if (database.db === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'ainews-bench-capacity-'));
    try {
      return await work(join(dir, 'ainews.db'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const name = `ainews_bench_capacity_${process.pid}_${Date.now().toString(36)}`;
  const server = openPostgres(database.serverUrl, { max: 1 });
  try {
    await server.query(`CREATE DATABASE ${name}`);
    try {
      const url = new URL(database.serverUrl);
      url.pathname = `/${name}`;
      return await work(url.toString());
    } finally {
      await server.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  } finally {
    await server.end();
  }
}
