import { UserError } from '../user-error.ts';

/**
 * What a server answered besides its status, kept so that a failure can be told apart without parsing
 * messages: the few headers that say who answered (`server`, `cf-ray`, `cf-mitigated`, …; cookie names
 * only, never their values), and the start of the body (a bot challenge says so near its top).
 */
export interface ResponseSnippet {
  headers: Record<string, string>;
  /** The first few kilobytes of the body, decoded as UTF-8 (only markers are looked for in it). */
  body: string;
}

export interface FetchErrorDetails {
  status?: number;
  /** The reason phrase the server sent with `status` (`Forbidden`). */
  statusText?: string;
  retryAfterMs?: number;
  /** What went wrong, as ainews names it: `http-status`, `timeout`, `network`, `too-large`, … */
  code?: string;
  /** The system's own code of a network error: `ENOTFOUND`, `ECONNREFUSED`, `EPROTO`, `DEPTH_ZERO_SELF_SIGNED_CERT`, … */
  systemCode?: string;
  /** The total time allowed, for a `timeout`. */
  timeoutMs?: number;
  /** With an HTTP status: what the server said along with it. */
  response?: ResponseSnippet;
}

/** A feed could not be fetched or read. `retryAfterMs` carries the server's Retry-After, when it sent one. */
export class FeedFetchError extends Error {
  override name = 'FeedFetchError';
  constructor(
    message: string,
    readonly url: string,
    readonly details: FetchErrorDetails = {},
  ) {
    super(message);
  }
}

/** The document a feed URL answered with, when it could not be read as a feed. */
export interface DocumentSnippet {
  /** Where it was fetched from, after redirects: relative links in it are resolved against this. */
  url: string;
  contentType: string | null;
  /** The start of the document, enough for its `<head>`. */
  text: string;
}

/** The feed was fetched but its body is not a feed we can read. */
export class FeedParseError extends UserError {
  override name = 'FeedParseError';
  constructor(
    message: string,
    readonly document: DocumentSnippet | null = null,
  ) {
    super(message);
  }
}

/** A URL was refused before any request was made: wrong scheme, private address, … */
export class UrlRefusedError extends UserError {
  override name = 'UrlRefusedError';
}
