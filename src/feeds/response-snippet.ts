import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import type { ResponseSnippet } from './errors.ts';

/** Enough of a refusal page for the markers of a bot challenge, which sit in its first few kilobytes. */
const SNIPPET_BYTES = 16 * 1024;
/** A refusal whose body does not come promptly is told by its status and headers alone. */
const SNIPPET_WAIT_MS = 2000;

/** The headers that say who answered and why: CDNs, bot walls, rate limits, logins. */
const KEPT_HEADERS = [
  'server',
  'content-type',
  'retry-after',
  'www-authenticate',
  'cf-mitigated',
  'cf-ray',
  'x-datadome',
  'x-dd-b',
  'x-iinfo',
  'x-sucuri-id',
  'akamai-grn',
  'x-px-blocked',
];

/** The headers ainews keeps of a response, lower-cased; of `set-cookie`, the cookie names alone (never a value). */
export function keptHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = headers[name];
    if (value !== undefined) kept[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const cookies = headers['set-cookie'];
  if (cookies?.length) kept['set-cookie'] = cookies.map((cookie) => cookie.split('=')[0]!.trim()).join(', ');
  return kept;
}

/**
 * The kept headers and the first kilobytes of a response's body (decompressed), read for at most two
 * seconds; the rest of the body is dropped. What cannot be read (a body cut off, a broken compression)
 * leaves the snippet shorter, never an error: the status is the answer, the snippet only explains it.
 */
export async function readSnippet(response: IncomingMessage): Promise<ResponseSnippet> {
  const headers = keptHeaders(response.headers);
  const chunks: Buffer[] = [];
  let size = 0;
  const collect = async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= SNIPPET_BYTES) return;
    }
  };
  const signal = AbortSignal.timeout(SNIPPET_WAIT_MS);
  const decoder = decompressor(response);
  try {
    await (decoder ? pipeline(response, decoder, collect, { signal }) : pipeline(response, collect, { signal }));
  } catch {
    // What arrived is kept: see above.
  } finally {
    response.destroy();
  }
  return { headers, body: Buffer.concat(chunks).subarray(0, SNIPPET_BYTES).toString('utf8') };
}

/** The decompressor a response's Content-Encoding calls for, or null. */
export function decompressor(response: IncomingMessage): Transform | null {
  const encoding = String(response.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (encoding === 'gzip' || encoding === 'x-gzip' || encoding === 'deflate') return zlib.createUnzip();
  if (encoding === 'br') return zlib.createBrotliDecompress();
  return null;
}
