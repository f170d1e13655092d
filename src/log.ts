import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Fields that may hold a credential if some object is logged whole (a request's headers, a config):
 * censored wherever they appear, as a second line of defence behind never logging them.
 */
const SECRET_FIELDS = ['authorization', 'Authorization', 'token', 'SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET', 'DISCORD_TOKEN', 'LLM_API_KEY', 'apiKey'];
const REDACT = SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]);

/**
 * Structured JSON logs on stderr, so that stdout stays free for the CLI's own output and `--json`.
 * Components take a child logger: `log.child({ component: 'poller' })`.
 */
export function createLogger(level: string): Logger {
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime, redact: { paths: REDACT, censor: '[redacted]' } }, pino.destination(2));
}
