import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { databaseLocation, DatabaseLocationError, isPostgresUrl, redactedUrl } from '../src/db-location.ts';

describe('databaseLocation', () => {
  it('reads a path as a SQLite file, as AINEWS_DB always meant', () => {
    expect(databaseLocation('./data/ainews.db')).toEqual({ kind: 'sqlite', path: './data/ainews.db' });
    expect(databaseLocation('/srv/ainews/数据.db')).toEqual({ kind: 'sqlite', path: '/srv/ainews/数据.db' });
    expect(databaseLocation(':memory:')).toEqual({ kind: 'sqlite', path: ':memory:' });
    expect(databaseLocation('C:\\ainews\\ainews.db')).toEqual({ kind: 'sqlite', path: 'C:\\ainews\\ainews.db' });
  });

  it('reads postgres:// and postgresql:// URLs as PostgreSQL', () => {
    for (const url of ['postgres://ainews:secret@db:5432/ainews', 'postgresql://localhost/ainews?sslmode=require', 'postgres:///ainews?host=/var/run/postgresql']) {
      expect(databaseLocation(url)).toEqual({ kind: 'postgres', url });
      expect(isPostgresUrl(url)).toBe(true);
    }
  });

  it('refuses a URL of another scheme or a malformed one, without printing its password', () => {
    expect(() => databaseLocation('postgress://ainews:secret@db/ainews')).toThrow(DatabaseLocationError);
    expect(() => databaseLocation('mysql://ainews:secret@db/ainews')).toThrow('AINEWS_DB must be a SQLite file path or a postgres:// URL (got mysql://ainews:***@db/ainews)');
    expect(() => databaseLocation('postgres://ainews:secret@[db/ainews')).toThrow(/not a valid PostgreSQL URL \(postgres:\/\/ainews:\*\*\*@\[db\/ainews\)/);
    expect(isPostgresUrl('./ainews.db')).toBe(false);
  });

  it('is checked with the rest of the configuration', () => {
    expect(loadConfig({ AINEWS_DB: 'postgres://ainews@db/ainews' }).AINEWS_DB).toBe('postgres://ainews@db/ainews');
    expect(() => loadConfig({ AINEWS_DB: 'postgress://ainews:secret@db/ainews' })).toThrow(
      /AINEWS_DB: must be a SQLite file path or a postgres:\/\/ URL \(got postgress:\/\/ainews:\*\*\*@db\/ainews\)/,
    );
  });
});

describe('redactedUrl', () => {
  it('hides the password of the authority and of a password parameter, and nothing else', () => {
    expect(redactedUrl('postgres://ainews:s3cr%40t@db.example.com:5432/ainews?sslmode=require')).toBe('postgres://ainews:***@db.example.com:5432/ainews?sslmode=require');
    expect(redactedUrl('postgresql://ainews@db/ainews?password=s3cret')).toBe('postgresql://ainews@db/ainews?password=***');
    expect(redactedUrl('postgres://ainews@db/ainews')).toBe('postgres://ainews@db/ainews');
    expect(redactedUrl('./data/ainews.db')).toBe('./data/ainews.db');
  });

  it('hides it in a URL too broken to parse', () => {
    expect(redactedUrl('postgres://ainews:s3cret@[db/ainews')).not.toContain('s3cret');
  });
});
