import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { describePostgres, freshPostgresUrl } from '../helpers/postgres.ts';

/** The URL with a password in it: trust authentication ignores it, and no message may show it. */
const withPassword = (url: string) => {
  const parsed = new URL(url);
  parsed.password = 'hunter2';
  return parsed.toString();
};

describePostgres('ainews on a PostgreSQL URL', () => {
  let dir: string;
  let sqliteEnv: Record<string, string>;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ainews-pg-cli-'));
    sqliteEnv = { AINEWS_DB: join(dir, 'ainews.db'), AINEWS_SEED_DEFAULT_FEEDS: 'false' };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('migrates with "ainews migrate", in the words it uses for SQLite', async () => {
    const env = { AINEWS_DB: withPassword(await freshPostgresUrl()) };
    const first = await runCli(['migrate'], env);
    expect(first).toMatchObject({ code: 0, stdout: 'applied 1 schema, 2 worker_claims\n', stderr: '' });
    expect((await runCli(['migrate'], env)).stdout).toBe('database is up to date\n');
  });

  it('runs the commands on PostgreSQL as on SQLite, naming the database without its password', async () => {
    const env = { AINEWS_DB: withPassword(await freshPostgresUrl()), AINEWS_SEED_DEFAULT_FEEDS: 'false' };
    expect(await runCli(['watch', 'add', 'console:team', '大模型'], env)).toMatchObject({ code: 0, stderr: '' });
    const listed = await runCli(['watch', 'list', 'console:team', '--json'], env);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ channel: 'console:team', query: '大模型' }]);
    const status = await runCli(['status', '--json'], env);
    expect(status.code).toBe(0);
    const database = (JSON.parse(status.stdout) as { database: { path: string; bytes: number; items: number } }).database;
    expect(database).toMatchObject({ items: 0 });
    expect(database.path).toMatch(/^postgres:\/\/ainews:\*\*\*@/);
    expect(database.bytes).toBeGreaterThan(0);
    const backup = await runCli(['backup', join(dir, 'copy.db')], env);
    expect(backup.code).toBe(1);
    expect(backup.stderr).toMatch(/^error: AINEWS_DB is a PostgreSQL database \(postgres:\/\/ainews:\*\*\*@[^)]+\): "ainews backup" copies a SQLite file; .*pg_dump/);
    expect(status.stdout + status.stderr + backup.stderr).not.toContain('hunter2');
  });

  it('copies a SQLite database with "ainews export-db", and refuses to copy it twice', async () => {
    expect((await runCli(['watch', 'add', 'console:team', '大模型'], sqliteEnv)).code).toBe(0);
    const target = withPassword(await freshPostgresUrl());
    const exported = await runCli(['export-db', target, '--json'], sqliteEnv);
    expect(exported.stderr).toBe('');
    const report = JSON.parse(exported.stdout) as { tables: Record<string, number>; seconds: number };
    expect(report.tables).toMatchObject({ channels: 1, watches: 1, items: 0, items_search: 0, meta: 1 });
    expect(report.seconds).toBeGreaterThan(0);
    const again = await runCli(['export-db', target], sqliteEnv);
    expect(again).toMatchObject({ code: 1, stdout: '' });
    expect(again.stderr).toMatch(/^error: the PostgreSQL database at postgres:\/\/ainews:\*\*\*@.* already has rows in channels: export-db copies into an empty database only/);
    expect(again.stderr + again.stdout).not.toContain('hunter2');
  });
});
