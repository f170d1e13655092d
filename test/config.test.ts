import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, configSchema, loadConfig, readEnvironment } from '../src/config.ts';

/** The ConfigError thrown by loadConfig(env); fails the test when nothing, or something else, is thrown. */
function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('uses the defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.AINEWS_DB).toBe('./data/ainews.db');
    expect(config.POLL_CONCURRENCY).toBe(8);
    expect(config.FEED_DEFAULT_INTERVAL).toBe(900_000);
    expect(config.FETCH_TIMEOUT).toBe(15_000);
    expect(config.FETCH_MAX_BYTES).toBe(10 * 1024 * 1024);
    expect(config.AINEWS_ALLOW_PRIVATE_NETWORK).toBe(false);
    expect(config.AINEWS_SEED_DEFAULT_FEEDS).toBe(true);
    expect(config.POLL_CRON).toBe('* * * * *');
    expect(config.LOG_LEVEL).toBeUndefined();
    // Unset: chosen by where stderr goes (src/log.ts).
    expect(config.LOG_FORMAT).toBeUndefined();
  });

  it('treats empty values as unset and ignores variables it does not know', () => {
    const config = loadConfig({ POLL_CONCURRENCY: '', FETCH_TIMEOUT: undefined, HOME: '/root', PATH: '/usr/bin' });
    expect(config.POLL_CONCURRENCY).toBe(8);
    expect(config.FETCH_TIMEOUT).toBe(15_000);
    expect(config).not.toHaveProperty('HOME');
    expect(config).not.toHaveProperty('PATH');
  });

  it('parses durations', () => {
    const config = loadConfig({ FETCH_TIMEOUT: '90s', FEED_DEFAULT_INTERVAL: '1h', FEED_BACKOFF_BASE: '1h30m' });
    expect(config.FETCH_TIMEOUT).toBe(90_000);
    expect(config.FEED_DEFAULT_INTERVAL).toBe(3_600_000);
    expect(config.FEED_BACKOFF_BASE).toBe(5_400_000);
  });

  it('parses sizes', () => {
    expect(loadConfig({ FETCH_MAX_BYTES: '512KB' }).FETCH_MAX_BYTES).toBe(512 * 1024);
    expect(loadConfig({ FETCH_MAX_BYTES: '2mb' }).FETCH_MAX_BYTES).toBe(2 * 1024 * 1024);
    expect(loadConfig({ FETCH_MAX_BYTES: '4096' }).FETCH_MAX_BYTES).toBe(4096);
  });

  it('parses booleans', () => {
    const config = loadConfig({ AINEWS_ALLOW_PRIVATE_NETWORK: 'yes', AINEWS_SEED_DEFAULT_FEEDS: '0' });
    expect(config.AINEWS_ALLOW_PRIVATE_NETWORK).toBe(true);
    expect(config.AINEWS_SEED_DEFAULT_FEEDS).toBe(false);
    expect(loadConfig({ AINEWS_ALLOW_PRIVATE_NETWORK: ' ON ' }).AINEWS_ALLOW_PRIVATE_NETWORK).toBe(true);
    expect(loadConfig({ AINEWS_SEED_DEFAULT_FEEDS: 'False' }).AINEWS_SEED_DEFAULT_FEEDS).toBe(false);
  });

  it('reads feed health: the grace period (2h) and the operator’s channel (unset: none), which must be a channel', () => {
    expect(loadConfig({}).FEED_HEALTH_GRACE).toBe(7_200_000);
    expect(loadConfig({}).AINEWS_OPS_CHANNEL).toBeUndefined();
    expect(loadConfig({ FEED_HEALTH_GRACE: '30m', AINEWS_OPS_CHANNEL: 'slack:T1/C2' })).toMatchObject({ FEED_HEALTH_GRACE: 1_800_000, AINEWS_OPS_CHANNEL: 'slack:T1/C2' });
    expect(loadConfig({ AINEWS_OPS_CHANNEL: 'discord:123' }).AINEWS_OPS_CHANNEL).toBe('discord:123');
    expect(configError({ AINEWS_OPS_CHANNEL: '#ops' }).message).toMatch(/AINEWS_OPS_CHANNEL: expected a channel such as slack:T123\/C456/);
  });

  it('accepts valid log levels, cron expressions and integers', () => {
    const config = loadConfig({ LOG_LEVEL: 'debug', POLL_CRON: '*/5 * * * *', POLL_CONCURRENCY: '64', FETCH_MAX_REDIRECTS: '0' });
    expect(config.LOG_LEVEL).toBe('debug');
    expect(loadConfig({ LOG_FORMAT: 'pretty' }).LOG_FORMAT).toBe('pretty');
    expect(loadConfig({ LOG_FORMAT: 'json' }).LOG_FORMAT).toBe('json');
    expect(config.POLL_CRON).toBe('*/5 * * * *');
    expect(config.POLL_CONCURRENCY).toBe(64);
    expect(config.FETCH_MAX_REDIRECTS).toBe(0);
  });

  it.each([
    ['FETCH_TIMEOUT', 'abc'],
    ['POLL_CONCURRENCY', '0'],
    ['POLL_CONCURRENCY', '65'],
    ['POLL_CONCURRENCY', '2.5'],
    ['FEED_DEFAULT_INTERVAL', '30s'],
    ['POLL_CRON', 'not cron'],
    ['LOG_LEVEL', 'loud'],
    ['LOG_FORMAT', 'yaml'],
    ['AINEWS_SEED_DEFAULT_FEEDS', 'maybe'],
    ['FETCH_MAX_BYTES', '100'],
    ['FETCH_MAX_BYTES', 'huge'],
  ])('rejects %s=%s with a ConfigError naming the variable', (name, value) => {
    const error = configError({ [name]: value });
    expect(error.name).toBe('ConfigError');
    expect(error.message).toContain(`${name}:`);
  });

  it('quotes the bad value in the message', () => {
    expect(configError({ FETCH_TIMEOUT: 'abc' }).message).toContain('"abc"');
    expect(configError({ FEED_DEFAULT_INTERVAL: '30s' }).message).toMatch(/at least 60s.*"30s"/);
  });

  it('reports every bad value in one message', () => {
    const { message } = configError({
      FETCH_TIMEOUT: 'abc',
      POLL_CONCURRENCY: '0',
      FEED_DEFAULT_INTERVAL: '30s',
      POLL_CRON: 'not cron',
      LOG_LEVEL: 'loud',
      AINEWS_DB: './ok.db',
    });
    for (const name of ['FETCH_TIMEOUT', 'POLL_CONCURRENCY', 'FEED_DEFAULT_INTERVAL', 'POLL_CRON', 'LOG_LEVEL']) {
      expect(message).toContain(`${name}:`);
    }
    expect(message).not.toContain('AINEWS_DB');
  });

  it('checks the Slack settings together: a mode needs the bot token, the bot token needs a mode', () => {
    expect(configError({ SLACK_APP_TOKEN: 'xapp-1' }).message).toMatch(/SLACK_BOT_TOKEN: needed/);
    expect(configError({ SLACK_BOT_TOKEN: 'xoxb-1' }).message).toMatch(/SLACK_APP_TOKEN too.*SLACK_SIGNING_SECRET/);
    expect(configError({ SLACK_BOT_TOKEN: 'xapp-1', SLACK_APP_TOKEN: 'xapp-2' }).message).toMatch(/SLACK_BOT_TOKEN: expected a bot token starting with xoxb-/);
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_API_URL: 'http://127.0.0.1:9/api' })).toMatchObject({
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
      SLACK_UNFURL: false,
      PORT: 3000,
    });
  });

  it('keeps items a year by default; AINEWS_RETENTION=0 keeps everything, and under a week is refused', () => {
    expect(loadConfig({}).AINEWS_RETENTION).toBe(365 * 86_400_000);
    expect(loadConfig({ AINEWS_RETENTION: '0' }).AINEWS_RETENTION).toBe(0);
    expect(loadConfig({ AINEWS_RETENTION: '30d' }).AINEWS_RETENTION).toBe(30 * 86_400_000);
    expect(configError({ AINEWS_RETENTION: '3d' }).message).toMatch(/AINEWS_RETENTION: must be at least 7d, or 0 to keep everything, \(got "3d"\)/);
    expect(configError({ AINEWS_RETENTION: 'forever' }).message).toMatch(/AINEWS_RETENTION: expected a duration/);
    expect(configError({ AINEWS_RETENTION: '8d', STORY_WINDOW: '10d' }).message).toMatch(/AINEWS_RETENTION: must be longer than STORY_WINDOW/);
  });

  it('reads admins as <platform>:<user id> and wants claims to outlast sends', () => {
    expect(loadConfig({ AINEWS_ADMINS: 'slack:U1, discord:42' }).AINEWS_ADMINS).toEqual(['slack:U1', 'discord:42']);
    expect(configError({ AINEWS_ADMINS: 'U1' }).message).toMatch(/AINEWS_ADMINS: .*"U1"/);
    expect(configError({ DELIVERY_SEND_TIMEOUT: '30s', DELIVERY_CLAIM_TIMEOUT: '20s' }).message).toMatch(/DELIVERY_CLAIM_TIMEOUT: must be longer/);
  });
});

describe('readEnvironment', () => {
  const dirs: string[] = [];
  afterEach(() => {
    vi.unstubAllEnvs();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function envFile(text: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'ainews-config-'));
    dirs.push(dir);
    const file = join(dir, '.env');
    writeFileSync(file, text);
    return file;
  }

  it('reads a .env file', () => {
    const file = envFile('# comment\nFETCH_TIMEOUT=30s\nPOLL_CRON="*/2 * * * *"\nAINEWS_DB=/srv/ainews.db\n');
    const env = readEnvironment({}, file);
    expect(env).toMatchObject({ FETCH_TIMEOUT: '30s', POLL_CRON: '*/2 * * * *', AINEWS_DB: '/srv/ainews.db' });
    const config = loadConfig(env);
    expect(config.FETCH_TIMEOUT).toBe(30_000);
    expect(config.POLL_CRON).toBe('*/2 * * * *');
  });

  it('lets a variable in the given environment win over the file', () => {
    const file = envFile('POLL_CONCURRENCY=2\nFETCH_TIMEOUT=30s\n');
    const env = readEnvironment({ POLL_CONCURRENCY: '4' }, file);
    expect(env.POLL_CONCURRENCY).toBe('4');
    expect(env.FETCH_TIMEOUT).toBe('30s');
  });

  it('lets a variable in the real process environment win over the file', () => {
    const file = envFile('POLL_CONCURRENCY=2\nFEED_MAX_ITEMS=77\n');
    vi.stubEnv('POLL_CONCURRENCY', '5');
    const config = loadConfig(readEnvironment(undefined, file));
    expect(config.POLL_CONCURRENCY).toBe(5);
    expect(config.FEED_MAX_ITEMS).toBe(77);
  });

  it('works without a .env file', () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'ainews-config-')), '.env');
    dirs.push(join(missing, '..'));
    expect(readEnvironment({ LOG_LEVEL: 'warn' }, missing)).toEqual({ LOG_LEVEL: 'warn' });
  });
});

describe('.env.example', () => {
  const exampleUrl = new URL('../.env.example', import.meta.url);
  const keys = Object.keys(configSchema.shape);
  // An assignment, live or commented out: `NAME=value` or `# NAME=value`.
  const ASSIGNMENT = /^(#\s*)?([A-Za-z_][A-Za-z0-9_]*)\s*=/;

  function lines(): string[] {
    return readFileSync(exampleUrl, 'utf8').split(/\r?\n/);
  }

  it('documents every setting, each under a comment', () => {
    const text = lines();
    for (const key of keys) {
      const at = text.findIndex((line) => ASSIGNMENT.exec(line.trim())?.[2] === key);
      expect(at, `${key} is not in .env.example`).toBeGreaterThanOrEqual(0);
      // Walk back over the assignments grouped with this one (e.g. FEED_BACKOFF_BASE and _MAX) to their comment.
      let above = at - 1;
      while (above >= 0 && ASSIGNMENT.test(text[above]!.trim()) && !text[above]!.trim().startsWith('#')) above--;
      const comment = above >= 0 ? text[above]!.trim() : '';
      expect(comment.startsWith('#') && comment.replace(/^#\s*/, '').length > 0, `${key} has no comment above it`).toBe(true);
    }
  });

  it('assigns only variables that ainews reads', () => {
    const assigned = lines().flatMap((line) => {
      const name = ASSIGNMENT.exec(line.trim())?.[2];
      return name ? [name] : [];
    });
    expect(assigned.length).toBeGreaterThan(0);
    for (const name of assigned) expect(keys, `${name} is assigned in .env.example`).toContain(name);
  });

  it('holds valid values that match the defaults', () => {
    const example = parseEnv(readFileSync(exampleUrl, 'utf8'));
    expect(loadConfig(example)).toEqual(loadConfig({}));
  });
});
