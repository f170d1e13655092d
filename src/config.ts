import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { IANAZone } from 'luxon';
import cron from 'node-cron';
import { z } from 'zod';
import { channelPlatform } from './channel-name.ts';
import { databaseLocation } from './db-location.ts';
import { formatDuration, parseByteSize, parseDuration } from './duration.ts';
import { LOG_FORMATS } from './log.ts';
import { UserError } from './user-error.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The shortest poll interval there is: for FEED_DEFAULT_INTERVAL, FEED_MIN_INTERVAL and a feed's own (`--every`). */
export const FEED_MIN_INTERVAL_MS = 60_000;

/** A duration setting; with `zeroMeansOff`, a plain `0` is accepted too, and read as 0: the feature is off. */
function duration(defaultValue: string, minMs = 0, zeroMeansOff = false) {
  return z
    .string()
    .default(defaultValue)
    .transform((text, ctx) => {
      if (zeroMeansOff && text.trim() === '0') return 0;
      const ms = parseDuration(text);
      if (ms === null) {
        ctx.addIssue({ code: 'custom', message: `expected a duration like 30s, 15m or 1h (got "${text}")` });
        return z.NEVER;
      }
      if (ms < minMs) {
        const least = zeroMeansOff ? `${formatDuration(minMs)}, or 0 to keep everything,` : `${minMs / 1000}s`;
        ctx.addIssue({ code: 'custom', message: `must be at least ${least} (got "${text}")` });
        return z.NEVER;
      }
      return ms;
    });
}

function bool(defaultValue: boolean) {
  return z
    .string()
    .default(String(defaultValue))
    .transform((text, ctx) => {
      const value = text.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(value)) return true;
      if (['false', '0', 'no', 'off'].includes(value)) return false;
      ctx.addIssue({ code: 'custom', message: `expected true or false (got "${text}")` });
      return z.NEVER;
    });
}

function int(defaultValue: number, min: number, max: number) {
  return z
    .string()
    .default(String(defaultValue))
    .transform((text, ctx) => {
      const value = Number(text);
      if (!Number.isInteger(value) || value < min || value > max) {
        ctx.addIssue({ code: 'custom', message: `expected a whole number from ${min} to ${max} (got "${text}")` });
        return z.NEVER;
      }
      return value;
    });
}

function isChannel(name: string): boolean {
  try {
    channelPlatform(name);
    return true;
  } catch {
    return false;
  }
}

/** The shortest AINEWS_RETENTION but 0 (off). */
export const RETENTION_MIN_MS = 7 * 86_400_000;

/** Where the database is when AINEWS_DB does not say. */
export const DEFAULT_DB = './data/ainews.db';

/**
 * Every setting ainews reads, with its default and validation. `.env.example` documents the same
 * names; test/config.test.ts checks that the two agree.
 */
export const configSchema = z.object({
  // A SQLite file path, or a postgres:// URL (src/db-location.ts).
  AINEWS_DB: z
    .string()
    .min(1)
    .default(DEFAULT_DB)
    .superRefine((value, ctx) => {
      try {
        databaseLocation(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message.replace(/^AINEWS_DB /, '') });
      }
    }),
  AINEWS_DB_BUSY_TIMEOUT: duration('5s', 0),
  // At least a week, so that a weekly digest and the week's trends always find their items.
  AINEWS_RETENTION: duration('365d', RETENTION_MIN_MS, true),
  LOG_LEVEL: z.enum(LOG_LEVELS).optional(),
  LOG_FORMAT: z.enum(LOG_FORMATS).optional(),
  METRICS_PORT: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return undefined;
      const port = Number(text);
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        ctx.addIssue({ code: 'custom', message: `expected a port from 1 to 65535 (got "${text}")` });
        return z.NEVER;
      }
      return port;
    }),
  METRICS_HOST: z.string().trim().min(1).default('127.0.0.1'),
  AINEWS_SEED_DEFAULT_FEEDS: bool(true),
  AINEWS_ALLOW_PRIVATE_NETWORK: bool(false),
  AINEWS_USER_AGENT: z.string().min(1).default('ainews/0.1 (self-hosted AI news bot)'),
  AINEWS_TIMEZONE: z
    .string()
    .default('UTC')
    .refine((zone) => IANAZone.isValidZone(zone), { message: 'expected an IANA time zone such as UTC or Asia/Shanghai' }),
  POLL_CRON: z
    .string()
    .default('* * * * *')
    .refine((expr) => cron.validate(expr), { message: 'expected a cron expression such as "* * * * *"' }),
  POLL_CONCURRENCY: int(8, 1, 64),
  FEED_DEFAULT_INTERVAL: duration('15m', FEED_MIN_INTERVAL_MS),
  FEED_MIN_INTERVAL: duration('2m', FEED_MIN_INTERVAL_MS),
  FEED_MAX_INTERVAL: duration('2h', FEED_MIN_INTERVAL_MS),
  POLL_BUDGET_PER_HOUR: int(3000, 1, 10_000_000),
  FEED_MAX_FAILURES: int(10, 1, 1000),
  FEED_BACKOFF_BASE: duration('5m', 1000),
  FEED_BACKOFF_MAX: duration('6h', 1000),
  FEED_MAX_ITEMS: int(5000, 1, 1_000_000),
  FEED_HEALTH_GRACE: duration('2h', 0),
  AINEWS_OPS_CHANNEL: z
    .string()
    .trim()
    .optional()
    .refine((channel) => channel === undefined || isChannel(channel), { message: 'expected a channel such as slack:T123/C456, discord:789 or console:ops' }),
  FETCH_TIMEOUT: duration('15s', 100),
  FETCH_MAX_BYTES: z
    .string()
    .default('10MB')
    .transform((text, ctx) => {
      const bytes = parseByteSize(text);
      if (bytes === null || bytes < 1024) {
        ctx.addIssue({ code: 'custom', message: `expected a size of at least 1KB, like 10MB (got "${text}")` });
        return z.NEVER;
      }
      return bytes;
    }),
  FETCH_MAX_REDIRECTS: int(5, 0, 20),
  SUMMARY_MAX_CHARS_ZH: int(120, 20, 2000),
  SUMMARY_LANGUAGE: z.string().trim().min(2).max(40).optional(),
  LLM_BASE_URL: z
    .string()
    .optional()
    .refine((url) => url === undefined || /^https?:\/\/[^\s]+$/.test(url), { message: 'expected an http(s) URL such as https://api.openai.com/v1' }),
  LLM_API_KEY: z.string().optional(),
  LLM_MODEL: z.string().min(1).default('gpt-4o-mini'),
  LLM_TIMEOUT: duration('30s', 100),
  LLM_CONCURRENCY: int(2, 1, 32),
  LLM_DAILY_CALLS: int(1000, 0, 10_000_000),
  LLM_DAILY_TOKENS: int(2_000_000, 0, 2_000_000_000),
  LLM_ALERT_WAIT: duration('60s', 0),
  SUMMARY_MAX_WORDS_EN: int(60, 10, 1000),
  DELIVERY_INTERVAL: duration('2s', 100),
  DELIVERY_MAX_ATTEMPTS: int(8, 1, 100),
  DELIVERY_BACKOFF_BASE: duration('30s', 100),
  DELIVERY_BACKOFF_MAX: duration('1h', 1000),
  DELIVERY_SEND_TIMEOUT: duration('10s', 100),
  DELIVERY_CLAIM_TIMEOUT: duration('60s', 1000),
  DELIVERY_CONCURRENCY: int(10, 1, 100),
  STORY_WINDOW: duration('48h', 3_600_000),
  STORY_UPDATE_DELAY: duration('10m', 0),
  STORY_UPDATE_INTERVAL: duration('1h', 0),
  STORY_MAX_UPDATES: int(3, 0, 100),
  COMMANDS_PER_MINUTE: int(20, 0, 10_000),
  AINEWS_ADMINS: z
    .string()
    .default('')
    .transform((text, ctx) => {
      const ids = text.split(',').map((id) => id.trim()).filter(Boolean);
      const bad = ids.filter((id) => !/^(slack|discord|console):[\w./-]+$/.test(id));
      if (bad.length) {
        ctx.addIssue({ code: 'custom', message: `expected <platform>:<user id> entries such as slack:U012AB3CD (got "${bad.join('", "')}")` });
        return z.NEVER;
      }
      return ids;
    }),
  SLACK_BOT_TOKEN: z.string().trim().regex(/^xoxb-/, 'expected a bot token starting with xoxb-').optional(),
  SLACK_APP_TOKEN: z.string().trim().regex(/^xapp-/, 'expected an app-level token starting with xapp-').optional(),
  SLACK_SIGNING_SECRET: z.string().trim().min(1).optional(),
  SLACK_API_URL: z
    .string()
    .default('https://slack.com/api/')
    .refine((url) => /^https?:\/\/[^\s]+$/.test(url), { message: 'expected an http(s) URL such as https://slack.com/api/' })
    .transform((url) => (url.endsWith('/') ? url : `${url}/`)),
  SLACK_UNFURL: bool(false),
  PUBLIC_URL: z
    .string()
    .trim()
    .optional()
    .refine((url) => url === undefined || /^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(url), { message: 'expected the http(s) URL ainews is reached at, such as https://ainews.example.com' })
    .transform((url) => url?.replace(/\/+$/, '')),
  PORT: int(3000, 1, 65535),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  DISCORD_TOKEN: z.string().trim().min(20, 'expected the bot token from the Developer Portal (Bot → Reset Token)').optional(),
  DISCORD_APPLICATION_ID: z.string().trim().regex(/^\d{15,21}$/, 'expected the numeric application id from the Developer Portal').optional(),
  DISCORD_API_URL: z
    .string()
    .default('https://discord.com/api')
    .refine((url) => /^https?:\/\/[^\s]+$/.test(url), { message: 'expected an http(s) URL such as https://discord.com/api' })
    .transform((url) => url.replace(/\/+$/, '')),
  DISCORD_WATCH_PERMISSION: z.enum(['ManageChannels', 'ManageGuild', 'ManageMessages', 'none']).default('ManageChannels'),
});

export type Config = z.output<typeof configSchema>;

export class ConfigError extends UserError {
  override name = 'ConfigError';
}

/** Reads `.env` (when present) under the real environment: a variable set in the environment wins. */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env, envFile = '.env'): Record<string, string | undefined> {
  const fromFile = existsSync(envFile) ? parseEnv(readFileSync(envFile, 'utf8')) : {};
  return { ...fromFile, ...env };
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => key in configSchema.shape && value !== undefined && value !== ''),
  );
  const result = configSchema.safeParse(present);
  const problems = result.success
    ? combinationProblems(result.data)
    : result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  if (problems.length === 0 && result.success) return result.data;
  throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
}

/** Settings that are valid one by one but not together. */
function combinationProblems(config: Config): string[] {
  const problems: string[] = [];
  if (!config.SLACK_BOT_TOKEN && (config.SLACK_APP_TOKEN || config.SLACK_SIGNING_SECRET)) {
    problems.push('  SLACK_BOT_TOKEN: needed to run Slack (SLACK_APP_TOKEN or SLACK_SIGNING_SECRET is set); it starts with xoxb-');
  }
  if (config.SLACK_BOT_TOKEN && !config.SLACK_APP_TOKEN && !config.SLACK_SIGNING_SECRET) {
    problems.push('  SLACK_BOT_TOKEN: set SLACK_APP_TOKEN too (Socket Mode), or SLACK_SIGNING_SECRET and PORT (HTTP mode)');
  }
  const slackHttp = config.SLACK_BOT_TOKEN && !config.SLACK_APP_TOKEN && config.SLACK_SIGNING_SECRET;
  if (config.PUBLIC_URL && config.METRICS_PORT === config.PORT) {
    problems.push(`  METRICS_PORT: PUBLIC_URL's callbacks are served on PORT ${config.PORT}; give the health and metrics server another port`);
  } else if (slackHttp && config.METRICS_PORT === config.PORT) {
    problems.push(`  METRICS_PORT: Slack's HTTP mode already listens on PORT ${config.PORT}; give the health and metrics server another port`);
  }
  if (Boolean(config.DISCORD_TOKEN) !== Boolean(config.DISCORD_APPLICATION_ID)) {
    problems.push(`  ${config.DISCORD_TOKEN ? 'DISCORD_APPLICATION_ID' : 'DISCORD_TOKEN'}: Discord needs both DISCORD_TOKEN and DISCORD_APPLICATION_ID`);
  }
  if (config.AINEWS_RETENTION > 0 && config.AINEWS_RETENTION <= config.STORY_WINDOW) {
    problems.push('  AINEWS_RETENTION: must be longer than STORY_WINDOW, or items a new report is compared with would be gone');
  }
  if (config.FEED_MAX_INTERVAL < config.FEED_MIN_INTERVAL) {
    problems.push('  FEED_MAX_INTERVAL: must be at least FEED_MIN_INTERVAL');
  }
  if (config.DELIVERY_CLAIM_TIMEOUT <= config.DELIVERY_SEND_TIMEOUT) {
    problems.push('  DELIVERY_CLAIM_TIMEOUT: must be longer than DELIVERY_SEND_TIMEOUT, or a slow send would be taken for a dead one');
  }
  return problems;
}
