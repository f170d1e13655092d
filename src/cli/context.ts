import { createApp, type App } from '../app.ts';
import { DEFAULT_DB, loadConfig, readEnvironment, type Config } from '../config.ts';
import { describeDatabaseError } from '../db/errors.ts';
import { redactedUrl } from '../db-location.ts';
import { createLogger, type Logger } from '../log.ts';
import { UserError } from '../user-error.ts';

export class CliError extends UserError {
  override name = 'CliError';
}

export function loadCliConfig(): Config {
  return loadConfig(readEnvironment());
}

/** One-shot commands log only warnings unless LOG_LEVEL says otherwise; `run` logs at info. */
export function cliLogger(config: Config, fallback: 'warn' | 'info'): Logger {
  return createLogger(config.LOG_LEVEL ?? fallback, { format: config.LOG_FORMAT });
}

/** Builds the app for one CLI command, runs it, and always closes the database. */
export async function withApp<T>(action: (app: App) => Promise<T> | T): Promise<T> {
  const config = loadCliConfig();
  const app = await createApp(config, cliLogger(config, 'warn'));
  try {
    return await action(app);
  } finally {
    await app.close();
  }
}

/** Prints an error the way a person wants to read it, and sets a failing exit code. */
export function reportError(error: unknown): void {
  const database = describeDatabaseError(error, databasePath());
  // A mistake of the user's is one clear line; a bug keeps its stack, which whoever fixes it will need.
  const known = database !== null || error instanceof UserError;
  const message = database ?? (error instanceof Error ? error.message : String(error));
  process.stderr.write(known || !(error instanceof Error) ? `error: ${message}\n` : `error: ${error.stack}\n`);
  process.exitCode = 1;
}

/**
 * The configured database, for error messages, without a PostgreSQL URL's password; never throws (a
 * broken .env must not hide the error).
 */
function databasePath(): string {
  try {
    return redactedUrl(readEnvironment().AINEWS_DB ?? DEFAULT_DB);
  } catch {
    return redactedUrl(process.env.AINEWS_DB ?? DEFAULT_DB);
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function positiveInt(text: string, name: string, max = 10_000): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new CliError(`${name} must be a whole number from 1 to ${max} (got "${text}")`);
  return n;
}
