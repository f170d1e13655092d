import type { Logger } from '../log.ts';

/** Errors that no retry will fix: the token or the app's settings must change first. */
const CONFIGURATION_ERRORS = /invalid_auth|not_allowed_token_type|invalid_token|token_revoked|account_inactive|EADDRINUSE|EACCES/;

/**
 * Starts a platform's listener, retrying with growing waits while the platform is unreachable. Alerts do
 * not depend on it: they wait in the outbox meanwhile. A configuration error is reported once, with no
 * retry. Resolves once started, or given up, or `stopped()` says to stop trying.
 */
export async function keepStarting(name: string, start: () => Promise<void>, log: Logger, stopped: () => boolean, baseMs = 5000): Promise<boolean> {
  for (let attempt = 1; !stopped(); attempt++) {
    try {
      await start();
      return true;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (CONFIGURATION_ERRORS.test(message)) {
        log.error({ err: message }, `${name} could not start and will not retry: check its settings in .env`);
        return false;
      }
      const retryMs = Math.min(baseMs * 2 ** (attempt - 1), 300_000);
      log.error({ err: message, retryMs }, `${name} could not start; retrying (its alerts wait in the outbox)`);
      await new Promise((resolve) => setTimeout(resolve, retryMs).unref());
    }
  }
  return false;
}
