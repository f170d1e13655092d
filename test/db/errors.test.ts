import { describe, expect, it } from 'vitest';
import { describeDatabaseError } from '../../src/db/errors.ts';

const sqlite = (code: string) => Object.assign(new Error(code), { code });

describe('describeDatabaseError', () => {
  it('names what the storage did, for every failure of the disk or the file', () => {
    expect(describeDatabaseError(sqlite('SQLITE_BUSY'), 'db')).toMatch(/busy.*AINEWS_DB_BUSY_TIMEOUT/);
    expect(describeDatabaseError(sqlite('SQLITE_BUSY_SNAPSHOT'), 'db')).toMatch(/changed under a read/);
    expect(describeDatabaseError(sqlite('SQLITE_FULL'), 'db')).toMatch(/disk holding db is full/);
    expect(describeDatabaseError(sqlite('SQLITE_READONLY'), 'db')).toMatch(/read-only/);
    expect(describeDatabaseError(sqlite('SQLITE_READONLY_DBMOVED'), 'db')).toMatch(/moved or deleted/);
    for (const code of ['SQLITE_IOERR_WRITE', 'SQLITE_IOERR_FSYNC', 'SQLITE_IOERR_SHMSIZE', 'SQLITE_NOMEM']) {
      expect(describeDatabaseError(sqlite(code), 'db'), code).toMatch(/could not be read or written/);
    }
  });

  it('names what PostgreSQL did when the server, the connection or the login fails', () => {
    const server = (code: string, message = 'x') => Object.assign(new Error(message), { code, severity: 'ERROR' });
    expect(describeDatabaseError(server('57P01', 'terminating connection due to administrator command'), 'db')).toMatch(/lost the connection to the PostgreSQL database db/);
    expect(describeDatabaseError(server('08006'), 'db')).toMatch(/lost the connection/);
    expect(describeDatabaseError(server('40P01', 'deadlock detected'), 'db')).toMatch(/gave up a transaction.*tried again/);
    expect(describeDatabaseError(server('53100', 'could not extend file'), 'db')).toMatch(/out of resources/);
    expect(describeDatabaseError(server('25006'), 'db')).toMatch(/read-only.*primary/);
    expect(describeDatabaseError(server('28P01'), 'db')).toMatch(/refused the login/);
    expect(describeDatabaseError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }), 'db')).toMatch(/cannot reach/);
    expect(describeDatabaseError(new Error('Connection terminated unexpectedly'), 'db')).toMatch(/lost the connection/);
    // A broken constraint, or SQL PostgreSQL rejects, is a bug.
    expect(describeDatabaseError(server('23505', 'duplicate key value violates unique constraint'))).toBeNull();
    expect(describeDatabaseError(server('42601', 'syntax error'))).toBeNull();
  });

  it('leaves everything else to be reported as a bug', () => {
    expect(describeDatabaseError(sqlite('SQLITE_CONSTRAINT_UNIQUE'))).toBeNull();
    expect(describeDatabaseError(new TypeError('x'))).toBeNull();
    expect(describeDatabaseError(null)).toBeNull();
  });
});
