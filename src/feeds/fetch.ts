import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream/promises';
import { defaultAddressGuard, guardConnection, isIpLiteral, type AddressGuard } from './address-guard.ts';
import { FeedFetchError, UrlRefusedError } from './errors.ts';
import { parseFeedUrl } from './feed-url.ts';
import { decompressor, readSnippet } from './response-snippet.ts';
import { headerWebSubLinks, type WebSubLinks } from './websub-links.ts';

export interface FetchSettings {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  userAgent: string;
  allowPrivateNetwork: boolean;
  /** The address policy when private networks are not allowed; tests swap in their own resolver. */
  guard?: AddressGuard;
}

export interface Validators {
  etag?: string | null;
  lastModified?: string | null;
}

export interface FetchedFeed {
  /** 304 when the validators matched: `body` is then empty and nothing needs parsing. */
  status: 200 | 304;
  body: Buffer;
  contentType: string | null;
  etag: string | null;
  lastModified: string | null;
  finalUrl: string;
  /** Set when every redirect on the way was permanent (301/308): the feed has moved for good. */
  movedTo: string | null;
  /** The server's Cache-Control max-age, capped at one hour. */
  maxAgeMs: number | null;
  /**
   * The WebSub hub and self of the answer's `Link` headers, on a 304 too. They take precedence over
   * those the feed's body names (WebSub §4); both are kept apart for the subscriber to weigh.
   */
  links: WebSubLinks;
}

const MAX_AGE_CAP_MS = 3_600_000;
const PERMANENT_REDIRECTS = new Set([301, 308]);

/**
 * GETs a feed with a total timeout over every hop and the body, a size cap enforced while streaming,
 * conditional-GET validators, decompression, and the private-address guard on every hop.
 */
export async function fetchFeed(url: string, settings: FetchSettings, validators: Validators = {}, signal?: AbortSignal): Promise<FetchedFeed> {
  const deadline = AbortSignal.timeout(settings.timeoutMs);
  const combined = signal ? AbortSignal.any([deadline, signal]) : deadline;
  let current = url;
  let permanent = true;
  try {
    for (let hop = 0; ; hop++) {
      const response = await request(current, settings, validators, combined);
      const { statusCode = 0, headers } = response;
      if (statusCode >= 300 && statusCode < 400 && statusCode !== 304 && headers.location) {
        response.resume();
        if (hop >= settings.maxRedirects) {
          throw new FeedFetchError(`too many redirects (more than ${settings.maxRedirects})`, url, { code: 'too-many-redirects' });
        }
        permanent &&= PERMANENT_REDIRECTS.has(statusCode);
        current = parseFeedUrl(new URL(headers.location, current).href).href;
        continue;
      }
      const common = {
        contentType: headers['content-type'] ?? null,
        etag: headerValue(headers.etag),
        lastModified: headerValue(headers['last-modified']),
        finalUrl: current,
        movedTo: permanent && current !== url ? current : null,
        maxAgeMs: maxAge(headers['cache-control']),
        links: headerWebSubLinks(response.headersDistinct.link, current),
      };
      if (statusCode === 304) {
        response.resume();
        return { status: 304, body: Buffer.alloc(0), ...common, etag: common.etag ?? validators.etag ?? null, lastModified: common.lastModified ?? validators.lastModified ?? null };
      }
      if (statusCode < 200 || statusCode >= 300) {
        // What came with the status says why: a bot challenge, a login, a rate limit (src/feeds/failure-cause.ts).
        const snippet = await readSnippet(response);
        throw new FeedFetchError(`HTTP ${statusCode} ${response.statusMessage ?? ''}`.trim(), current, {
          status: statusCode,
          statusText: response.statusMessage ?? undefined,
          code: 'http-status',
          retryAfterMs: statusCode === 429 || statusCode === 503 ? retryAfter(headerValue(headers['retry-after'])) : undefined,
          response: snippet,
        });
      }
      return { status: 200, body: await readBody(response, settings.maxBytes, current), ...common };
    }
  } catch (error) {
    // A status the server answered stays the answer, even when the deadline passed while its body's start was read.
    if (error instanceof FeedFetchError && error.details.code === 'http-status') throw error;
    if (deadline.aborted) {
      throw new FeedFetchError(`timed out after ${settings.timeoutMs / 1000}s`, current, { code: 'timeout', timeoutMs: settings.timeoutMs });
    }
    if (signal?.aborted) throw new FeedFetchError('cancelled: ainews is shutting down', current, { code: 'aborted' });
    if (error instanceof FeedFetchError || error instanceof UrlRefusedError) throw error;
    const err = error as NodeJS.ErrnoException;
    throw new FeedFetchError(`${err.code ? `${err.code}: ` : ''}${err.message}`, current, { code: 'network', systemCode: err.code });
  }
}

function request(url: string, settings: FetchSettings, validators: Validators, signal: AbortSignal): Promise<IncomingMessage> {
  const target = new URL(url);
  const guard = settings.allowPrivateNetwork ? null : (settings.guard ?? defaultAddressGuard);
  if (guard && isIpLiteral(target.hostname)) guard.check(target.hostname, target.hostname);
  const headers: Record<string, string> = {
    'user-agent': settings.userAgent,
    accept: 'application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8',
    'accept-encoding': 'gzip, deflate, br',
  };
  if (validators.etag) headers['if-none-match'] = validators.etag;
  if (validators.lastModified) headers['if-modified-since'] = validators.lastModified;
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(target, {
      headers,
      signal,
      agent: false,
      lookup: guard?.lookup,
    });
    // A second check on the address actually connected to, whatever resolved it.
    if (guard) guardConnection(req, guard, target.hostname);
    req.once('response', resolve);
    req.once('error', reject);
    req.end();
  });
}

async function readBody(response: IncomingMessage, maxBytes: number, url: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge: FeedFetchError | null = null;
  // pipeline() carries an abort, a cut-off body or a decompression error through every stage;
  // a bare pipe() would leave the loop below waiting forever on the decompressor.
  const collect = async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) {
      size += chunk.length;
      if (size > maxBytes) {
        tooLarge = new FeedFetchError(`body is larger than ${Math.round(maxBytes / 1024)} KB (FETCH_MAX_BYTES)`, url, { code: 'too-large' });
        throw tooLarge;
      }
      chunks.push(chunk);
    }
  };
  const decoder = decompressor(response);
  try {
    await (decoder ? pipeline(response, decoder, collect) : pipeline(response, collect));
  } catch (error) {
    // Stopping at the cap tears the other stages down; their abort errors must not hide why.
    throw tooLarge ?? error;
  }
  return Buffer.concat(chunks);
}

function headerValue(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

function maxAge(cacheControl: string | undefined): number | null {
  const match = /(?:^|,)\s*max-age\s*=\s*"?(\d+)/i.exec(cacheControl ?? '');
  return match ? Math.min(Number(match[1]) * 1000, MAX_AGE_CAP_MS) : null;
}

/** Retry-After as seconds or an HTTP date, in milliseconds from now. */
export function retryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
