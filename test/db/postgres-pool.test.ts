import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPostgres, type Pool } from '../../src/db/postgres/pool.ts';
import { describePostgres, freshPostgresUrl } from '../helpers/postgres.ts';

describePostgres('openPostgres', () => {
  let pool: Pool;
  beforeAll(async () => {
    pool = openPostgres(await freshPostgresUrl());
  });
  afterAll(() => pool.end());

  it('reads rows as SQLite does: numbers, ISO instants, days, 1 and 0, JSON as text', async () => {
    const { rows } = await pool.query(`SELECT 9007199254740991::bigint AS id, count(*) AS n, sum(x::bigint) AS total,
        '2024-05-01T08:30:00.123+08:00'::timestamptz AS at, '2024-05-01'::date AS day,
        true AS yes, EXISTS (SELECT 1 WHERE false) AS no, NULL::boolean AS unknown,
        '{"b": 1,  "a": [2]}'::json AS payload, '{"a": 1}'::jsonb AS doc, ARRAY[1, NULL, 3]::bigint[] AS ids
      FROM (VALUES (1), (2)) AS v (x)`);
    expect(rows).toEqual([
      {
        id: 9007199254740991,
        n: 2,
        total: 3,
        at: '2024-05-01T00:30:00.123Z',
        day: '2024-05-01',
        yes: 1,
        no: 0,
        unknown: null,
        payload: '{"b": 1,  "a": [2]}',
        doc: '{"a": 1}',
        ids: [1, null, 3],
      },
    ]);
  });

  it('runs sessions in UTC, as SQLite reads times, and names them ainews', async () => {
    const { rows } = await pool.query(
      "SELECT current_setting('TimeZone') AS zone, '2024-05-01 23:30:00'::timestamptz::date::text AS day, application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()",
    );
    expect(rows).toEqual([{ zone: 'UTC', day: '2024-05-01', application_name: 'ainews' }]);
  });

  it('leaves pg as other code uses it alone', async () => {
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: (pool as unknown as { options: { connectionString: string } }).options.connectionString });
    await client.connect();
    try {
      expect((await client.query('SELECT 1::bigint AS id, true AS yes')).rows).toEqual([{ id: '1', yes: true }]);
    } finally {
      await client.end();
    }
  });
});
