import { UserError } from '../user-error.ts';

/** A feed could not be fetched or read. `retryAfterMs` carries the server's Retry-After, when it sent one. */
export class FeedFetchError extends Error {
  override name = 'FeedFetchError';
  constructor(
    message: string,
    readonly url: string,
    readonly details: { status?: number; retryAfterMs?: number; code?: string } = {},
  ) {
    super(message);
  }
}

/** The feed was fetched but its body is not a feed we can read. */
export class FeedParseError extends UserError {
  override name = 'FeedParseError';
}

/** A URL was refused before any request was made: wrong scheme, private address, … */
export class UrlRefusedError extends UserError {
  override name = 'UrlRefusedError';
}
