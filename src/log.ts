import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs on stderr, so that stdout stays free for the CLI's own output and `--json`.
 * Components take a child logger: `log.child({ component: 'poller' })`.
 */
export function createLogger(level: string): Logger {
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination(2));
}
