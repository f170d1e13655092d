import { UserError } from '../user-error.ts';

/** A watch that cannot be read as typed; its message says what to write instead. */
export class WatchSyntaxError extends UserError {
  override name = 'WatchSyntaxError';
}
