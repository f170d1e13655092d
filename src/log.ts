import { isatty } from 'node:tty';
import pino, { type DestinationStream, type Logger } from 'pino';
import { prettyFactory } from 'pino-pretty';

export type { Logger };

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * Fields that may hold a credential if some object is logged whole (a request's headers, a config):
 * censored wherever they appear, as a second line of defence behind never logging them.
 */
const SECRET_FIELDS = ['authorization', 'Authorization', 'token', 'SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET', 'DISCORD_TOKEN', 'LLM_API_KEY', 'apiKey'];
const REDACT = SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]);

export interface LogOptions {
  /** LOG_FORMAT; unset, a terminal gets `pretty` and anything else (a file, a pipe, journald) `json`. */
  format?: LogFormat;
  /** A file descriptor or a file path; stderr by default, so that stdout stays the CLI's own output and `--json`'s. */
  destination?: number | string;
}

/** People read a terminal; programs read everything else. */
export function chooseLogFormat(format: LogFormat | undefined, toTerminal: boolean): LogFormat {
  return format ?? (toTerminal ? 'pretty' : 'json');
}

/**
 * Structured logs: JSON lines, or readable lines for a person at a terminal. Components take a child
 * logger: `log.child({ component: 'poller' })`. Redaction happens before either format is written.
 */
export function createLogger(level: string, options: LogOptions = {}): Logger {
  const destination = options.destination ?? 2;
  const toTerminal = typeof destination === 'number' && isatty(destination);
  // Synchronous writes in both formats: the last lines before a crash or process.exit() are the ones that matter.
  const out = pino.destination({ dest: destination, sync: true });
  const stream = chooseLogFormat(options.format, toTerminal) === 'pretty' ? prettyLines(out, toTerminal && !('NO_COLOR' in process.env)) : out;
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime, redact: { paths: REDACT, censor: '[redacted]' } }, stream);
}

/**
 * pino-pretty's formatter called in line, rather than its worker-thread transport or its stream, so that
 * a line is on its way to the file descriptor before the log call returns.
 */
function prettyLines(out: DestinationStream, colorize: boolean): DestinationStream {
  const pretty = prettyFactory({
    colorize,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'component',
    messageFormat: '{if component}[{component}] {end}{msg}',
  });
  return { write: (line: string) => out.write(pretty(line)) };
}
