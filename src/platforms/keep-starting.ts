import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log.ts';

/** Errors that no retry will fix: the token or the app's settings must change first. */
const CONFIGURATION_ERRORS = /invalid_auth|not_allowed_token_type|invalid_token|token_revoked|account_inactive|invalid token|TokenInvalid|EADDRINUSE|EACCES/i;

/**
 * Starts a platform's listener, retrying with growing waits (from `baseMs`, doubling, at most 5 min)
 * while the platform is unreachable. Alerts do not depend on it: they wait in the outbox meanwhile. A
 * configuration error is reported once, with no retry. Resolves true once started, false when given up
 * or aborted (which also cuts a wait short).
 */
export async function keepStarting(name: string, start: () => Promise<void>, log: Logger, signal: AbortSignal, baseMs = 5000): Promise<boolean> {
  for (let attempt = 1; !signal.aborted; attempt++) {
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
      await sleep(retryMs, undefined, { signal, ref: false }).catch(() => undefined);
    }
  }
  return false;
}
