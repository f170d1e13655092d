import pg from 'pg';

/** A database made for one test or one soak on a PostgreSQL server, and how to get rid of it. */
export interface ThrowawayDatabase {
  /** The server's URL with this database in its path. */
  url: string;
  name: string;
  /** Drops it, ending any connection still open on it (a killed worker's the server has not noticed yet). */
  drop(): Promise<void>;
}

/**
 * Creates a new, empty database on the server at `serverUrl`, named `<prefix>_<pid>_<time>_<random>` so
 * that several test files and soaks run side by side. No test runner is assumed: `npm run soak` runs
 * outside vitest, and drops what it made itself.
 */
export async function createThrowawayDatabase(serverUrl: string, prefix: string): Promise<ThrowawayDatabase> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  await onServer(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), name, drop: () => dropDatabases(serverUrl, [name]) };
}

/** Drops the databases named (WITH (FORCE): PostgreSQL 13 or later). */
export async function dropDatabases(serverUrl: string, names: string[]): Promise<void> {
  if (names.length === 0) return;
  await onServer(serverUrl, async (client) => {
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
}

async function onServer<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
