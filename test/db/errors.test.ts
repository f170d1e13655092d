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

  it('leaves everything else to be reported as a bug', () => {
    expect(describeDatabaseError(sqlite('SQLITE_CONSTRAINT_UNIQUE'))).toBeNull();
    expect(describeDatabaseError(new TypeError('x'))).toBeNull();
    expect(describeDatabaseError(null)).toBeNull();
  });
});
