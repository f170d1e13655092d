/**
 * A mistake the user can fix: a bad argument, a refused URL, an unusable setting. Wherever it surfaces
 * (a chat command, the CLI), it is shown as its message alone, never as "something went wrong" or a stack
 * trace. Every such error extends this class, so that no list of error types has to be kept in step.
 */
export class UserError extends Error {
  override name = 'UserError';
}
