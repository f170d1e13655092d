import type { Database } from '../src/db/open.ts';
import { exportSqlite } from '../src/db/postgres/export-sqlite.ts';
import { openPostgres } from '../src/db/postgres/pool.ts';
import { PostgresSearchReads } from '../src/db/postgres/search-reads.ts';
import { PostgresSql } from '../src/db/postgres/postgres-sql.ts';
import { parseSearchQuery } from '../src/search/query.ts';
import { SearchService } from '../src/search/search.ts';
import { percentile } from './stats.ts';

/** The database the benchmark copies its corpus into, dropped before and after. */
const DATABASE = 'ainews_bench_search';

export interface PostgresSearchFigures {
  exportSeconds: number;
  p50: number;
  p95: number;
  perQuery: string[];
}

/**
 * The same queries on PostgreSQL: the SQLite corpus is copied by `ainews export-db`'s export into a
 * database of its own on the server at `serverUrl`, analysed, then searched through the PostgreSQL reads.
 */
export async function postgresSearchFigures(sqlite: Database, serverUrl: string, queries: string[], repeats: number, pageSize: number): Promise<PostgresSearchFigures> {
  const server = openPostgres(serverUrl, { max: 1 });
  const url = new URL(serverUrl);
  url.pathname = `/${DATABASE}`;
  try {
    await server.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await server.query(`CREATE DATABASE ${DATABASE}`);
    const pool = openPostgres(url.toString());
    try {
      const started = performance.now();
      await exportSqlite(sqlite, pool, { target: DATABASE });
      const exportSeconds = (performance.now() - started) / 1000;
      await pool.query('ANALYZE');
      const service = new SearchService(new PostgresSearchReads(new PostgresSql(pool)));
      const now = new Date();
      const timings: number[] = [];
      const perQuery: string[] = [];
      for (const text of queries) {
        const query = parseSearchQuery(text, now);
        await service.search(query, { pageSize, now }); // warm
        const runs: number[] = [];
        for (let i = 0; i < repeats; i++) {
          const t = performance.now();
          await service.search(query, { pageSize, now });
          runs.push(performance.now() - t);
        }
        runs.sort((a, b) => a - b);
        timings.push(...runs);
        perQuery.push(`${text} ${percentile(runs, 50).toFixed(2)}`);
      }
      timings.sort((a, b) => a - b);
      return { exportSeconds, p50: percentile(timings, 50), p95: percentile(timings, 95), perQuery };
    } finally {
      await pool.end();
    }
  } finally {
    await server.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`).catch(() => undefined);
    await server.end();
  }
}
